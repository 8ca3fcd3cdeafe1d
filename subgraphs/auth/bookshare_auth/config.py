"""Auth's own settings (env prefix BOOKSHARE_AUTH_), beside the shared ServiceSettings."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKSHARE_AUTH_", extra="ignore")

    # The gateway checks access tokens against these two (BOOKSHARE_AUTH_ISSUER / _AUDIENCE).
    issuer: str = "bookshare-auth"
    audience: str = "bookshare"
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_days: int = 30
    email_verification_ttl_hours: int = 48
    password_reset_ttl_minutes: int = 30
    # Argon2id cost; None keeps argon2-cffi's defaults (RFC 9106 low-memory profile).
    argon2_time_cost: int | None = None
    argon2_memory_kib: int | None = None
    argon2_parallelism: int | None = None
    # Whether throttled logins really wait before answering (tests turn this off to stay fast).
    throttle_delays: bool = True
    # Password-reset and verification emails one address may trigger per hour.
    email_requests_per_hour: int = 5
