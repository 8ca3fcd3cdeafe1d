"""The Owner replica fed through the real RabbitMQ (its own namespace): duplicates, reordering, deletion."""

import uuid
from pathlib import Path

from sqlalchemy import select

from bookshare_common.events import Envelope
from bookshare_common.events.rabbit import RabbitTransport
from bookshare_common.testing import need_rabbitmq, service_client
from bookshare_store.adapters.tables import owners
from bookshare_store.entrypoints.app import SPEC
from bookshare_store.testing import ALICE, BOB, Store


async def test_auth_events_through_rabbitmq_keep_the_replica_right(database_url: str, tmp_path: Path) -> None:
    url = need_rabbitmq()
    transport = RabbitTransport(url, namespace=f"store-test-{uuid.uuid4().hex[:8]}")
    try:
        async with service_client(SPEC, database_url=database_url, data_dir=tmp_path, transport=transport) as client:
            store = Store(client)
            copy = await store.add_copy(BOB)
            loan = await store.request_loan(ALICE, copy["id"])
            add = Envelope(event="auth_user_add", source="auth", data={"id": BOB.user_id, "username": "bob",
                                                                       "version": 1})
            newer = Envelope(event="auth_user_update", source="auth", data={"id": BOB.user_id, "username": "robert",
                                                                            "version": 2})
            await store.deliver(newer, add, add, newer)
            async with store.db.session() as session:
                row = (await session.execute(select(owners).where(owners.c.id == BOB.user_id))).first()
            assert (row.username, row.version) == ("robert", 2)
            await store.deliver(Envelope(event="auth_user_delete", source="auth",
                                         data={"id": BOB.user_id, "version": 3}))
            seen = await store.ok("query($id: ID!) { loan(id: $id) { status lender { id } } }", {"id": loan["id"]},
                                  as_user=ALICE)
            assert seen["loan"] == {"status": "CANCELLED", "lender": None}
            assert [e["event"] for e in await store.events() if e["event"] != "store_copy_add"] == [
                "store_loan_request", "store_loan_cancel", "store_copy_withdraw"]
    finally:
        await transport.delete_everything([SPEC.name])
        await transport.close()
