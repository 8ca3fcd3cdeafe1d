"""Settings of the gateway's passthrough routes and uploads (BOOKSHARE_GATEWAY_*, like the edge's)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class PassthroughSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKSHARE_GATEWAY_", extra="ignore")

    # GraphQL multipart requests (file uploads); each refused with 413 before any subgraph is called
    uploads: bool = True
    upload_max_file_bytes: int = 10 * MIB  # the metadata service has its own, smaller limit for covers
    upload_max_files: int = 5
    upload_max_total_bytes: int = 20 * MIB  # the whole multipart body
    upload_max_field_bytes: int = 2 * MIB  # `operations` and `map`
    upload_spool_bytes: int = 1 * MIB  # a file larger than this waits on disk, not in memory
    upload_timeout_seconds: float = 60.0  # one multipart fetch to a subgraph

    # GET /.well-known/jwks.json and GET/HEAD /covers/{name}, answered by the auth and metadata subgraphs
    jwks_cache_seconds: float = 60.0
    passthrough_timeout_seconds: float = 10.0
