"""JSON Schemas of the events, one file per event name under schema/events/."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from bookshare_common.events.envelope import EventError


def schema_dir() -> Path:
    """BOOKSHARE_EVENT_SCHEMAS, or schema/events at the top of the checkout (found from this file)."""
    if configured := os.environ.get("BOOKSHARE_EVENT_SCHEMAS"):
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "schema" / "events"
        if candidate.is_dir():
            return candidate
    raise RuntimeError("schema/events not found: set BOOKSHARE_EVENT_SCHEMAS")


@cache
def _validator(event: str) -> Draft202012Validator | None:
    path = schema_dir() / f"{event}.json"
    if not event.replace("_", "").isalnum() or not path.is_file():
        return None
    schema = orjson.loads(path.read_bytes())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def known_events() -> list[str]:
    return sorted(p.stem for p in schema_dir().glob("*.json") if not p.stem.startswith("_"))


def validate(event: str, data: dict[str, Any]) -> None:
    """Raise EventError unless `data` is valid for `event` (an event without a schema is unknown)."""
    validator = _validator(event)
    if validator is None:
        raise EventError(f"unknown event {event!r}: no schema in schema/events")
    if validator.is_valid(data):  # the common case; the slower search for the best error only on failure
        return
    error = best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "data"
        raise EventError(f"{event}: {where}: {error.message}")
