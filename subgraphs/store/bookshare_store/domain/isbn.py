"""ISBN normalisation: every copy is filed under the ISBN-13 of its book, whatever the user typed."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-]")


class InvalidIsbn(ValueError):
    """The text is not a valid ISBN-10 or ISBN-13."""


def _isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_is_valid(isbn10: str) -> bool:
    total = 0
    for i, ch in enumerate(isbn10):
        value = 10 if ch == "X" and i == 9 else int(ch)
        total += value * (10 - i)
    return total % 11 == 0


def normalise_isbn(raw: str) -> str:
    """Return the ISBN-13 for an ISBN-10 or ISBN-13 (hyphens and spaces allowed); raise InvalidIsbn otherwise."""
    text = _SEPARATORS.sub("", raw or "").upper()
    if text.upper().startswith("ISBN"):
        text = text[4:].lstrip(":")
    if re.fullmatch(r"\d{9}[\dX]", text):
        if not _isbn10_is_valid(text):
            raise InvalidIsbn(f"{raw!r} is not a valid ISBN: wrong check digit")
        body = "978" + text[:9]
        return body + _isbn13_check_digit(body)
    if re.fullmatch(r"\d{13}", text):
        if not text.startswith(("978", "979")):
            raise InvalidIsbn(f"{raw!r} is not a valid ISBN: an ISBN-13 starts with 978 or 979")
        if _isbn13_check_digit(text[:12]) != text[12]:
            raise InvalidIsbn(f"{raw!r} is not a valid ISBN: wrong check digit")
        return text
    raise InvalidIsbn(f"{raw!r} is not a valid ISBN: expected 10 or 13 digits")
