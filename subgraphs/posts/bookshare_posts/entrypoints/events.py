"""Events in: auth's user events keep the Author replica in step (duplicates and reordering are harmless)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.events import Envelope, Handler, emit
from bookshare_posts.adapters import repository
from bookshare_posts.domain.authors import should_apply_delete, should_apply_update

SOURCE = "posts"


async def on_user_upsert(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    held = await repository.lock_author(session, data["id"])
    if should_apply_update(held, data["version"]):
        await repository.update_author(session, data["id"], username=data["username"], version=data["version"])


async def on_user_delete(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    held = await repository.lock_author(session, data["id"])
    if not should_apply_delete(held):
        return
    withdrawn = await repository.anonymise_author(session, data["id"], version=max(held.version, data["version"]))
    for post in withdrawn:
        await emit(session, "posts_post_withdraw", {
            "id": post.id, "author_id": post.author_id, "kind": post.kind.value, "isbn": post.isbn,
            "reason": "the author's account was deleted",
        }, source=SOURCE)


HANDLERS: dict[str, Handler] = {
    "auth_user_add": on_user_upsert,
    "auth_user_update": on_user_upsert,
    "auth_user_delete": on_user_delete,
}
