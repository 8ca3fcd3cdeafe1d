"""Relay cursors: opaque to clients, a position in a list ordered newest first (by a sequence number)."""

from __future__ import annotations

import base64
import binascii

DEFAULT_PAGE = 20
MAX_PAGE = 100


class PageRequestError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def encode_cursor(kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """The sequence number inside a cursor made by encode_cursor(kind, ...); PageRequestError otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise PageRequestError("after", "not a valid cursor") from None
    prefix, _, number = raw.partition(":")
    if prefix != kind or not (number.isascii() and number.isdigit()) or len(number) > 18:
        raise PageRequestError("after", "not a valid cursor")
    return int(number)


def check_page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise PageRequestError("first", f"first must be between 1 and {MAX_PAGE}")
    return first
