"""Settings of the metadata service beyond the shared ones (env prefix BOOKSHARE_METADATA_)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from bookshare_metadata.adapters.images import CoverLimits
from bookshare_metadata.adapters.storage import CoverStorage, FolderStorage


class MetadataSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKSHARE_METADATA_", extra="ignore")

    # Where clients fetch covers: through the gateway, which forwards /covers/* to this service.
    covers_base_url: str = "http://localhost:4000/covers"
    covers_dir: Path | None = None  # default: <data_dir>/covers
    covers_max_bytes: int = 5 * 1024 * 1024
    seed_demo_catalogue: bool = True


@lru_cache
def metadata_settings() -> MetadataSettings:
    return MetadataSettings()


def cover_limits() -> CoverLimits:
    return CoverLimits(max_bytes=metadata_settings().covers_max_bytes)


_storages: dict[Path, FolderStorage] = {}


def cover_storage(data_dir: Path) -> CoverStorage:
    root = (metadata_settings().covers_dir or data_dir / "covers").resolve()
    if root not in _storages:
        _storages[root] = FolderStorage(root)
    return _storages[root]


def cover_url(name: str) -> str:
    return f"{metadata_settings().covers_base_url.rstrip('/')}/{name}"
