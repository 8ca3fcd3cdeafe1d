"""The Author replica follows auth's user events, whatever order they come in and however often."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from bookshare_common.credential import Principal
from bookshare_common.events import Envelope
from bookshare_common.testing import ServiceClient
from bookshare_posts.adapters.tables import authors, inbox, outbox

from .conftest import deliver, user_event


async def author(client: ServiceClient, user_id: str) -> dict | None:
    async with client.ctx.db.session() as session:
        row = (await session.execute(select(authors).where(authors.c.id == user_id))).first()
    return None if row is None else {"username": row.username, "version": row.version,
                                     "deleted": row.deleted_at is not None}


async def test_add_then_update_is_applied_and_duplicates_change_nothing(posts: ServiceClient) -> None:
    add = user_event("auth_user_add", "u1", 1, "ann")
    update = user_event("auth_user_update", "u1", 2, "annie")
    await deliver(posts, add)
    await deliver(posts, update)
    await deliver(posts, update)  # the same event again (a redelivery)
    await deliver(posts, Envelope(event="auth_user_add", data=add.data, source="auth"))  # same data, new id
    assert await author(posts, "u1") == {"username": "annie", "version": 2, "deleted": False}


async def test_an_older_update_arriving_late_is_ignored(posts: ServiceClient) -> None:
    await deliver(posts, user_event("auth_user_update", "u2", 3, "newest"))
    await deliver(posts, user_event("auth_user_add", "u2", 1, "oldest"))
    await deliver(posts, user_event("auth_user_update", "u2", 2, "older"))
    assert await author(posts, "u2") == {"username": "newest", "version": 3, "deleted": False}


async def test_a_deleted_user_is_anonymised_even_when_the_delete_comes_first(posts: ServiceClient) -> None:
    await deliver(posts, user_event("auth_user_delete", "u3", 4))
    await deliver(posts, user_event("auth_user_add", "u3", 1, "ghost"))
    await deliver(posts, user_event("auth_user_update", "u3", 5, "back again?"))
    assert await author(posts, "u3") == {"username": None, "version": 4, "deleted": True}


async def test_deleting_a_user_withdraws_their_posts_and_says_so(posts: ServiceClient) -> None:
    await deliver(posts, user_event("auth_user_add", "u4", 1, "dora"))
    dora = Principal(user_id="u4", username="dora")
    mutation = """mutation { createPost(input: {title: "Spare Dune", body: "", kind: OFFER,
                  isbn: "9780441172719"}) { id } }"""
    post_id = (await posts.query(mutation, principal=dora))["data"]["createPost"]["id"]
    await posts.query(mutation, principal=Principal(user_id="u5", username="eve"))

    await deliver(posts, user_event("auth_user_delete", "u4", 2, "dora"))

    assert await author(posts, "u4") == {"username": None, "version": 2, "deleted": True}
    listed = await posts.query("{ posts { edges { node { id author { id } } } } }")
    assert [e["node"]["author"]["id"] for e in listed["data"]["posts"]["edges"]] == ["u5"]
    async with posts.ctx.db.session() as session:
        events = [(r.event, json.loads(r.payload)["data"]) for r in await session.execute(
            select(outbox.c.event, outbox.c.payload).order_by(outbox.c.seq))]
    entities = await posts.query(
        """query($reps: [_Any!]!) { _entities(representations: $reps) {
             ... on Post { id } ... on User { posts { edges { node { id } } } } } }""",
        {"reps": [{"__typename": "Post", "id": post_id}, {"__typename": "User", "id": "u4"}]})
    assert entities["data"]["_entities"] == [None, {"posts": {"edges": []}}]
    withdrawn = [data for event, data in events if event == "posts_post_withdraw"]
    assert [d["id"] for d in withdrawn] == [post_id]
    # The deleted user can no longer post, even with a token issued before the deletion.
    refused = await posts.query(mutation, principal=dora)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_user_who_posts_before_the_add_event_arrives_gets_a_full_replica(posts: ServiceClient) -> None:
    mutation = """mutation { createPost(input: {title: "Hi", body: "", kind: REQUEST,
                  isbn: "9780441172719"}) { id } }"""
    assert "errors" not in await posts.query(mutation, principal=Principal(user_id="u6", username="fay"))
    assert await author(posts, "u6") == {"username": "fay", "version": 0, "deleted": False}
    await deliver(posts, user_event("auth_user_add", "u6", 1, "fay"))
    assert await author(posts, "u6") == {"username": "fay", "version": 1, "deleted": False}


async def test_events_published_on_the_bus_reach_the_replica(posts: ServiceClient) -> None:
    events = [user_event("auth_user_update", "u7", 2, "gil2"), user_event("auth_user_add", "u7", 1, "gil")]
    for event in [*events, events[0]]:
        await posts.ctx.transport.publish(event.to_json(), routing_key=event.event, message_id=event.id)
    for _ in range(200):
        async with posts.ctx.db.session() as session:
            seen = set((await session.execute(select(inbox.c.event_id))).scalars())
        if {e.id for e in events} <= seen and posts.ctx.transport.pending("posts") == 0:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)  # let the duplicate, if it is still in flight, finish
    assert await author(posts, "u7") == {"username": "gil2", "version": 2, "deleted": False}
    assert await posts.ctx.transport.dead_letters("posts") == []
