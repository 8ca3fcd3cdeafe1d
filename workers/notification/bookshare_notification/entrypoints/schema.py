"""The notification subgraph's GraphQL schema: a signed-in user reads and marks their own notifications."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Authenticated
from strawberry.types import Info

from bookshare_common.credential import Principal
from bookshare_common.db import Database
from bookshare_common.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from bookshare_common.pagination import (
    DEFAULT_PAGE,
    PageRequestError,
    check_page_size,
    decode_cursor,
    encode_cursor,
)
from bookshare_notification.adapters import repository
from bookshare_notification.adapters.repository import NotificationRow, Page
from bookshare_notification.domain import notices

CURSOR_KIND = "notification"
# @authenticated lets the gateway refuse anonymous callers early; every resolver checks again regardless.
SIGNED_IN = [Authenticated()]

NotificationKind = strawberry.enum(notices.NotificationKind, description="What a notification is about")


def _db(info: Info) -> Database:
    return info.context["db"]


def _user_id(info: Info) -> str:
    principal: Principal = info.context["principal"]
    if not principal.authenticated or principal.user_id is None:
        raise Unauthenticated()
    return principal.user_id


@strawberry.federation.type(shareable=True, description="Relay page information")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="Something that happened that concerns the signed-in user")
class Notification:
    id: strawberry.ID
    kind: NotificationKind  # type: ignore[valid-type]
    message: str
    isbn: str | None = strawberry.field(description="the book concerned, if any")
    loan_id: strawberry.ID | None
    order_id: strawberry.ID | None
    created_at: datetime
    read_at: datetime | None

    @strawberry.field
    def read(self) -> bool:
        return self.read_at is not None


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo


def _notification(row: NotificationRow) -> Notification:
    return Notification(
        id=strawberry.ID(row.id), kind=row.kind, message=row.message, isbn=row.isbn,
        loan_id=strawberry.ID(row.loan_id) if row.loan_id else None,
        order_id=strawberry.ID(row.order_id) if row.order_id else None,
        created_at=row.created_at, read_at=row.read_at,
    )


def _connection(page: Page) -> NotificationConnection:
    edges = [NotificationEdge(cursor=encode_cursor(CURSOR_KIND, row.seq), node=_notification(row))
             for row in page.rows]
    return NotificationConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, has_previous_page=page.has_previous,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None),
    )


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user's notifications, newest first", directives=SIGNED_IN)
    async def notifications(self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None,
                            unread_only: bool = False) -> NotificationConnection:
        user_id = _user_id(info)
        try:
            size = check_page_size(first)
            before_seq = decode_cursor(CURSOR_KIND, after) if after is not None else None
        except PageRequestError as exc:
            raise BadUserInput(exc.message, field=exc.field) from None
        async with _db(info).session() as session:
            page = await repository.page_for(session, user_id, first=size, before_seq=before_seq,
                                             unread_only=unread_only)
        return _connection(page)

    @strawberry.field(description="How many of the signed-in user's notifications are unread", directives=SIGNED_IN)
    async def unread_notification_count(self, info: Info) -> int:
        user_id = _user_id(info)
        async with _db(info).session() as session:
            return await repository.unread_count(session, user_id)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Mark one of your notifications read", directives=SIGNED_IN)
    async def mark_notification_read(self, info: Info, id: strawberry.ID) -> Notification:  # noqa: A002
        user_id = _user_id(info)
        async with _db(info).transaction() as session:
            # Write first: on SQLite a transaction that reads before it writes can be refused its write lock.
            await repository.mark_read(session, str(id), recipient_id=user_id)
            row = await repository.notification_by_id(session, str(id))
            if row is None:
                raise NotFound("no such notification")
            if row.recipient_id != user_id:
                raise Forbidden("this notification is someone else's")
        return _notification(row)

    @strawberry.mutation(description="Mark all your notifications read; returns how many were unread",
                         directives=SIGNED_IN)
    async def mark_all_notifications_read(self, info: Info) -> int:
        user_id = _user_id(info)
        async with _db(info).transaction() as session:
            return await repository.mark_all_read(session, user_id)


schema = strawberry.federation.Schema(query=Query, mutation=Mutation)
