"""The store's tables. One rule lives here rather than in Python: a copy has at most one holder.

`copy_holds` has the copy id as its primary key, and a row exists exactly while an approved-or-active loan
or an accepted order holds the copy. Two racing approvals both try to insert the row; the database lets
one commit and refuses the other. Partial unique indexes on loans and orders state the same rule per table.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from bookshare_common.events import add_platform_tables
from bookshare_common.tables import NAMING_CONVENTION, UTCDateTime

metadata = MetaData(naming_convention=NAMING_CONVENTION)
add_platform_tables(metadata)


ID = String(36)
USER_ID = String(64)

owners = Table(
    "owners",
    metadata,
    Column("id", USER_ID, primary_key=True),  # the auth user's id
    Column("username", String(100), nullable=True),
    # 0 while the owner exists only because the user acted before auth's event arrived.
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("deleted_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

copies = Table(
    "copies",
    metadata,
    Column("id", ID, primary_key=True),
    Column("isbn", String(13), nullable=False),
    Column("owner_id", USER_ID, ForeignKey("owners.id"), nullable=False),
    Column("condition", String(10), nullable=False),
    Column("for_loan", Boolean, nullable=False),
    Column("for_sale", Boolean, nullable=False),
    Column("price_cents", Integer, nullable=True),
    Column("status", String(12), nullable=False),
    Column("note", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("price_cents IS NULL OR price_cents >= 0", name="price_not_negative"),
)
Index("ix_copies_isbn_status", copies.c.isbn, copies.c.status)
Index("ix_copies_owner_created", copies.c.owner_id, copies.c.created_at)

_loan_holding = text("status IN ('APPROVED', 'ACTIVE')")
_loan_open = text("status IN ('REQUESTED', 'APPROVED', 'ACTIVE')")

loans = Table(
    "loans",
    metadata,
    Column("id", ID, primary_key=True),
    Column("copy_id", ID, ForeignKey("copies.id"), nullable=False),
    Column("lender_id", USER_ID, ForeignKey("owners.id"), nullable=False),
    Column("borrower_id", USER_ID, ForeignKey("owners.id"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("started_at", UTCDateTime, nullable=True),
    Column("returned_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),  # rejected or cancelled
    Column("reason", Text, nullable=True),
    Column("overdue_notified_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_loans_borrower_requested", loans.c.borrower_id, loans.c.requested_at)
Index("ix_loans_lender_requested", loans.c.lender_id, loans.c.requested_at)
Index("ix_loans_copy", loans.c.copy_id)
Index("uq_loans_one_holding_per_copy", loans.c.copy_id, unique=True,
      postgresql_where=_loan_holding, sqlite_where=_loan_holding)
Index("uq_loans_one_open_per_borrower_copy", loans.c.copy_id, loans.c.borrower_id, unique=True,
      postgresql_where=_loan_open, sqlite_where=_loan_open)

loan_timeline = Table(
    "loan_timeline",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("loan_id", ID, ForeignKey("loans.id"), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("action", String(12), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", USER_ID, nullable=True),  # None: the service itself
    Column("note", Text, nullable=True),
)

_order_holding = text("status = 'ACCEPTED'")
_order_open = text("status IN ('PLACED', 'ACCEPTED')")

orders = Table(
    "orders",
    metadata,
    Column("id", ID, primary_key=True),
    Column("copy_id", ID, ForeignKey("copies.id"), nullable=False),
    Column("seller_id", USER_ID, ForeignKey("owners.id"), nullable=False),
    Column("buyer_id", USER_ID, ForeignKey("owners.id"), nullable=False),
    Column("price_cents", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("accepted_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("reason", Text, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_orders_buyer_placed", orders.c.buyer_id, orders.c.placed_at)
Index("ix_orders_seller_placed", orders.c.seller_id, orders.c.placed_at)
Index("ix_orders_copy", orders.c.copy_id)
Index("uq_orders_one_accepted_per_copy", orders.c.copy_id, unique=True,
      postgresql_where=_order_holding, sqlite_where=_order_holding)
Index("uq_orders_one_open_per_buyer_copy", orders.c.copy_id, orders.c.buyer_id, unique=True,
      postgresql_where=_order_open, sqlite_where=_order_open)

copy_holds = Table(
    "copy_holds",
    metadata,
    Column("copy_id", ID, ForeignKey("copies.id"), primary_key=True),
    Column("loan_id", ID, ForeignKey("loans.id"), nullable=True, unique=True),
    Column("order_id", ID, ForeignKey("orders.id"), nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("(loan_id IS NULL) <> (order_id IS NULL)", name="one_holder"),
)
