"""The roles an account can hold. Every signed-in user is a plain user; roles add powers."""

from __future__ import annotations

from collections.abc import Iterable

ADMIN = "admin"
MODERATOR = "moderator"
KNOWN_ROLES = frozenset({ADMIN, MODERATOR})


def clean_roles(roles: Iterable[str]) -> list[str]:
    """The roles, lower-cased, deduplicated and sorted; raises ValueError naming unknown ones."""
    cleaned = sorted({r.strip().lower() for r in roles})
    unknown = [r for r in cleaned if r not in KNOWN_ROLES]
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(unknown)}. Known roles: {', '.join(sorted(KNOWN_ROLES))}.")
    return cleaned
