"""Settings of the metadata service beyond the shared ones (env prefix BOOKSHARE_METADATA_)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bookshare_metadata.adapters.images import CoverLimits
from bookshare_metadata.adapters.storage import CoverStorage, FolderStorage, S3Config, S3Storage


class MetadataSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKSHARE_METADATA_", extra="ignore")

    # Where clients fetch covers: through the gateway, which forwards /covers/* to this service.
    covers_base_url: str = "http://localhost:4000/covers"
    covers_dir: Path | None = None  # default: <data_dir>/covers
    covers_max_bytes: int = 5 * 1024 * 1024
    seed_demo_catalogue: bool = True
    # S3-compatible bucket for covers instead of the folder: set the bucket to use it.
    covers_s3_bucket: str | None = None
    covers_s3_endpoint_url: str | None = None  # unset: AWS S3; else MinIO, Ceph, R2, ...
    covers_s3_region: str = "us-east-1"
    covers_s3_access_key_id: str | None = None  # unset: boto3's chain (AWS_ACCESS_KEY_ID, roles, ...)
    covers_s3_secret_access_key: SecretStr | None = None
    covers_s3_prefix: str = "covers/"
    covers_s3_addressing_style: str | None = None  # "path" or "virtual"; unset: path with an endpoint URL
    # Optional: clients fetch covers from here (a public bucket or CDN) as <base>/<prefix><name> instead of
    # through the gateway's /covers/ route.
    covers_public_base_url: str | None = None

    def s3_config(self) -> S3Config | None:
        if not self.covers_s3_bucket:
            return None
        secret = self.covers_s3_secret_access_key
        return S3Config(
            bucket=self.covers_s3_bucket, endpoint_url=self.covers_s3_endpoint_url or None,
            region=self.covers_s3_region, access_key_id=self.covers_s3_access_key_id or None,
            secret_access_key=secret.get_secret_value() if secret else None, prefix=self.covers_s3_prefix,
            addressing_style=self.covers_s3_addressing_style or None)


@lru_cache
def metadata_settings() -> MetadataSettings:
    return MetadataSettings()


def cover_limits() -> CoverLimits:
    return CoverLimits(max_bytes=metadata_settings().covers_max_bytes)


_storages: dict[object, CoverStorage] = {}


def cover_storage(data_dir: Path) -> CoverStorage:
    """The configured storage, one per configuration (an S3 client keeps a connection pool)."""
    settings = metadata_settings()
    s3 = settings.s3_config()
    if s3 is not None:
        if s3 not in _storages:
            _storages[s3] = S3Storage(s3)
        return _storages[s3]
    root = (settings.covers_dir or data_dir / "covers").resolve()
    if root not in _storages:
        _storages[root] = FolderStorage(root)
    return _storages[root]


def cover_url(name: str) -> str:
    settings = metadata_settings()
    if settings.covers_public_base_url and settings.covers_s3_bucket:
        return f"{settings.covers_public_base_url.rstrip('/')}/{settings.covers_s3_prefix}{name}"
    return f"{settings.covers_base_url.rstrip('/')}/{name}"
