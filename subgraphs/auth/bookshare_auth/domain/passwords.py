"""Password rules and hashing: Argon2id, a minimum length, and refusal of easily guessed passwords."""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 10
# Argon2 hashes any length, but a megabyte "password" is a cheap way to burn server CPU.
MAX_LENGTH = 256
# zxcvbn scores 0..4; below 2 it is among common passwords or trivially derived from them.
MIN_STRENGTH = 2

def password_problem(password: str, user_inputs: Sequence[str] = ()) -> str | None:
    """Why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters long."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters long."
    # zxcvbn's cost grows with length; the first 100 characters decide whether it is guessable.
    result = zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_STRENGTH:
        warning = result.get("feedback", {}).get("warning") or "It is too easy to guess."
        return f"Password is too common or too easy to guess: {warning}"
    return None


class PasswordHashing:
    """Argon2id hashing. The defaults are argon2-cffi's (RFC 9106 "low memory": 64 MiB, 3 passes);
    tests pass cheaper parameters so that hundreds of sign-ups stay fast."""

    def __init__(self, *, time_cost: int | None = None, memory_cost_kib: int | None = None,
                 parallelism: int | None = None) -> None:
        params = {k: v for k, v in
                  {"time_cost": time_cost, "memory_cost": memory_cost_kib, "parallelism": parallelism}.items()
                  if v is not None}
        self._hasher = PasswordHasher(**params)  # type: ignore[arg-type]
        # Verified against when no account matches, so a wrong login costs the same time either way.
        self._dummy_hash = self._hasher.hash("bookshare-no-such-account")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches; with no hash, spends the same effort and answers False."""
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than today's (rehash on the next login)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True
