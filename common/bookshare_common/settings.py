"""Settings from environment variables, with development defaults that work out of the box.

Every service reads the same shared variables (BOOKSHARE_ENV, BOOKSHARE_DATA_DIR, BOOKSHARE_BROKER_URL,
the gateway credential keys) and its own database URL (BOOKSHARE_<SERVICE>_DATABASE_URL).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_PORTS: dict[str, int] = {
    "gateway": 4000,
    "auth": 4001,
    "store": 4002,
    "metadata": 4003,
    "posts": 4004,
    "notification": 4005,
}


class InsecureProductionSetting(RuntimeError):
    """A production setting still holds a development value."""


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKSHARE_", extra="ignore")

    service: str = "unknown"
    environment: Literal["development", "production"] = Field(default="development", alias="BOOKSHARE_ENV")
    data_dir: Path = Path(".data")
    broker_url: str = "memory://"
    host: str = "127.0.0.1"
    port: int = 0
    # PEM texts; in development the keys are generated into the data folder on first start.
    gateway_private_key: str | None = None
    gateway_public_key: str | None = None
    database_url_override: str | None = Field(default=None, exclude=True)

    @property
    def database_url(self) -> str:
        if self.database_url_override:
            return self.database_url_override
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service}.db').resolve()}"

    @property
    def production(self) -> bool:
        return self.environment == "production"


STATELESS = {"gateway"}  # owns no data: no database to check


def load_settings(service: str, **overrides: object) -> ServiceSettings:
    """Settings for one service: shared variables plus BOOKSHARE_<SERVICE>_DATABASE_URL and _PORT."""
    env = service.upper()
    values: dict[str, object] = {"service": service}
    if url := os.environ.get(f"BOOKSHARE_{env}_DATABASE_URL"):
        values["database_url_override"] = url
    port = os.environ.get(f"BOOKSHARE_{env}_PORT")
    values["port"] = int(port) if port else SERVICE_PORTS.get(service, 0)
    values.update(overrides)
    settings = ServiceSettings(**values)  # type: ignore[arg-type]
    check_production(settings)
    return settings


def check_production(settings: ServiceSettings) -> None:
    """Refuse to start in production on a development default, naming the setting at fault."""
    if not settings.production:
        return
    if settings.gateway_public_key is None:
        raise InsecureProductionSetting(
            "BOOKSHARE_GATEWAY_PUBLIC_KEY must be set in production (the development key is generated "
            "into the data folder and is not a production secret)"
        )
    if settings.service not in STATELESS and settings.database_url.startswith("sqlite"):
        raise InsecureProductionSetting(
            f"BOOKSHARE_{settings.service.upper()}_DATABASE_URL must point at PostgreSQL in production"
        )
    if settings.service not in STATELESS and settings.broker_url.startswith("memory:"):
        raise InsecureProductionSetting("BOOKSHARE_BROKER_URL must point at RabbitMQ (amqp://) in production")
    if "guest:guest@" in settings.broker_url:
        raise InsecureProductionSetting("BOOKSHARE_BROKER_URL uses the development guest:guest account")
