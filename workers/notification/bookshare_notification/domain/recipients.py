"""The Recipient replica's rule (a copy of auth's users): newer versions win, deletion is final."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReplicaState:
    version: int
    deleted: bool


def should_apply_update(held: ReplicaState | None, incoming_version: int) -> bool:
    """An add or update applies when it is newer than what we hold and the user is not deleted."""
    if held is None:
        return True
    return not held.deleted and incoming_version > held.version


def should_apply_delete(held: ReplicaState | None) -> bool:
    # Deletion is the user's last word: it applies once, whatever order the events came in.
    return held is None or not held.deleted
