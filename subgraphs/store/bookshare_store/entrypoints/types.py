"""The store's GraphQL types: Copy, Loan, Order, their connections, and the fields it adds to User and Book."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Generic, TypeVar

import strawberry
from strawberry.federation.schema_directives import Authenticated
from strawberry.types import Info

from bookshare_common.errors import Forbidden
from bookshare_store.adapters import queries
from bookshare_store.adapters import repository as repo
from bookshare_store.adapters.records import CopyRecord, LoanRecord, OrderRecord
from bookshare_store.domain import copies as copy_rules
from bookshare_store.domain import loans as loan_rules
from bookshare_store.domain import orders as order_rules
from bookshare_store.domain.errors import DomainError
from bookshare_store.domain.isbn import InvalidIsbn, normalise_isbn
from bookshare_store.entrypoints.loaders import loaders
from bookshare_store.entrypoints.transactions import client_error, read, viewer_id

Condition = strawberry.enum(copy_rules.Condition, description="How worn a copy is.")
CopyStatus = strawberry.enum(copy_rules.CopyStatus, description="Where a copy stands.")
LoanStatus = strawberry.enum(loan_rules.LoanStatus)
OrderStatus = strawberry.enum(order_rules.OrderStatus)


@strawberry.enum
class LoanRole(Enum):
    BORROWER = "BORROWER"
    LENDER = "LENDER"


@strawberry.enum
class OrderRole(Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"


N = TypeVar("N")

# The gateway refuses these fields to anonymous callers before planning; the resolvers check again.
SIGNED_IN = [Authenticated()]


@strawberry.federation.type(shareable=True, description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo


def connection(page: queries.Page, wrap) -> Connection:  # noqa: ANN001
    edges = [Edge(cursor=c, node=wrap(item)) for item, c in zip(page.items, page.cursors, strict=True)]
    return Connection(edges=edges, page_info=PageInfo(
        has_next_page=page.has_next_page, has_previous_page=page.has_previous_page,
        start_cursor=page.cursors[0] if page.cursors else None,
        end_cursor=page.cursors[-1] if page.cursors else None))


async def _user_or_none(info: Info, user_id: str) -> User | None:
    """A deleted user is shown as nobody: their history stays, anonymised."""
    if await loaders(info).owner_deleted.load(user_id):
        return None
    return User(id=strawberry.ID(user_id))


@strawberry.federation.type(keys=["isbn"])  # owned by metadata; its description is theirs
class Book:
    isbn: str

    @classmethod
    def resolve_reference(cls, isbn: str) -> Book:
        return cls(isbn=isbn)

    @strawberry.field(description="Copies of this book on offer, newest first.")
    async def copies(self, info: Info, for_loan: bool | None = None, for_sale: bool | None = None,
                     first: int | None = None, after: str | None = None) -> Connection[Copy]:
        isbn = _lenient_isbn(self.isbn)
        if after is None:  # the usual case, a list of books: batched into one query
            try:
                queries.page_size(first)  # refuse a negative size before batching
            except DomainError as exc:
                raise client_error(exc) from None
            page = await loaders(info).book_copies.load((isbn, for_loan, for_sale, first))
        else:
            page = await read(info, lambda s: queries.list_copies(s, isbn=isbn, for_loan=for_loan,
                                                                  for_sale=for_sale, first=first, after=after))
        return connection(page, Copy.from_record)

    @strawberry.field(description="Copies on the shelf and offered for loan or sale right now.")
    async def available_copy_count(self, info: Info) -> int:
        return await loaders(info).available_count.load(_lenient_isbn(self.isbn))


def _lenient_isbn(isbn: str) -> str:
    try:
        return normalise_isbn(isbn)
    except InvalidIsbn:
        return isbn


@strawberry.federation.type(keys=["id"])  # owned by auth; its description is theirs
class User:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:  # noqa: A002 - the key is called id
        return cls(id=id)

    @strawberry.field(description="Their copies, newest first. Others see only what is on offer.")
    async def copies(self, info: Info, status: CopyStatus | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[Copy]:
        own = viewer_id(info) == str(self.id)
        statuses = [copy_rules.CopyStatus(status.value)] if status else None
        if own and statuses is None:
            statuses = [s for s in copy_rules.CopyStatus if s is not copy_rules.CopyStatus.WITHDRAWN]
        page = await read(info, lambda s: queries.list_copies(s, owner_id=str(self.id), listed_only=not own,
                                                              statuses=statuses, first=first, after=after))
        return connection(page, Copy.from_record)

    @strawberry.field(description="Their loans as borrower or lender (both when role is omitted), newest first.",
                      directives=SIGNED_IN)
    async def loans(self, info: Info, role: LoanRole | None = None, status: LoanStatus | None = None,
                    first: int | None = None, after: str | None = None) -> Connection[Loan]:
        self._only_self(info)
        as_lender = None if role is None else role is LoanRole.LENDER
        wanted = loan_rules.LoanStatus(status.value) if status else None
        page = await read(info, lambda s: queries.list_loans(s, str(self.id), as_lender=as_lender, status=wanted,
                                                             first=first, after=after))
        return connection(page, Loan.from_record)

    @strawberry.field(description="Their orders as buyer or seller (both when role is omitted), newest first.",
                      directives=SIGNED_IN)
    async def orders(self, info: Info, role: OrderRole | None = None, status: OrderStatus | None = None,
                     first: int | None = None, after: str | None = None) -> Connection[Order]:
        self._only_self(info)
        as_seller = None if role is None else role is OrderRole.SELLER
        wanted = order_rules.OrderStatus(status.value) if status else None
        page = await read(info, lambda s: queries.list_orders(s, str(self.id), as_seller=as_seller, status=wanted,
                                                              first=first, after=after))
        return connection(page, Order.from_record)

    def _only_self(self, info: Info) -> None:
        if viewer_id(info) != str(self.id):
            raise Forbidden("only the user themselves can see their loans and orders")


@strawberry.federation.type(keys=["id"], description="A physical copy of a book that someone owns.")
class Copy:
    id: strawberry.ID
    isbn: str = strawberry.field(description="ISBN-13 of the book.")
    condition: Condition
    for_loan: bool
    for_sale: bool
    price: str | None = strawberry.field(description='Asking price as a decimal string, e.g. "4.50".')
    status: CopyStatus
    note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    owner_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, r: CopyRecord) -> Copy:
        return cls(id=strawberry.ID(r.id), isbn=r.isbn, condition=r.condition, for_loan=r.for_loan,
                   for_sale=r.for_sale, price=copy_rules.format_price(r.price_cents), status=r.status, note=r.note,
                   created_at=r.created_at, updated_at=r.updated_at, owner_id=r.owner_id)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Copy | None:  # noqa: A002
        record = await loaders(info).copy.load(str(id))
        return cls.from_record(record) if record else None

    @strawberry.field
    def book(self) -> Book:
        return Book(isbn=self.isbn)

    @strawberry.field(description="Null when the owner's account was deleted.")
    async def owner(self, info: Info) -> User | None:
        return await _user_or_none(info, self.owner_id)

    @strawberry.field(description="The approved or active loan holding this copy. Only the lender and that "
                                  "borrower see it; null for everyone else.")
    async def current_loan(self, info: Info) -> Loan | None:
        loan_id, _ = await loaders(info).holder.load(str(self.id))
        record = await read(info, lambda s: repo.find_loan(s, loan_id)) if loan_id else None
        if record is None or viewer_id(info) not in (record.lender_id, record.borrower_id):
            return None
        return Loan.from_record(record)

    @strawberry.field(description="The accepted order holding this copy. Only the seller and that buyer see it; "
                                  "null for everyone else.")
    async def accepted_order(self, info: Info) -> Order | None:
        _, order_id = await loaders(info).holder.load(str(self.id))
        record = await read(info, lambda s: repo.find_order(s, order_id)) if order_id else None
        if record is None or viewer_id(info) not in (record.seller_id, record.buyer_id):
            return None
        return Order.from_record(record)


@strawberry.type
class LoanStep:
    status: LoanStatus
    action: str = strawberry.field(description="REQUEST, APPROVE, REJECT, START, RETURN, CANCEL or EXTEND.")
    at: dt.datetime
    note: str | None
    by_store: bool = strawberry.field(description="True when the store itself made the change.")


@strawberry.type
class Loan:
    id: strawberry.ID
    status: LoanStatus
    due_date: dt.date
    requested_at: dt.datetime
    approved_at: dt.datetime | None
    started_at: dt.datetime | None
    returned_at: dt.datetime | None
    closed_at: dt.datetime | None = strawberry.field(description="When it was rejected or cancelled.")
    reason: str | None
    record: strawberry.Private[LoanRecord]

    @classmethod
    def from_record(cls, r: LoanRecord) -> Loan:
        return cls(id=strawberry.ID(r.id), status=r.status, due_date=r.due_date, requested_at=r.requested_at,
                   approved_at=r.approved_at, started_at=r.started_at, returned_at=r.returned_at,
                   closed_at=r.closed_at, reason=r.reason, record=r)

    @strawberry.field
    async def copy(self, info: Info) -> Copy:
        record = await loaders(info).copy.load(self.record.copy_id)
        return Copy.from_record(record)

    @strawberry.field
    async def borrower(self, info: Info) -> User | None:
        return await _user_or_none(info, self.record.borrower_id)

    @strawberry.field
    async def lender(self, info: Info) -> User | None:
        return await _user_or_none(info, self.record.lender_id)

    @strawberry.field(description="Active and past its due date.")
    def overdue(self) -> bool:
        return loan_rules.is_overdue(self.record.status, self.record.due_date, dt.datetime.now(dt.UTC).date())

    @strawberry.field(description="Every step of this loan, oldest first.")
    async def timeline(self, info: Info) -> list[LoanStep]:
        steps = await read(info, lambda s: queries.timeline(s, self.record.id))
        return [LoanStep(status=step.status, action=step.action.value if step.action else "REQUEST", at=step.at,
                         note=step.note, by_store=step.actor_id is None) for step in steps]


@strawberry.type
class Order:
    id: strawberry.ID
    price: str = strawberry.field(description="The price agreed when the order was placed.")
    status: OrderStatus
    placed_at: dt.datetime
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    closed_at: dt.datetime | None
    reason: str | None
    record: strawberry.Private[OrderRecord]

    @classmethod
    def from_record(cls, r: OrderRecord) -> Order:
        return cls(id=strawberry.ID(r.id), price=copy_rules.format_price(r.price_cents) or "0.00", status=r.status,
                   placed_at=r.placed_at, accepted_at=r.accepted_at, completed_at=r.completed_at,
                   closed_at=r.closed_at, reason=r.reason, record=r)

    @strawberry.field
    async def copy(self, info: Info) -> Copy:
        record = await loaders(info).copy.load(self.record.copy_id)
        return Copy.from_record(record)

    @strawberry.field
    async def buyer(self, info: Info) -> User | None:
        return await _user_or_none(info, self.record.buyer_id)

    @strawberry.field
    async def seller(self, info: Info) -> User | None:
        return await _user_or_none(info, self.record.seller_id)
