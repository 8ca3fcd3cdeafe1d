"""Refresh-token rotation: each refresh spends the token and hands out the next one of the same family.

Presenting a spent token again means two parties hold it (one of them a thief), so the whole family
is revoked and everyone holding it must log in again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_REFRESH_TOKEN_TTL = timedelta(days=30)


class RefreshVerdict(enum.Enum):
    ROTATE = "rotate"
    REUSED = "reused"  # spent before: revoke the family
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class RefreshTokenState:
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def judge_refresh(state: RefreshTokenState, now: datetime) -> RefreshVerdict:
    if state.revoked_at is not None:
        return RefreshVerdict.REVOKED
    if state.used_at is not None:
        return RefreshVerdict.REUSED
    if state.expires_at <= now:
        return RefreshVerdict.EXPIRED
    return RefreshVerdict.ROTATE
