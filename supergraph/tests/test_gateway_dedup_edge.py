"""Deduplication behind the edge, as clients see it: requests of different users never share an execution,
requests of the same user do, and answers completed by the edge's authorization stay right for each client."""

import asyncio
import sys
from pathlib import Path

import jwt
import pytest

sys.path.insert(0, str(Path(__file__).parent / "edge"))
from edge_kit import client, federation, post  # noqa: E402

from bookshare_common.credential import CREDENTIAL_HEADER  # noqa: E402


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


@pytest.fixture
def slow_accounts(fed):  # noqa: ANN201
    # a slow subgraph keeps the concurrent requests in flight together
    fed.subgraphs["accounts"].delay = 0.3
    fed.clear()
    yield fed
    fed.subgraphs["accounts"].delay = 0.0


def _subjects(fed) -> list[str]:
    return sorted(jwt.decode(h[CREDENTIAL_HEADER], options={"verify_signature": False}).get("sub") or "anonymous"
                  for h in fed.recorder.headers.get("accounts", []))


async def test_different_users_are_never_shared_and_the_same_user_is(slow_accounts) -> None:
    fed = slow_accounts
    ada, ben = fed.keys.token("u1"), fed.keys.token("u2")
    async with client(fed.app()) as http:
        answers = await asyncio.gather(
            post(http, "{ users { id name } }", ada), post(http, "{ users { id name } }", ben),
            post(http, "{ users { id name } }", ada), post(http, "{ users { id name } }"),
            post(http, "{ users { id name } }"))
    expected = {"data": {"users": [{"id": "u1", "name": "Ada"}, {"id": "u2", "name": "Ben"}]}}
    assert all(r.status_code == 200 and r.json() == expected for r in answers)
    assert _subjects(fed) == ["anonymous", "u1", "u2"]  # one fetch per caller identity, none per request


async def test_answers_completed_by_authorization_stay_right_for_every_sharer(slow_accounts) -> None:
    fed = slow_accounts
    query = "{ users { name email } me { name } admin { userCount } }"
    reader, admin = fed.keys.token("u1", "read:email"), fed.keys.token("u9", "admin")
    async with client(fed.app()) as http:
        answers = await asyncio.gather(*(post(http, query, token) for token in (reader, admin, reader, reader)))
    for response in (answers[0], answers[2], answers[3]):
        body = response.json()
        assert body["data"] == {"users": [{"name": "Ada", "email": "ada@example.org"},
                                          {"name": "Ben", "email": "ben@example.org"}],
                                "me": {"name": "Ada"}, "admin": None}
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert answers[1].json()["data"]["admin"] == {"userCount": 2}
    assert _subjects(fed) == ["u1", "u9"]
