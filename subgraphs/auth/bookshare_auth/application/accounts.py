"""Accounts: signing up, profile changes, passwords, deletion, roles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_auth.adapters import repository as repo
from bookshare_auth.adapters.tables import outbox
from bookshare_auth.application import recovery, sessions, throttling, user_events
from bookshare_auth.application.core import Auth
from bookshare_auth.application.password_rules import check_password
from bookshare_auth.domain import profile, roles
from bookshare_auth.domain.throttle import ACCOUNT_POLICY
from bookshare_common.errors import BadUserInput, Conflict, Forbidden, NotFound, Unauthenticated

WRONG_PASSWORD = "The password is wrong."  # noqa: S105 - a message, not a password
CONCURRENT_CHANGE = "The account was changed by another request at the same time; try again."


def _bad(exc: profile.InvalidField) -> BadUserInput:
    return BadUserInput(exc.message, field=exc.field)


@dataclass(frozen=True)
class SignUp:
    username: str
    email: str
    password: str
    first_name: str | None = None
    last_name: str | None = None
    allow_reserved_username: bool = False  # operators only (create_admin), never the public form


async def sign_up(auth: Auth, form: SignUp) -> sessions.Tokens:
    try:
        username = profile.clean_username(form.username, allow_reserved=form.allow_reserved_username)
        email = profile.clean_email(form.email)
        first_name = profile.clean_name("firstName", form.first_name)
        last_name = profile.clean_name("lastName", form.last_name)
    except profile.InvalidField as exc:
        raise _bad(exc) from None
    check_password(form.password, username, email, email.split("@")[0], first_name, last_name)
    async with auth.db.session() as session:
        await _check_unique(session, username, email)
    password_hash = await auth.hash_password(form.password)
    now = auth.clock()
    user_id = str(uuid.uuid4())
    try:
        async with auth.db.transaction() as session:
            await repo.insert_user(
                session, id=user_id, username=username, username_key=profile.username_key(username),
                email=email, email_key=profile.email_key(email), email_verified_at=None, first_name=first_name,
                last_name=last_name, password_hash=password_hash, roles=[], version=1, created_at=now,
                updated_at=now,
            )
            user = await repo.get_user(session, user_id)
            assert user is not None
            await user_events.user_added(session, user)
            await recovery.send_verification(auth, session, user)
            return await sessions.start_session(auth, session, user)
    except IntegrityError:
        # Someone took the name or address between our check and our insert.
        async with auth.db.session() as session:
            await _check_unique(session, username, email)
        raise


async def _check_unique(session: AsyncSession, username: str, email: str, except_id: str | None = None) -> None:
    if await repo.username_taken(session, profile.username_key(username), except_id=except_id):
        raise BadUserInput("This username is already taken.", field="username")
    if await repo.email_taken(session, profile.email_key(email), except_id=except_id):
        raise BadUserInput("An account with this email address already exists.", field="email")


async def current_user(auth: Auth, user_id: str | None) -> repo.UserRecord:
    if user_id is None:
        raise Unauthenticated()
    async with auth.db.session() as session:
        user = await repo.get_user(session, user_id)
    if user is None:
        raise Unauthenticated("This account no longer exists.")
    return user


@dataclass(frozen=True)
class ProfileChange:
    username: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    # Which of the name fields were given at all (None given means "clear it").
    names_given: frozenset[str] = frozenset()
    current_password: str | None = None


async def update_profile(auth: Auth, user_id: str | None, change: ProfileChange) -> repo.UserRecord:
    user = await current_user(auth, user_id)
    values: dict[str, object] = {}
    try:
        if change.username is not None:
            username = profile.clean_username(change.username)
            if username != user.username:
                values.update(username=username, username_key=profile.username_key(username))
        if change.email is not None:
            email = profile.clean_email(change.email)
            if email != user.email:
                values.update(email=email, email_key=profile.email_key(email))
        if "firstName" in change.names_given:
            first = profile.clean_name("firstName", change.first_name)
            if first != user.first_name:
                values["first_name"] = first
        if "lastName" in change.names_given:
            last = profile.clean_name("lastName", change.last_name)
            if last != user.last_name:
                values["last_name"] = last
    except profile.InvalidField as exc:
        raise _bad(exc) from None
    if not values:
        return user  # nothing changed: no new version, no event
    email_changes = "email" in values and profile.email_key(str(values["email"])) != profile.email_key(user.email)
    if "email" in values:
        # Whoever holds a stolen access token must not be able to redirect the account's email.
        if not change.current_password:
            raise BadUserInput("Changing the email address needs your current password.", field="currentPassword")
        if not await auth.verify_password(user.password_hash, change.current_password):
            raise BadUserInput(WRONG_PASSWORD, field="currentPassword")
    async with auth.db.session() as session:
        await _check_unique(session, str(values.get("username", user.username)), str(values.get("email", user.email)),
                            except_id=user.id)
    now = auth.clock()
    if email_changes:
        values["email_verified_at"] = None
    try:
        async with auth.db.transaction() as session:
            if not await repo.update_user(session, user.id, user.version, updated_at=now, **values):
                raise Conflict(CONCURRENT_CHANGE)
            updated = await repo.get_user(session, user.id)
            assert updated is not None
            await user_events.user_updated(session, updated)
            if email_changes:
                await recovery.send_verification(auth, session, updated)
            return updated
    except IntegrityError:
        async with auth.db.session() as session:
            await _check_unique(session, str(values.get("username", user.username)),
                                str(values.get("email", user.email)), except_id=user.id)
        raise


async def _confirm_password(auth: Auth, user: repo.UserRecord, password: str, field: str) -> None:
    """Check the account's password, throttled like logins (a stolen access token must not brute-force it)."""
    counters = [(throttling.counter_key("user", user.id), ACCOUNT_POLICY)]
    await throttling.check(auth, counters)
    if not await auth.verify_password(user.password_hash, password):
        await throttling.record_failure(auth, counters)
        raise BadUserInput(WRONG_PASSWORD, field=field)
    await throttling.clear(auth, counters[0][0])


async def change_password(auth: Auth, user_id: str | None, current_password: str,
                          new_password: str) -> sessions.Tokens:
    """Set a new password, log out every session, and start a fresh one for the caller."""
    user = await current_user(auth, user_id)
    await _confirm_password(auth, user, current_password, "currentPassword")
    if new_password == current_password:
        raise BadUserInput("The new password must differ from the current one.", field="newPassword")
    check_password(new_password, user.username, user.email, user.first_name, user.last_name, field="newPassword")
    new_hash = await auth.hash_password(new_password)
    async with auth.db.transaction() as session:
        now = auth.clock()
        # The password is not part of what replicas hold, so no user event and no new version.
        await repo.set_password_hash(session, user.id, new_hash)
        await repo.revoke_user_tokens(session, user.id, now)
        await repo.void_one_time_tokens(session, user.id, recovery.RESET, now)
        return await sessions.start_session(auth, session, user)


async def delete_account(auth: Auth, user_id: str | None, password: str) -> bool:
    user = await current_user(auth, user_id)
    await _confirm_password(auth, user, password, "password")
    async with auth.db.transaction() as session:
        if not await repo.delete_user(session, user.id, user.version):
            raise Conflict(CONCURRENT_CHANGE)
        # Earlier events about this user hold its email and names. Those delivered are spent; those not yet
        # delivered are superseded by the delete (a replica that never saw the user has nothing to drop).
        # Either way they go, so that what auth keeps of the person is the delete event alone.
        await session.execute(delete(outbox).where(outbox.c.payload.contains(user.id)))
        await user_events.user_deleted(session, user_id=user.id, username=user.username, version=user.version + 1)
    return True


async def set_user_roles(auth: Auth, actor_id: str | None, user_id: str, new_roles: Sequence[str]) -> repo.UserRecord:
    actor = await current_user(auth, actor_id)
    if not actor.is_admin:
        raise Forbidden("Only an admin may change roles.")
    try:
        cleaned = roles.clean_roles(new_roles)
    except ValueError as exc:
        raise BadUserInput(str(exc), field="roles") from None
    if actor.id == user_id and roles.ADMIN not in cleaned:
        raise BadUserInput("Admins cannot remove their own admin role; ask another admin.", field="roles")
    return await _set_roles(auth, user_id, cleaned)


async def _set_roles(auth: Auth, user_id: str, cleaned: list[str]) -> repo.UserRecord:
    async with auth.db.transaction() as session:
        target = await repo.get_user(session, user_id, for_update=True)
        if target is None:
            raise NotFound("No user with this id.")
        if list(target.roles) == cleaned:
            return target
        if not await repo.update_user(session, target.id, target.version, roles=cleaned, updated_at=auth.clock()):
            raise Conflict(CONCURRENT_CHANGE)
        updated = await repo.get_user(session, target.id)
        assert updated is not None
        await user_events.user_updated(session, updated)
        return updated


async def create_admin(auth: Auth, username: str, email: str, password: str) -> tuple[repo.UserRecord, bool]:
    """Make `username` an admin: promote the account if it exists, else sign it up first.

    Answers the user and whether it was created."""
    async with auth.db.session() as session:
        existing = await repo.find_user_by_username(session, profile.username_key(username))
    created = existing is None
    if existing is None:
        tokens = await sign_up(auth, SignUp(username=username, email=email, password=password,
                                            allow_reserved_username=True))
        existing = tokens.user
    if roles.ADMIN in existing.roles:
        return existing, created
    return await _set_roles(auth, existing.id, sorted({*existing.roles, roles.ADMIN})), created


async def get_user(auth: Auth, user_id: str) -> repo.UserRecord | None:
    async with auth.db.session() as session:
        return await repo.get_user(session, user_id)


async def get_users(auth: Auth, user_ids: Sequence[str]) -> dict[str, repo.UserRecord]:
    async with auth.db.session() as session:
        return await repo.get_users(session, user_ids)


async def get_user_by_username(auth: Auth, username: str) -> repo.UserRecord | None:
    async with auth.db.session() as session:
        return await repo.find_user_by_username(session, profile.username_key(username))
