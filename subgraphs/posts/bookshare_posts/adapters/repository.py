"""Reading and writing the posts service's tables; every function works inside the caller's session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_posts.adapters.tables import authors, posts
from bookshare_posts.domain.authors import ReplicaState
from bookshare_posts.domain.posts import NewPost, PostKind


@dataclass(frozen=True, slots=True)
class PostRow:
    seq: int
    id: str
    author_id: str
    kind: PostKind
    title: str
    body: str
    isbn: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[PostRow]
    has_next: bool
    has_previous: bool


def _insert(session: AsyncSession):  # noqa: ANN202 - the dialect's INSERT, for ON CONFLICT
    return (postgresql if session.bind.dialect.name == "postgresql" else sqlite).insert


async def lock_author(session: AsyncSession, user_id: str, username: str | None = None) -> ReplicaState:
    """The author's replica state, locked for this transaction; a version-0 row is made if none exists
    (a user may act, or be deleted, before auth's add event reaches us)."""
    await session.execute(
        _insert(session)(authors)
        .values(id=user_id, username=username, version=0, updated_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["id"])
    )
    row = (
        await session.execute(
            select(authors.c.version, authors.c.deleted_at).where(authors.c.id == user_id).with_for_update()
        )
    ).one()
    return ReplicaState(version=row.version, deleted=row.deleted_at is not None)


async def update_author(session: AsyncSession, user_id: str, *, username: str, version: int) -> None:
    await session.execute(
        update(authors).where(authors.c.id == user_id)
        .values(username=username, version=version, updated_at=datetime.now(UTC))
    )


async def anonymise_author(session: AsyncSession, user_id: str, *, version: int) -> list[PostRow]:
    """Forget the person and withdraw their posts; returns the posts withdrawn."""
    now = datetime.now(UTC)
    await session.execute(
        update(authors).where(authors.c.id == user_id)
        .values(username=None, deleted_at=now, version=version, updated_at=now)
    )
    open_posts = [
        _row(r) for r in await session.execute(
            select(posts).where(posts.c.author_id == user_id, posts.c.withdrawn_at.is_(None)).order_by(posts.c.seq)
        )
    ]
    await session.execute(
        update(posts).where(posts.c.author_id == user_id, posts.c.withdrawn_at.is_(None)).values(withdrawn_at=now)
    )
    return open_posts


async def insert_post(session: AsyncSession, author_id: str, post: NewPost) -> PostRow:
    values = {
        "id": str(uuid.uuid4()),
        "author_id": author_id,
        "kind": post.kind.value,
        "title": post.title,
        "body": post.body,
        "isbn": post.isbn,
        "created_at": datetime.now(UTC),
    }
    seq = (await session.execute(posts.insert().values(**values).returning(posts.c.seq))).scalar_one()
    return PostRow(seq=seq, id=values["id"], author_id=author_id, kind=post.kind, title=post.title,
                   body=post.body, isbn=post.isbn, created_at=values["created_at"])


async def post_by_id(session: AsyncSession, post_id: str) -> PostRow | None:
    row = (
        await session.execute(select(posts).where(posts.c.id == post_id, posts.c.withdrawn_at.is_(None)))
    ).first()
    return _row(row) if row is not None else None


async def page_of_posts(session: AsyncSession, *, first: int, before_seq: int | None,
                        author_id: str | None = None) -> Page:
    """Visible posts newest first, starting after the post numbered `before_seq` (exclusive)."""
    visible = [posts.c.withdrawn_at.is_(None)]
    if author_id is not None:
        visible.append(posts.c.author_id == author_id)
    query = select(posts).where(*visible).order_by(posts.c.seq.desc()).limit(first + 1)
    if before_seq is not None:
        query = query.where(posts.c.seq < before_seq)
    rows = [_row(r) for r in await session.execute(query)]
    has_previous = False
    if before_seq is not None:
        has_previous = bool(await session.scalar(select(exists().where(*visible, posts.c.seq >= before_seq))))
    return Page(rows=rows[:first], has_next=len(rows) > first, has_previous=has_previous)


def _row(row) -> PostRow:  # noqa: ANN001
    return PostRow(seq=row.seq, id=row.id, author_id=row.author_id, kind=PostKind(row.kind), title=row.title,
                   body=row.body, isbn=row.isbn, created_at=row.created_at)
