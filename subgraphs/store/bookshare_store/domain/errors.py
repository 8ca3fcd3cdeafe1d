"""Why the domain refuses something. Entrypoints turn these into GraphQL errors with a code."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Refused(DomainError):
    """The request is not valid in the current state (BAD_USER_INPUT)."""


class NotPermitted(DomainError):
    """The user may not do this to this loan, order or copy (FORBIDDEN)."""


class Missing(DomainError):
    """No such copy, loan or order (NOT_FOUND)."""
