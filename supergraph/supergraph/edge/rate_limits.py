"""Request rate limits per client address and per user: fixed windows counted in memory (per process)."""

from __future__ import annotations

import math
import time


class FixedWindowLimiter:
    def __init__(self, limit: int, window_seconds: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._counts: dict[str, int] = {}
        self._window_start = time.monotonic()

    def hit(self, key: str) -> float | None:
        """Count one request; None when allowed, else the seconds until the window resets."""
        now = time.monotonic()
        if now - self._window_start >= self.window:
            self._counts.clear()
            self._window_start = now
        count = self._counts.get(key, 0) + 1
        if count > self.limit:
            return max(0.0, self.window - (now - self._window_start))
        if len(self._counts) < self.max_keys or key in self._counts:
            self._counts[key] = count
        return None

    @staticmethod
    def retry_after(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))
