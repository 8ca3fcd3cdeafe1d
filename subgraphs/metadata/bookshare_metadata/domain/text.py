"""Folding text into search tokens. One definition, used for the index and for queries, so that SQLite
FTS5 and PostgreSQL full-text search see exactly the same words (and so find the same books)."""
from __future__ import annotations

import unicodedata

MAX_TERMS = 12

# English words so common that an index lookup of them is slower than checking them on the few books the
# other words found. They still count: a book must contain them and they score as any word does
# (adapters/repository.py). Shared by both engines, so both find the same books.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its", "of", "on",
    "or", "the", "to", "with",
})
MAX_TERM_LENGTH = 64


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-alphanumeric characters turned into one space.

    "Brontë" -> "bronte", "Half-Blood Prince" -> "half blood prince", "J.R.R. Tolkien" -> "j r r tolkien".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out: list[str] = []
    space = True
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            space = False
        elif ch.isalnum():
            # Letters outside ASCII that do not decompose (ø, ß, Cyrillic...) are kept as they are.
            out.append(ch)
            space = False
        elif not space:
            out.append(" ")
            space = True
    return "".join(out).strip()


def tokens(text: str) -> list[str]:
    return fold(text).split()


def query_terms(text: str | None) -> list[str]:
    """The words of a search, de-duplicated in order, bounded in number and length."""
    if not text:
        return []
    seen: list[str] = []
    for token in tokens(text):
        token = token[:MAX_TERM_LENGTH]
        if token not in seen:
            seen.append(token)
    return seen[:MAX_TERMS]
