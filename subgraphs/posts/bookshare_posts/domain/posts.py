"""Posts: a user offers a copy of a book or asks who has one. The rules for a new post live here."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum

TITLE_MAX = 200
BODY_MAX = 5000


class PostKind(Enum):
    OFFER = "OFFER"
    REQUEST = "REQUEST"


class PostInputError(ValueError):
    """A new post's input is not acceptable; `field` names the input field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class NewPost:
    title: str
    body: str
    kind: PostKind
    isbn: str  # always ISBN-13, digits only


def _has_control_characters(text: str, *, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def normalise_isbn(raw: str) -> str:
    """An ISBN-10 or ISBN-13 (hyphens and spaces allowed) as ISBN-13 digits; ValueError if invalid."""
    compact = raw.replace("-", "").replace(" ", "").upper()
    if not compact.isascii():
        raise ValueError("an ISBN has 10 or 13 digits")
    if len(compact) == 10 and compact[:9].isdigit() and (compact[9].isdigit() or compact[9] == "X"):
        total = sum((10 - i) * int(ch) for i, ch in enumerate(compact[:9]))
        total += 10 if compact[9] == "X" else int(compact[9])
        if total % 11:
            raise ValueError("the ISBN-10 check digit is wrong")
        stem = "978" + compact[:9]
        return stem + _isbn13_check_digit(stem)
    if len(compact) == 13 and compact.isdigit():
        if not compact.startswith(("978", "979")):
            raise ValueError("an ISBN-13 starts with 978 or 979")
        if _isbn13_check_digit(compact[:12]) != compact[12]:
            raise ValueError("the ISBN-13 check digit is wrong")
        return compact
    raise ValueError("an ISBN has 10 or 13 digits")


def _isbn13_check_digit(first12: str) -> str:
    total = sum(int(ch) * (3 if i % 2 else 1) for i, ch in enumerate(first12))
    return str((10 - total % 10) % 10)


def validate_new_post(*, title: str, body: str, kind: PostKind, isbn: str) -> NewPost:
    """Check and tidy a new post's fields; raises PostInputError naming the first field at fault."""
    title = title.strip()
    if not title:
        raise PostInputError("title", "the title must not be empty")
    if len(title) > TITLE_MAX:
        raise PostInputError("title", f"the title must be at most {TITLE_MAX} characters")
    if _has_control_characters(title, allow_newlines=False):
        raise PostInputError("title", "the title must be a single line of text")
    body = body.strip()
    if len(body) > BODY_MAX:
        raise PostInputError("body", f"the body must be at most {BODY_MAX} characters")
    if _has_control_characters(body, allow_newlines=True):
        raise PostInputError("body", "the body contains control characters")
    try:
        isbn13 = normalise_isbn(isbn)
    except ValueError as exc:
        raise PostInputError("isbn", f"not a valid ISBN: {exc}") from None
    return NewPost(title=title, body=body, kind=kind, isbn=isbn13)
