"""Errors that reach clients: a message and `extensions.code`, never a stack trace."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError


class BookshareError(GraphQLError):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(message, extensions={"code": self.code, **(extensions or {})})


class BadUserInput(BookshareError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, extensions={"field": field} if field else None)


class Unauthenticated(BookshareError):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "you must be signed in") -> None:
        super().__init__(message)


class Forbidden(BookshareError):
    code = "FORBIDDEN"

    def __init__(self, message: str = "you may not do this") -> None:
        super().__init__(message)


class NotFound(BookshareError):
    code = "NOT_FOUND"


class Conflict(BookshareError):
    code = "CONFLICT"


class RateLimited(BookshareError):
    code = "RATE_LIMITED"

    def __init__(self, message: str = "too many attempts, try again later", *, retry_after: int | None = None) -> None:
        super().__init__(message, extensions={"retryAfter": retry_after} if retry_after else None)
