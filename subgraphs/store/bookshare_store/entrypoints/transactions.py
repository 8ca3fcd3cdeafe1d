"""Running a use case in one transaction, and turning refusals into the GraphQL errors clients see."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from bookshare_common.credential import Principal
from bookshare_common.db import Database
from bookshare_common.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from bookshare_store.adapters.owners import ensure_owner
from bookshare_store.adapters.repository import ALREADY_HELD
from bookshare_store.domain.errors import DomainError, Missing, NotPermitted

T = TypeVar("T")
ATTEMPTS = 6

# Constraint names (PostgreSQL) or the columns SQLite names, for the rules the database enforces.
_HOLD_MARKERS = ("copy_holds", "uq_loans_one_holding_per_copy", "uq_orders_one_accepted_per_copy",
                 "loans.copy_id\n", "orders.copy_id\n")
_OPEN_MARKERS = ("uq_loans_one_open_per_borrower_copy", "uq_orders_one_open_per_buyer_copy",
                 "loans.copy_id, loans.borrower_id", "orders.copy_id, orders.buyer_id")


def client_error(exc: DomainError) -> Exception:
    if isinstance(exc, NotPermitted):
        return Forbidden(exc.message)
    if isinstance(exc, Missing):
        return NotFound(exc.message)
    return BadUserInput(exc.message, field=exc.field)


def refusal_for_integrity_error(exc: IntegrityError) -> Exception | None:
    text = str(exc.orig) + "\n"
    if any(marker in text for marker in _OPEN_MARKERS):
        return BadUserInput("you already have an open request for this copy", field="copyId")
    if any(marker in text for marker in _HOLD_MARKERS):
        return BadUserInput(ALREADY_HELD)
    return None


def _retryable(exc: DBAPIError) -> bool:
    # SQLite: another writer got there first; PostgreSQL: deadlock or serialization failure. Safe to rerun.
    text = str(exc.orig).lower()
    return "database is locked" in text or "deadlock detected" in text or "could not serialize" in text


def require_user(info: Info) -> Principal:
    principal: Principal = info.context["principal"]
    if not principal.authenticated:
        raise Unauthenticated()
    return principal


async def write(info: Info, operation: Callable[[AsyncSession, str, dt.datetime], Awaitable[T]]) -> T:
    """Run `operation(session, user_id, now)` for the signed-in user in one transaction (their owner row is
    created on first use), retrying when the database asks to, and map refusals to client errors."""
    principal = require_user(info)
    db: Database = info.context["db"]
    assert principal.user_id is not None
    for attempt in range(1, ATTEMPTS + 1):
        now = dt.datetime.now(dt.UTC)
        try:
            async with db.transaction() as session:
                await ensure_owner(session, principal.user_id, principal.username, now)
                return await operation(session, principal.user_id, now)
        except DomainError as exc:
            raise client_error(exc) from None
        except IntegrityError as exc:
            refusal = refusal_for_integrity_error(exc)
            if refusal is None:
                raise
            raise refusal from None
        except DBAPIError as exc:
            if not _retryable(exc) or attempt == ATTEMPTS:
                raise
            await asyncio.sleep(random.uniform(0.01, 0.05) * attempt)  # spread the retries out
    raise AssertionError("unreachable")


async def read(info: Info, operation: Callable[[AsyncSession], Awaitable[T]]) -> T:
    db: Database = info.context["db"]
    try:
        async with db.session() as session:
            return await operation(session)
    except DomainError as exc:
        raise client_error(exc) from None


def viewer_id(info: Info) -> str | None:
    principal: Principal = info.context["principal"]
    return principal.user_id


def context_cache(info: Info, key: str, factory: Callable[[], Any]) -> Any:
    """One object per request (e.g. a DataLoader), kept in the GraphQL context."""
    context = info.context
    if key not in context:
        context[key] = factory()
    return context[key]
