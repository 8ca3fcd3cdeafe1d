"""Opaque secrets handed to users (refresh tokens, email verification and password reset tokens).

Only their SHA-256 digest is stored: they carry 256 random bits, so a fast digest is enough and a
leaked table holds nothing that can be replayed.
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> tuple[str, str]:
    """A fresh secret and the digest to store for it."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
