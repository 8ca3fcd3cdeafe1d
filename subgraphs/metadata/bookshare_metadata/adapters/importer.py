"""Importing a catalogue file (CSV or JSON Lines): bad rows are skipped and reported, and a second run
of the same file changes nothing (books are matched by ISBN-13)."""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookshare_common.db import Database
from bookshare_metadata.adapters import catalogue
from bookshare_metadata.adapters import repository as repo
from bookshare_metadata.domain.book import BookRecord, InvalidBook, new_record

BATCH = 500

# Column names people use, folded (lower case, no spaces, dashes or underscores) -> our field.
_ALIASES = {
    "isbn": "isbn", "isbn13": "isbn", "isbn10": "isbn", "ean": "isbn",
    "title": "title", "subtitle": "subtitle",
    "authors": "authors", "author": "authors",
    "publisher": "publisher",
    "publishedyear": "published_year", "year": "published_year", "publicationyear": "published_year",
    "language": "language", "lang": "language",
    "pagecount": "page_count", "pages": "page_count", "numpages": "page_count",
    "description": "description",
    "subjects": "subjects", "subject": "subjects", "tags": "subjects",
}
_LIST_FIELDS = ("authors", "subjects")


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str
    isbn: str | None = None


@dataclass
class ImportReport:
    path: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + len(self.skipped)

    def summary(self) -> str:
        return (f"{self.path}: {self.total} rows: {self.added} added, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.skipped)} skipped")

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": [{"line": s.line, "isbn": s.isbn, "reason": s.reason} for s in self.skipped]}


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _split(value: Any) -> Any:
    # In CSV, several authors or subjects share one cell, separated by ';' or '|' (names contain commas).
    if isinstance(value, str):
        sep = "|" if "|" in value else ";"
        return [part for part in (p.strip() for p in value.split(sep)) if part]
    return value


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if name is None:
            continue
        target = _ALIASES.get(_key(str(name)))
        if target is None or target in out and out[target] not in (None, ""):
            continue
        if isinstance(value, str) and not value.strip():
            value = None
        out[target] = _split(value) if target in _LIST_FIELDS else value
    return out


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) for each row, or (line number, reason) when the row cannot be read."""
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if suffix in (".csv", ".tsv"):
            reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                if None in row:
                    yield reader.line_num, "the row has more cells than the header has columns"
                else:
                    yield reader.line_num, _normalise(row)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except ValueError as exc:
                    yield number, f"not valid JSON: {exc.msg}"
                    continue
                if not isinstance(value, dict):
                    yield number, "not a JSON object"
                    continue
                yield number, _normalise(value)
        else:
            raise ValueError(f"unsupported catalogue file '{path.name}': use .csv, .tsv or .jsonl")


def count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(0, lines - 1) if path.suffix.lower() in (".csv", ".tsv") else lines


def _parse(line: int, row: dict[str, Any]) -> BookRecord | SkippedRow:
    isbn = row.get("isbn")
    if not isinstance(isbn, str | int) or not str(isbn).strip():
        return SkippedRow(line, "no ISBN")
    try:
        return new_record(str(isbn), {k: v for k, v in row.items() if k != "isbn"})
    except InvalidBook as exc:
        return SkippedRow(line, str(exc), str(isbn))


async def _apply(db: Database, batch: list[tuple[int, BookRecord]], report: ImportReport, only_missing: bool) -> None:
    async with db.transaction() as session:
        existing = await repo.get_books(session, [record.isbn13 for _, record in batch])
        new = [record for _, record in batch if record.isbn13 not in existing]
        for stored in await repo.insert_books(session, new, added_by=None):
            await catalogue.record_added(session, stored)
        report.added += len(new)
        for _, record in batch:
            stored = existing.get(record.isbn13)
            if stored is None:
                continue
            if only_missing:
                report.unchanged += 1
                continue
            fresh = record.descriptive_fields()
            changed = [k for k, v in stored.record.descriptive_fields().items() if fresh[k] != v]
            if not changed:
                report.unchanged += 1
                continue
            stored = await repo.update_book(session, stored, record)
            await catalogue.record_updated(session, stored, changed, None)
            report.updated += 1


async def import_file(db: Database, path: Path, *, only_missing: bool = False,
                      advance: Callable[[int], None] | None = None) -> ImportReport:
    """Import `path` into `db`. With `only_missing`, books already present are left as they are (the demo
    catalogue on start must never undo someone's edit)."""
    report = ImportReport(path=str(path))
    seen: dict[str, int] = {}
    batch: list[tuple[int, BookRecord]] = []
    for line, row in read_rows(path):
        parsed = SkippedRow(line, row) if isinstance(row, str) else _parse(line, row)
        if isinstance(parsed, BookRecord):
            if parsed.isbn13 in seen:
                parsed = SkippedRow(line, f"ISBN {parsed.isbn13} already appears on line {seen[parsed.isbn13]}",
                                    parsed.isbn13)
            else:
                seen[parsed.isbn13] = line
        if isinstance(parsed, SkippedRow):
            report.skipped.append(parsed)
        else:
            batch.append((line, parsed))
        if len(batch) >= BATCH:
            await _apply(db, batch, report, only_missing)
            batch = []
        if advance:
            advance(1)
    if batch:
        await _apply(db, batch, report, only_missing)
    return report
