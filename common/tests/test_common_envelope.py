import pickle

import pytest

from bookshare_common.events import Envelope, EventError
from bookshare_common.events.schemas import validate


def test_envelope_round_trips_through_json() -> None:
    event = Envelope(event="auth_user_add", source="auth", data={"id": "u1", "username": "ann", "version": 3})
    again = Envelope.from_json(event.to_json())
    assert again == event
    assert again.occurred_at.endswith("Z")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (pickle.dumps({"event": "auth_user_add", "data": {}}), "not JSON"),
        (b'{"event": "auth_user_add", "data": ', "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"event": "auth_user_add", "data": {}}', "lacks id, source, occurred_at"),
        (b'{"event": "x", "data": [], "id": "00000000-0000-0000-0000-000000000000", "source": "auth",'
         b' "occurred_at": "2026-11-28T20:00:00Z"}', "'data' must be an object"),
        (b'{"event": "x", "data": {}, "id": "not-a-uuid", "source": "auth", "occurred_at": "2026-11-28T20:00:00Z"}',
         "'id' must be a UUID"),
        (b'{"event": "x", "data": {}, "id": "00000000-0000-0000-0000-000000000000", "source": "auth",'
         b' "occurred_at": "yesterday"}', "ISO 8601"),
    ],
)
def test_malformed_envelopes_are_refused_with_a_reason(body: bytes, reason: str) -> None:
    with pytest.raises(EventError, match=reason):
        Envelope.from_json(body)


def test_event_data_is_checked_against_its_schema() -> None:
    validate("auth_user_add", {"id": "u1", "username": "ann", "version": 1})
    with pytest.raises(EventError, match="version"):
        validate("auth_user_add", {"id": "u1", "username": "ann", "version": 0})
    with pytest.raises(EventError, match="username"):
        validate("auth_user_add", {"id": "u1", "version": 1})
    with pytest.raises(EventError, match="unknown event"):
        validate("auth_user_explode", {"id": "u1"})
    with pytest.raises(EventError, match="unknown event"):
        validate("../auth_user_add", {"id": "u1", "username": "ann", "version": 1})
