"""The Owner replica's rule: apply a user event only when it is newer than what we hold; deletion is final."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplicaState:
    version: int
    deleted: bool


def should_apply_update(held: ReplicaState | None, incoming_version: int) -> bool:
    if held is None:
        return True
    return not held.deleted and incoming_version > held.version


def should_apply_delete(held: ReplicaState | None) -> bool:
    # Deletion is the user's last word: it applies unless we already applied it, whatever versions say.
    return held is None or not held.deleted
