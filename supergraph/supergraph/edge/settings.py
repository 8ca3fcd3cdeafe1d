"""The edge's settings: every limit and switch, from BOOKSHARE_GATEWAY_* environment variables.

Switches left at None follow the environment: on in development, off in production (introspection, the
playground, CORS for local origins, unmasked errors, human-readable logs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EdgeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKSHARE_GATEWAY_", extra="ignore", populate_by_name=True)

    environment: Literal["development", "production"] = Field(
        default="development", validation_alias=AliasChoices("BOOKSHARE_GATEWAY_ENVIRONMENT", "BOOKSHARE_ENV"))

    # --- limits on one operation (each refused with 400 before any subgraph is called)
    max_body_bytes: int = 2 * 1024 * 1024  # Apollo Router's default http_max_request_bytes
    max_depth: int = 15
    max_aliases: int = 30
    max_root_fields: int = 20
    max_tokens: int = 15_000
    max_batch: int = 10  # operations in one batched (JSON array) request; 0 turns batching off
    max_cost: int = 100_000  # the benchmark query (5 nested lists) estimates 24 420
    assumed_list_size: int = 10  # a list field without first/last/limit is assumed to hold this many
    document_cache_size: int = 2_000

    # --- transport rules
    allow_get_queries: bool = False
    csrf_prevention: bool = True
    csrf_required_headers: list[str] = ["x-apollo-operation-name", "apollo-require-preflight"]
    introspection: bool | None = None
    playground: bool | None = None
    mask_errors: bool | None = None
    cors_origins: list[str] | None = None  # None: localhost origins in development, none in production
    forwarded_headers: list[str] = []  # client headers passed on to subgraphs (an allow-list)

    # --- persisted operations
    apq: bool = True
    apq_cache_size: int = 10_000
    trusted_documents: Path | None = None  # a manifest; when set, only its operations are served

    # --- rate limits (requests per window; 0 = no limit)
    rate_limit_window_seconds: float = 60.0
    rate_limit_per_address: int = 0
    rate_limit_per_user: int = 0
    # Behind load balancers, the client's address is the one this many proxy hops back in X-Forwarded-For
    # (0: the socket's peer; never trust the header when no proxy of ours sets it).
    trusted_proxy_hops: int = 0

    # --- operating it
    log_format: Literal["json", "console"] | None = None
    log_level: str = "info"
    access_log: bool = False  # one log line per GraphQL request (operation, status, duration, request id)
    request_id_header: str = "x-request-id"
    supergraph_poll_seconds: float = 2.0  # how often a supergraph file is checked for changes; 0 = never
    ready_timeout_seconds: float = 2.0
    drain_seconds: float = 30.0  # a replaced gateway is closed when its last request ends, or after this
    otlp_endpoint: str | None = None  # OpenTelemetry traces over OTLP/HTTP (or OTEL_EXPORTER_OTLP_ENDPOINT)
    service_name: str = "bookshare-gateway"

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def _dev_default(self, value: bool | None) -> bool:
        return (not self.production) if value is None else value

    @property
    def introspection_enabled(self) -> bool:
        return self._dev_default(self.introspection)

    @property
    def playground_enabled(self) -> bool:
        return self._dev_default(self.playground)

    @property
    def masking_errors(self) -> bool:
        return self.production if self.mask_errors is None else self.mask_errors

    @property
    def json_logs(self) -> bool:
        return self.production if self.log_format is None else self.log_format == "json"

    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_origins is not None:
            return self.cors_origins
        if self.production:
            return []
        return ["http://localhost:3000", "http://localhost:4000", "http://127.0.0.1:3000", "http://127.0.0.1:4000",
                "http://localhost:5173"]
