"""The store subgraph's schema: queries and mutations over copies, loans and orders."""

from __future__ import annotations

import datetime as dt

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionContext, Info

from bookshare_common.errors import BadUserInput, Forbidden
from bookshare_store.adapters import lending, listing, queries, selling
from bookshare_store.adapters import repository as repo
from bookshare_store.adapters.listing import UNCHANGED, CopyChanges, checked_isbn
from bookshare_store.domain import copies as copy_rules
from bookshare_store.domain.loans import LoanAction, loan_party
from bookshare_store.domain.machine import Party
from bookshare_store.domain.orders import OrderAction, order_party
from bookshare_store.entrypoints.transactions import read, write
from bookshare_store.entrypoints.types import (
    SIGNED_IN,
    Book,
    Condition,
    Connection,
    Copy,
    Loan,
    Order,
    User,
    connection,
)


@strawberry.input
class AddCopyInput:
    isbn: str = strawberry.field(description="ISBN-10 or ISBN-13; stored as ISBN-13.")
    condition: Condition
    for_loan: bool = True
    for_sale: bool = False
    price: str | None = strawberry.field(default=None, description='Needed when for sale, e.g. "4.50".')
    note: str | None = None


@strawberry.input
class UpdateCopyInput:
    condition: Condition | None = strawberry.UNSET
    for_loan: bool | None = strawberry.UNSET
    for_sale: bool | None = strawberry.UNSET
    price: str | None = strawberry.field(default=strawberry.UNSET, description="null removes the price.")
    note: str | None = strawberry.UNSET


def _given(value: object) -> object:
    return UNCHANGED if value is strawberry.UNSET else value


def _changes(data: UpdateCopyInput) -> CopyChanges:
    for name in ("condition", "for_loan", "for_sale"):
        if getattr(data, name) is None:
            raise BadUserInput(f"{name} cannot be null", field=name)
    condition = _given(data.condition)
    return CopyChanges(condition=condition if condition is UNCHANGED else copy_rules.Condition(condition.value),
                       for_loan=_given(data.for_loan), for_sale=_given(data.for_sale), price=_given(data.price),
                       note=_given(data.note))


@strawberry.type
class Query:
    @strawberry.field(description="Copies on offer, newest first; filter by book and by what is offered.")
    async def copies(self, info: Info, isbn: str | None = None, for_loan: bool | None = None,
                     for_sale: bool | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[Copy]:
        async def run(session: AsyncSession) -> queries.Page:
            wanted = checked_isbn(isbn) if isbn is not None else None
            return await queries.list_copies(session, isbn=wanted, for_loan=for_loan, for_sale=for_sale,
                                             first=first, after=after)

        return connection(await read(info, run), Copy.from_record)

    @strawberry.field
    async def copy(self, info: Info, id: strawberry.ID) -> Copy | None:  # noqa: A002
        record = await read(info, lambda s: repo.find_copy(s, str(id)))
        return Copy.from_record(record) if record else None

    @strawberry.field(description="A loan you are the borrower or lender of.", directives=SIGNED_IN)
    async def loan(self, info: Info, id: strawberry.ID) -> Loan | None:  # noqa: A002
        record = await read(info, lambda s: repo.find_loan(s, str(id)))
        if record is None:
            return None
        if loan_party(info.context["principal"].user_id, record.lender_id, record.borrower_id) is Party.STRANGER:
            raise Forbidden("only the borrower and the lender can see this loan")
        return Loan.from_record(record)

    @strawberry.field(description="An order you are the buyer or seller of.", directives=SIGNED_IN)
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:  # noqa: A002
        record = await read(info, lambda s: repo.find_order(s, str(id)))
        if record is None:
            return None
        if order_party(info.context["principal"].user_id, record.seller_id, record.buyer_id) is Party.STRANGER:
            raise Forbidden("only the buyer and the seller can see this order")
        return Order.from_record(record)


def _loan_move(action: LoanAction):  # noqa: ANN202
    async def resolve(info: Info, id: strawberry.ID, reason: str | None = None) -> Loan:  # noqa: A002
        record = await write(info, lambda s, user, now: lending.move_loan(s, str(id), action, user, now,
                                                                           reason=reason))
        return Loan.from_record(record)

    return resolve


def _order_move(action: OrderAction):  # noqa: ANN202
    async def resolve(info: Info, id: strawberry.ID, reason: str | None = None) -> Order:  # noqa: A002
        record = await write(info, lambda s, user, now: selling.move_order(s, str(id), action, user, now,
                                                                            reason=reason))
        return Order.from_record(record)

    return resolve


async def _move_loan_no_reason(info: Info, id: strawberry.ID, action: LoanAction) -> Loan:  # noqa: A002
    record = await write(info, lambda s, user, now: lending.move_loan(s, str(id), action, user, now))
    return Loan.from_record(record)


async def _move_order_no_reason(info: Info, id: strawberry.ID, action: OrderAction) -> Order:  # noqa: A002
    record = await write(info, lambda s, user, now: selling.move_order(s, str(id), action, user, now))
    return Order.from_record(record)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="List a copy you own.", directives=SIGNED_IN)
    async def add_copy(self, info: Info, input: AddCopyInput) -> Copy:  # noqa: A002
        record = await write(info, lambda s, user, now: listing.add_copy(
            s, user, isbn=input.isbn, condition=copy_rules.Condition(input.condition.value),
            for_loan=input.for_loan, for_sale=input.for_sale, price=input.price, note=input.note, now=now))
        return Copy.from_record(record)

    @strawberry.mutation(description="Change your copy's condition, offer, price or note.", directives=SIGNED_IN)
    async def update_copy(self, info: Info, id: strawberry.ID, input: UpdateCopyInput) -> Copy:  # noqa: A002
        changes = _changes(input)
        record = await write(info, lambda s, user, now: listing.update_copy(s, user, str(id), changes, now))
        return Copy.from_record(record)

    @strawberry.mutation(directives=SIGNED_IN,
                         description="Take your copy off the platform; open requests for it are turned down.")
    async def withdraw_copy(self, info: Info, id: strawberry.ID) -> Copy:  # noqa: A002
        record = await write(info, lambda s, user, now: listing.withdraw_copy(s, user, str(id), now))
        return Copy.from_record(record)

    @strawberry.mutation(description="Ask to borrow a copy until dueDate.", directives=SIGNED_IN)
    async def request_loan(self, info: Info, copy_id: strawberry.ID, due_date: dt.date) -> Loan:
        record = await write(info, lambda s, user, now: lending.request_loan(s, user, str(copy_id), due_date, now))
        return Loan.from_record(record)

    @strawberry.mutation(directives=SIGNED_IN,
                         description="Lender: agree to lend; the copy is reserved for the borrower.")
    async def approve_loan(self, info: Info, id: strawberry.ID) -> Loan:  # noqa: A002
        return await _move_loan_no_reason(info, id, LoanAction.APPROVE)

    @strawberry.mutation(directives=SIGNED_IN,
                         description="Lender: turn the request down (or back out before the hand-over).")
    async def reject_loan(self, info: Info, id: strawberry.ID, reason: str | None = None) -> Loan:  # noqa: A002
        return await _loan_move(LoanAction.REJECT)(info, id, reason)

    @strawberry.mutation(description="Lender: the copy was handed over; the loan is active.", directives=SIGNED_IN)
    async def start_loan(self, info: Info, id: strawberry.ID) -> Loan:  # noqa: A002
        return await _move_loan_no_reason(info, id, LoanAction.START)

    @strawberry.mutation(description="Lender: the copy is back.", directives=SIGNED_IN)
    async def return_loan(self, info: Info, id: strawberry.ID) -> Loan:  # noqa: A002
        return await _move_loan_no_reason(info, id, LoanAction.RETURN)

    @strawberry.mutation(description="Borrower: withdraw the request before the hand-over.", directives=SIGNED_IN)
    async def cancel_loan(self, info: Info, id: strawberry.ID, reason: str | None = None) -> Loan:  # noqa: A002
        return await _loan_move(LoanAction.CANCEL)(info, id, reason)

    @strawberry.mutation(description="Lender: move the due date later.", directives=SIGNED_IN)
    async def extend_loan(self, info: Info, id: strawberry.ID, due_date: dt.date) -> Loan:  # noqa: A002
        record = await write(info, lambda s, user, now: lending.move_loan(s, str(id), LoanAction.EXTEND, user, now,
                                                                           due_date=due_date))
        return Loan.from_record(record)

    @strawberry.mutation(description="Buy a copy at its listed price.", directives=SIGNED_IN)
    async def place_order(self, info: Info, copy_id: strawberry.ID) -> Order:
        record = await write(info, lambda s, user, now: selling.place_order(s, user, str(copy_id), now))
        return Order.from_record(record)

    @strawberry.mutation(description="Seller: agree to sell; the copy is reserved for the buyer.", directives=SIGNED_IN)
    async def accept_order(self, info: Info, id: strawberry.ID) -> Order:  # noqa: A002
        return await _move_order_no_reason(info, id, OrderAction.ACCEPT)

    @strawberry.mutation(directives=SIGNED_IN,
                         description="Seller: turn the order down (or back out before completing).")
    async def reject_order(self, info: Info, id: strawberry.ID, reason: str | None = None) -> Order:  # noqa: A002
        return await _order_move(OrderAction.REJECT)(info, id, reason)

    @strawberry.mutation(description="Seller: the sale is done; the buyer now owns the copy.", directives=SIGNED_IN)
    async def complete_order(self, info: Info, id: strawberry.ID) -> Order:  # noqa: A002
        return await _move_order_no_reason(info, id, OrderAction.COMPLETE)

    @strawberry.mutation(description="Buyer: withdraw the order before it is completed.", directives=SIGNED_IN)
    async def cancel_order(self, info: Info, id: strawberry.ID, reason: str | None = None) -> Order:  # noqa: A002
        return await _order_move(OrderAction.CANCEL)(info, id, reason)


class StoreSchema(strawberry.federation.Schema):
    """Logs only unexpected errors: a refused request (BAD_USER_INPUT, FORBIDDEN, …) is the client's news,
    not the operator's, and must not fill the log with stack traces."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = [e for e in errors if e.original_error is not None
                      and not isinstance(e.original_error, GraphQLError)]
        super().process_errors(unexpected, execution_context)


schema = StoreSchema(query=Query, mutation=Mutation, types=[Book, User, Copy], federation_version="2.5")
