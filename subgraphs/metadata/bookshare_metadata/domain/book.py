"""A book's descriptive record and the rules its fields obey (no I/O)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bookshare_metadata.domain.isbn import InvalidIsbn, Isbn

MAX_TITLE = 500
MAX_NAME = 200
MAX_AUTHORS = 20
MAX_SUBJECTS = 20
MAX_SUBJECT = 100
MAX_DESCRIPTION = 10_000
MAX_PAGES = 100_000
MIN_YEAR = -3000  # the year a work was first published may be ancient; the ISBN is of a later edition
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class InvalidBook(ValueError):
    """A field breaks a rule; `field` names it (as the GraphQL input calls it)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BookRecord:
    isbn13: str
    isbn10: str | None
    title: str
    authors: tuple[str, ...]
    subtitle: str | None = None
    publisher: str | None = None
    published_year: int | None = None
    language: str | None = None
    page_count: int | None = None
    description: str | None = None
    subjects: tuple[str, ...] = field(default_factory=tuple)

    def descriptive_fields(self) -> dict[str, object]:
        """The fields a person edits (what `updateBook` and the importer compare)."""
        return {
            "title": self.title, "subtitle": self.subtitle, "authors": list(self.authors),
            "publisher": self.publisher, "published_year": self.published_year, "language": self.language,
            "page_count": self.page_count, "description": self.description, "subjects": list(self.subjects),
        }


def _clean_text(value: object, name: str, limit: int, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InvalidBook(f"{name} is required", name)
        return None
    if not isinstance(value, str):
        raise InvalidBook(f"{name} must be text", name)
    text = " ".join(value.split())
    if not text:
        if required:
            raise InvalidBook(f"{name} must not be empty", name)
        return None
    if len(text) > limit:
        raise InvalidBook(f"{name} is longer than {limit} characters", name)
    return text


def _clean_list(values: object, name: str, *, limit: int, item_limit: int, required: bool) -> tuple[str, ...]:
    if values is None:
        values = []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        raise InvalidBook(f"{name} must be a list of names", name)
    cleaned: list[str] = []
    for value in values:
        text = _clean_text(value, name, item_limit)
        if text and text.casefold() not in (c.casefold() for c in cleaned):
            cleaned.append(text)
    if required and not cleaned:
        raise InvalidBook(f"{name} must name at least one", name)
    if len(cleaned) > limit:
        raise InvalidBook(f"{name} may hold at most {limit} entries", name)
    return tuple(cleaned)


def _clean_int(value: object, name: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidBook(f"{name} must be a whole number", name)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise InvalidBook(f"{name} must be a whole number", name) from None
    if not isinstance(value, int):
        raise InvalidBook(f"{name} must be a whole number", name)
    if not low <= value <= high:
        raise InvalidBook(f"{name} must be between {low} and {high}", name)
    return value


def _clean_language(value: object) -> str | None:
    text = _clean_text(value, "language", 16)
    if text is None:
        return None
    text = text.lower().replace("_", "-")
    if not _LANGUAGE.match(text):
        raise InvalidBook("language must be a language code such as 'en', 'fr' or 'pt-br'", "language")
    return text


def clean_fields(raw: dict[str, object], *, partial: bool = False) -> dict[str, object]:
    """Validate and normalise the descriptive fields in `raw` (snake_case keys).

    With `partial`, only the keys present are checked (an update); title and authors, when present,
    still may not be emptied.
    """
    this_year = datetime.now(UTC).year
    checks = {
        "title": lambda v: _clean_text(v, "title", MAX_TITLE, required=True),
        "subtitle": lambda v: _clean_text(v, "subtitle", MAX_TITLE),
        "authors": lambda v: _clean_list(v, "authors", limit=MAX_AUTHORS, item_limit=MAX_NAME, required=True),
        "publisher": lambda v: _clean_text(v, "publisher", MAX_NAME),
        "published_year": lambda v: _clean_int(v, "publishedYear", MIN_YEAR, this_year + 1),
        "language": _clean_language,
        "page_count": lambda v: _clean_int(v, "pageCount", 1, MAX_PAGES),
        "description": lambda v: _clean_text(v, "description", MAX_DESCRIPTION),
        "subjects": lambda v: _clean_list(v, "subjects", limit=MAX_SUBJECTS, item_limit=MAX_SUBJECT, required=False),
    }
    out: dict[str, object] = {}
    for key, check in checks.items():
        if key in raw:
            out[key] = check(raw[key])
        elif not partial:
            out[key] = check(None)
    return out


def new_record(isbn_text: str, raw: dict[str, object]) -> BookRecord:
    """A validated record from user or file input; raises InvalidBook (field 'isbn' for ISBN problems)."""
    try:
        isbn = Isbn.parse(isbn_text)
    except InvalidIsbn as exc:
        raise InvalidBook(str(exc), "isbn") from None
    fields = clean_fields(raw)
    return BookRecord(isbn13=isbn.isbn13, isbn10=isbn.isbn10, **fields)  # type: ignore[arg-type]


def apply_changes(record: BookRecord, changes: dict[str, object]) -> tuple[BookRecord, list[str]]:
    """The record with `changes` applied, and the names of the fields that really changed."""
    cleaned = clean_fields(changes, partial=True)
    current = record.descriptive_fields()
    changed = [k for k, v in cleaned.items() if (list(v) if isinstance(v, tuple) else v) != current[k]]
    return replace(record, **{k: cleaned[k] for k in changed}), changed  # type: ignore[arg-type]
