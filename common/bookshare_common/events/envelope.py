"""The event envelope of DESIGN.md: JSON on the wire, never pickle."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

SCHEMA_VERSION = 1


class EventError(ValueError):
    """A message that is not a valid Bookshare event; it is dead-lettered with this reason."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Envelope:
    event: str
    data: dict[str, Any]
    source: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=_now)
    schema_version: int = SCHEMA_VERSION

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "event": self.event,
                "data": self.data,
                "id": self.id,
                "source": self.source,
                "occurred_at": self.occurred_at,
                "schema_version": self.schema_version,
            }
        )

    @classmethod
    def from_json(cls, body: bytes | str) -> Envelope:
        """Parse and check the envelope itself; the data is checked against its event schema elsewhere."""
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise EventError(f"not JSON: {exc}") from None
        if not isinstance(doc, dict):
            raise EventError("the message is not a JSON object")
        missing = [key for key in ("event", "data", "id", "source", "occurred_at") if key not in doc]
        if missing:
            raise EventError(f"the envelope lacks {', '.join(missing)}")
        event, data, event_id, source = doc["event"], doc["data"], doc["id"], doc["source"]
        if not isinstance(event, str) or not event:
            raise EventError("'event' must be a non-empty string")
        if not isinstance(data, dict):
            raise EventError("'data' must be an object")
        if not isinstance(source, str) or not source:
            raise EventError("'source' must be a non-empty string")
        try:
            uuid.UUID(str(event_id))
        except ValueError:
            raise EventError("'id' must be a UUID") from None
        occurred_at = doc["occurred_at"]
        try:
            datetime.fromisoformat(str(occurred_at).replace("Z", "+00:00"))
        except ValueError:
            raise EventError("'occurred_at' must be an ISO 8601 time") from None
        version = doc.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):
            raise EventError("'schema_version' must be an integer")
        return cls(event=event, data=data, source=source, id=str(event_id), occurred_at=str(occurred_at),
                   schema_version=version)
