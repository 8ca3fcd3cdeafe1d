"""Helpers for the store's tests: a running store spoken to as given users, its outbox, its event feed."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import orjson
from sqlalchemy import select

from bookshare_common.credential import Principal
from bookshare_common.events import Envelope, inbox, outbox
from bookshare_common.testing import ServiceClient

ALICE = Principal(user_id="u-alice", username="alice")
BOB = Principal(user_id="u-bob", username="bob")
CAROL = Principal(user_id="u-carol", username="carol")
ANONYMOUS = Principal()

ISBN = "9780306406157"
ISBN10 = "0306406152"
OTHER_ISBN = "9780804429573"


class Store:
    """The store service plus helpers that speak its GraphQL API as a given user."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    @property
    def db(self) -> Any:
        return self.client.ctx.db

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *,
                  as_user: Principal = ANONYMOUS) -> dict[str, Any]:
        return await self.client.query(query, variables, principal=as_user)

    async def ok(self, query: str, variables: dict[str, Any] | None = None, *, as_user: Principal) -> dict[str, Any]:
        doc = await self.gql(query, variables, as_user=as_user)
        assert not doc.get("errors"), doc
        return doc["data"]

    async def add_copy(self, owner: Principal, **fields: Any) -> dict[str, Any]:
        data = {"isbn": ISBN, "condition": "GOOD", "forLoan": True, "forSale": True, "price": "4.50", **fields}
        result = await self.ok("mutation($i: AddCopyInput!) { addCopy(input: $i) { id status isbn price } }",
                               {"i": data}, as_user=owner)
        return result["addCopy"]

    async def request_loan(self, borrower: Principal, copy_id: str, days: int = 14) -> dict[str, Any]:
        due = (dt.date.today() + dt.timedelta(days=days)).isoformat()
        result = await self.ok("mutation($c: ID!, $d: Date!) { requestLoan(copyId: $c, dueDate: $d) { id status } }",
                               {"c": copy_id, "d": due}, as_user=borrower)
        return result["requestLoan"]

    async def step(self, mutation: str, object_id: str, *, as_user: Principal) -> dict[str, Any]:
        """Run one state-changing mutation; returns the whole response (data and errors)."""
        return await self.gql(f"mutation($id: ID!) {{ {mutation}(id: $id) {{ id status }} }}", {"id": object_id},
                              as_user=as_user)

    async def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """The events written to the outbox, oldest first, as (event, data) dicts."""
        async with self.db.session() as session:
            query = select(outbox.c.event, outbox.c.payload).order_by(outbox.c.seq)
            if name:
                query = query.where(outbox.c.event == name)
            rows = (await session.execute(query)).all()
        return [{"event": r.event, **orjson.loads(r.payload)["data"]} for r in rows]

    async def deliver(self, *envelopes: Envelope) -> None:
        """Publish events to the store through its broker and wait until its consumer has applied each one.
        (A broker may hand them to the consumer concurrently, so each id is awaited, not just the last.)"""
        transport = self.client.ctx.transport
        for envelope in envelopes:
            await transport.publish(envelope.to_json(), routing_key=envelope.event, message_id=envelope.id)
        wanted = {envelope.id for envelope in envelopes}
        for _ in range(1000):
            async with self.db.session() as session:
                seen = set((await session.execute(select(inbox.c.event_id).where(inbox.c.event_id.in_(wanted))))
                           .scalars())
            if seen == wanted:
                await asyncio.sleep(0.05)  # let duplicates still in flight reach the inbox check too
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"the store did not consume {sorted(wanted - seen)}")


def error_code(doc: dict[str, Any]) -> str | None:
    errors = doc.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None
