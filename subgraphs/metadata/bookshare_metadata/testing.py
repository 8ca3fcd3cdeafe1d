"""Principals and small helpers for the metadata service's tests (and its benchmark)."""
from __future__ import annotations

from bookshare_common.credential import Principal

ALICE = Principal(user_id="user-alice", username="alice")
BOB = Principal(user_id="user-bob", username="bob")
LIBRARIAN = Principal(user_id="user-libby", username="libby", roles=frozenset({"librarian"}))
ADMIN = Principal(user_id="user-root", username="root", roles=frozenset({"admin"}))


def codes(doc: dict) -> set[str]:
    """The `extensions.code` of every error in a GraphQL response."""
    return {(e.get("extensions") or {}).get("code") for e in doc.get("errors") or []}
