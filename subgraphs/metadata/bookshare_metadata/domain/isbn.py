"""ISBN-10 / ISBN-13 parsing, check digits and conversion. Pure functions, no I/O.

A book is identified by its ISBN-13 (digits only). ISBN-10s are accepted on input and converted;
an ISBN-13 with the 978 prefix also has an ISBN-10, one with 979 does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Separators people type or paste: hyphens (ASCII and Unicode dashes) and any whitespace.
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")


class InvalidIsbn(ValueError):
    """The text is not a valid ISBN; the message says why, in words a user understands."""


def isbn10_check_digit(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _strip(text: str) -> str:
    cleaned = _SEPARATORS.sub("", text.strip())
    if cleaned.upper().startswith("ISBN"):
        cleaned = cleaned[4:].lstrip(":")
        cleaned = _SEPARATORS.sub("", cleaned)
    return cleaned.upper()


def to_isbn13(text: str) -> str:
    """Normalise an ISBN-10 or ISBN-13 (hyphens, spaces, an `ISBN` prefix allowed) to 13 digits.

    Raises InvalidIsbn naming the problem: wrong length, stray characters, or a wrong check digit.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidIsbn("an ISBN is required")
    raw = _strip(text)
    if len(raw) == 10:
        if not (raw[:9].isdigit() and (raw[9].isdigit() or raw[9] == "X")):
            raise InvalidIsbn(f"'{text}' is not an ISBN: an ISBN-10 is nine digits and a check digit (0-9 or X)")
        expected = isbn10_check_digit(raw[:9])
        if raw[9] != expected:
            raise InvalidIsbn(f"'{text}' has an invalid ISBN-10 check digit: expected {expected}, got {raw[9]}")
        body = "978" + raw[:9]
        return body + isbn13_check_digit(body)
    if len(raw) == 13:
        if not raw.isdigit():
            raise InvalidIsbn(f"'{text}' is not an ISBN: an ISBN-13 has only digits")
        if raw[:3] not in ("978", "979"):
            raise InvalidIsbn(f"'{text}' is not an ISBN: an ISBN-13 starts with 978 or 979")
        expected = isbn13_check_digit(raw[:12])
        if raw[12] != expected:
            raise InvalidIsbn(f"'{text}' has an invalid ISBN-13 check digit: expected {expected}, got {raw[12]}")
        return raw
    raise InvalidIsbn(f"'{text}' is not an ISBN: it has {len(raw)} digits, an ISBN has 10 or 13")


def to_isbn10(isbn13: str) -> str | None:
    """The ISBN-10 of a normalised ISBN-13, or None for the 979 range (which has no ISBN-10)."""
    if not isbn13.startswith("978"):
        return None
    body = isbn13[3:12]
    return body + isbn10_check_digit(body)


def is_valid(text: str) -> bool:
    try:
        to_isbn13(text)
    except InvalidIsbn:
        return False
    return True


@dataclass(frozen=True)
class Isbn:
    """A validated ISBN: `isbn13` always, `isbn10` when the 978 range gives one."""

    isbn13: str
    isbn10: str | None

    @classmethod
    def parse(cls, text: str) -> Isbn:
        isbn13 = to_isbn13(text)
        return cls(isbn13=isbn13, isbn10=to_isbn10(isbn13))
