"""The gateway's edge: who may ask what (tokens, @authenticated/@requiresScopes, limits, persisted operations,
rate limits), the offline playground, and operating it (health, readiness, metrics, logs, reload)."""

from .app import EdgeApp
from .settings import EdgeSettings

__all__ = ["EdgeApp", "EdgeSettings"]
