"""The posts subgraph's GraphQL schema: posts, and the posts a User has written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.federation.schema_directives import Authenticated
from strawberry.types import Info

from bookshare_common.credential import Principal
from bookshare_common.db import Database
from bookshare_common.errors import BadUserInput, Forbidden, Unauthenticated
from bookshare_common.events import emit
from bookshare_common.pagination import (
    DEFAULT_PAGE,
    PageRequestError,
    check_page_size,
    decode_cursor,
    encode_cursor,
)
from bookshare_posts.adapters import repository
from bookshare_posts.adapters.repository import Page, PostRow
from bookshare_posts.domain import posts as rules

CURSOR_KIND = "post"

PostKind = strawberry.enum(rules.PostKind, description="OFFER: someone offers a copy; REQUEST: someone asks for a book")


def _db(info: Info) -> Database:
    return info.context["db"]


def _principal(info: Info) -> Principal:
    return info.context["principal"]


@strawberry.federation.type(shareable=True, description="Relay page information")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.federation.type(keys=["id"], description="A user, as the auth subgraph knows them")
class User:
    id: strawberry.ID

    @strawberry.field(description="The user's posts, newest first")
    async def posts(self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None) -> PostConnection:
        return await _post_page(info, first, after, author_id=str(self.id))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:  # noqa: A002 - the key field's name
        return cls(id=id)


@strawberry.federation.type(keys=["id"], description="A post offering a copy of a book, or asking for one")
class Post:
    id: strawberry.ID
    title: str
    body: str
    kind: PostKind  # type: ignore[valid-type]
    isbn: str = strawberry.field(description="ISBN-13 of the book")
    created_at: datetime
    author_id: strawberry.Private[str]

    @strawberry.field
    def author(self) -> User:
        return User(id=strawberry.ID(self.author_id))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Post | None:  # noqa: A002
        async with _db(info).session() as session:
            row = await repository.post_by_id(session, str(id))
        return _post(row) if row is not None else None


@strawberry.type
class PostEdge:
    cursor: str
    node: Post


@strawberry.type
class PostConnection:
    edges: list[PostEdge]
    page_info: PageInfo


def _post(row: PostRow) -> Post:
    return Post(id=strawberry.ID(row.id), title=row.title, body=row.body, kind=row.kind, isbn=row.isbn,
                created_at=row.created_at, author_id=row.author_id)


def _connection(page: Page) -> PostConnection:
    edges = [PostEdge(cursor=encode_cursor(CURSOR_KIND, row.seq), node=_post(row)) for row in page.rows]
    return PostConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, has_previous_page=page.has_previous,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None),
    )


async def _post_page(info: Info, first: int, after: str | None, *, author_id: str | None = None) -> PostConnection:
    try:
        size = check_page_size(first)
        before_seq = decode_cursor(CURSOR_KIND, after) if after is not None else None
    except PageRequestError as exc:
        raise BadUserInput(exc.message, field=exc.field) from None
    async with _db(info).session() as session:
        page = await repository.page_of_posts(session, first=size, before_seq=before_seq, author_id=author_id)
    return _connection(page)


@strawberry.input
class CreatePostInput:
    title: str
    body: str
    kind: PostKind  # type: ignore[valid-type]
    isbn: str = strawberry.field(description="ISBN-10 or ISBN-13; hyphens and spaces are ignored")


@strawberry.type
class Query:
    @strawberry.field(description="Every post, newest first")
    async def posts(self, info: Info, first: int = DEFAULT_PAGE, after: str | None = None) -> PostConnection:
        return await _post_page(info, first, after)


@strawberry.type
class Mutation:
    # @authenticated lets the gateway refuse anonymous callers early; the resolver checks again regardless.
    @strawberry.mutation(description="Offer a copy of a book, or ask who has one", directives=[Authenticated()])
    async def create_post(self, info: Info, input: CreatePostInput) -> Post:  # noqa: A002 - GraphQL's name
        principal = _principal(info)
        if not principal.authenticated or principal.user_id is None:
            raise Unauthenticated()
        try:
            new = rules.validate_new_post(title=input.title, body=input.body, kind=input.kind, isbn=input.isbn)
        except rules.PostInputError as exc:
            raise BadUserInput(exc.message, field=exc.field) from None
        async with _db(info).transaction() as session:
            author = await repository.lock_author(session, principal.user_id, principal.username)
            if author.deleted:
                raise Forbidden("this account has been deleted")
            row = await repository.insert_post(session, principal.user_id, new)
            await emit(session, "posts_post_add", _post_event(row), source="posts")
        return _post(row)


def _post_event(row: PostRow) -> dict[str, Any]:
    return {"id": row.id, "author_id": row.author_id, "kind": row.kind.value, "title": row.title,
            "body": row.body, "isbn": row.isbn,
            "created_at": row.created_at.isoformat().replace("+00:00", "Z")}


schema = strawberry.federation.Schema(query=Query, mutation=Mutation, types=[User, Post])
