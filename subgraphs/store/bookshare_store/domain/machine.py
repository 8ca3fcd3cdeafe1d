"""A small table-driven state machine shared by loans and orders.

Each move is allowed from some states, by some parties; anything else is refused. Permission is checked
before the state so that a stranger learns nothing about where a loan or order stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bookshare_store.domain.errors import NotPermitted, Refused

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


class Party(StrEnum):
    """Who asks, relative to one loan or order. SYSTEM is the service itself (a user was deleted, a copy sold)."""

    LENDER = "LENDER"
    BORROWER = "BORROWER"
    SELLER = "SELLER"
    BUYER = "BUYER"
    SYSTEM = "SYSTEM"
    STRANGER = "STRANGER"


@dataclass(frozen=True)
class StateMachine(Generic[S, A]):
    name: str
    transitions: Mapping[tuple[S, A], S]
    actors: Mapping[A, frozenset[Party]]

    def move(self, status: S, action: A, party: Party) -> S:
        """The status after `action` by `party` from `status`; NotPermitted or Refused when it is not allowed."""
        allowed = self.actors.get(action, frozenset())
        if party not in allowed:
            who = " or ".join(sorted(p.value.lower() for p in allowed if p is not Party.SYSTEM))
            raise NotPermitted(f"only the {who} can {action.value.lower()} this {self.name}")
        after = self.transitions.get((status, action))
        if after is None:
            raise Refused(f"this {self.name} is {status.value.lower()} and cannot be {_past(action.value.lower())}")
        return after



_IRREGULAR = {"start": "started", "extend": "extended", "return": "returned", "cancel": "cancelled"}


def _past(verb: str) -> str:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    return verb + ("d" if verb.endswith("e") else "ed")


MAX_REASON_LENGTH = 500


def check_reason(reason: str | None) -> str | None:
    """A reason given with a rejection or cancellation: optional, trimmed, and short enough to pass on."""
    if reason is None or not reason.strip():
        return None
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise Refused(f"reason is longer than {MAX_REASON_LENGTH} characters", field="reason")
    return reason
