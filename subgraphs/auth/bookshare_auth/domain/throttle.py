"""Login throttling: failed logins per account and per address are slowed down, then refused for a while.

Counting is by what the caller typed (the login) rather than by account, so a login that matches no
account is throttled exactly like one that does and the answers reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int  # failures within `window` after which attempts are refused
    window: timedelta
    lockout: timedelta
    slow_after: int  # failures after which each attempt waits before answering
    base_delay: float  # seconds; doubles with each further failure
    max_delay: float

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.slow_after < 0:
            raise ValueError("max_failures must be positive and slow_after non-negative")


ACCOUNT_POLICY = ThrottlePolicy(
    max_failures=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15),
    slow_after=2, base_delay=0.5, max_delay=4.0,
)
# An address may serve many people (an office, a campus), so it gets more room than one account.
ADDRESS_POLICY = ThrottlePolicy(
    max_failures=30, window=timedelta(minutes=15), lockout=timedelta(minutes=15),
    slow_after=10, base_delay=0.25, max_delay=4.0,
)


@dataclass(frozen=True)
class FailureCount:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None


def locked_until(count: FailureCount | None, now: datetime) -> datetime | None:
    """When attempts are refused, until when; None when an attempt may go ahead."""
    if count is None or count.locked_until is None or count.locked_until <= now:
        return None
    return count.locked_until


def after_failure(count: FailureCount | None, now: datetime, policy: ThrottlePolicy) -> FailureCount:
    """The count once one more failure has happened at `now`."""
    if count is None or now - count.window_started_at > policy.window or (
        count.locked_until is not None and count.locked_until <= now
    ):
        # A new window, also after a lockout ran out: the next failures count afresh.
        count = FailureCount(failures=0, window_started_at=now)
    failures = count.failures + 1
    lock = now + policy.lockout if failures >= policy.max_failures else None
    return FailureCount(failures=failures, window_started_at=count.window_started_at, locked_until=lock)


def delay_before_answer(count: FailureCount | None, now: datetime, policy: ThrottlePolicy) -> float:
    """Seconds to wait before answering an attempt, given the failures so far."""
    if count is None or now - count.window_started_at > policy.window:
        return 0.0
    extra = count.failures - policy.slow_after
    if extra < 0:
        return 0.0
    return min(policy.max_delay, policy.base_delay * (2**extra))
