"""Accounts, sessions and recovery through the use cases, on SQLite and PostgreSQL: what is stored, which
events are written, and every refusal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bookshare_auth.adapters import tables
from bookshare_auth.application import accounts, keys, recovery, sessions
from bookshare_auth.application.core import Auth
from bookshare_auth.domain.tokens import verify_access_token
from bookshare_auth.testing import PASSWORD, Clock, fast_settings, outbox_events, user_events
from bookshare_common.db import Database
from bookshare_common.errors import BadUserInput, Conflict, Forbidden, NotFound, RateLimited, Unauthenticated

MIGRATIONS = Path(tables.__file__).parent / "migrations"


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    await database.migrate(MIGRATIONS)
    yield database
    await database.dispose()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def auth(db, clock):
    return Auth(db, fast_settings(), clock=clock)


async def sign_up(auth, name="alice", **kw):
    form = {"username": name, "email": f"{name}@example.org", "password": PASSWORD, "first_name": "Alice",
            "last_name": "Liddell", **kw}
    return await accounts.sign_up(auth, accounts.SignUp(**form))


async def count(db, table):
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(table))


# ---------------------------------------------------------------- sign up

async def test_sign_up_stores_an_argon2id_hash_and_writes_one_add_event(auth, db):
    tokens = await sign_up(auth)
    assert tokens.user.username == "alice" and tokens.user.version == 1
    async with db.session() as session:
        stored = (await session.execute(select(tables.users.c.password_hash))).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert await user_events(db, tokens.user.id) == [("auth_user_add", 1)]
    add = [d for n, d in await outbox_events(db) if n == "auth_user_add"][0]
    assert add["email"] == "alice@example.org" and add["first_name"] == "Alice" and add["email_verified"] is False


async def test_sign_up_sends_a_verification_email_event_whose_token_is_stored_only_as_a_digest(auth, db):
    await sign_up(auth)
    [request] = [d for n, d in await outbox_events(db) if n == "auth_email_verification_request"]
    assert request["email"] == "alice@example.org"
    async with db.session() as session:
        hashes = (await session.execute(select(tables.one_time_tokens.c.token_hash))).scalars().all()
    assert len(hashes) == 1 and request["token"] not in hashes[0]


async def test_sign_up_tokens_verify_against_the_published_jwks(auth):
    tokens = await sign_up(auth)
    claims = verify_access_token(tokens.access_token, await keys.jwks(auth), issuer="bookshare-auth",
                                 audience="bookshare")
    assert claims.subject == tokens.user.id and claims.roles == frozenset()
    assert tokens.expires_in == 900


@pytest.mark.parametrize(("field", "value"), [("username", "ALICE"), ("email", "Alice@Example.org")])
async def test_duplicate_username_or_email_is_refused_regardless_of_case(auth, db, field, value):
    await sign_up(auth)
    other = {"username": "bob", "email": "bob@example.org", field: value}
    with pytest.raises(BadUserInput) as exc:
        await sign_up(auth, **other)
    assert exc.value.extensions == {"code": "BAD_USER_INPUT", "field": field}
    assert await count(db, tables.users) == 1
    assert [n for n, _ in await outbox_events(db, "auth_user_")] == ["auth_user_add"]


@pytest.mark.parametrize("password", ["short", "password1234", "alice12345678"])
async def test_weak_password_is_refused_and_nothing_is_written(auth, db, password):
    with pytest.raises(BadUserInput) as exc:
        await sign_up(auth, password=password)
    assert exc.value.extensions["field"] == "password"
    assert await count(db, tables.users) == 0
    assert await outbox_events(db) == []


async def test_invalid_email_is_refused_naming_the_field(auth):
    with pytest.raises(BadUserInput) as exc:
        await sign_up(auth, email="not-an-address")
    assert exc.value.extensions["field"] == "email"


async def test_concurrent_sign_ups_for_one_username_create_one_account(auth, db):
    results = await asyncio.gather(
        *(sign_up(auth, "carol", email=f"carol{i}@example.org") for i in range(4)), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, BadUserInput) for r in results if isinstance(r, Exception))
    assert await count(db, tables.users) == 1
    assert len(await outbox_events(db, "auth_user_add")) == 1


# ---------------------------------------------------------------- log in

async def test_log_in_by_username_or_email_in_any_case(auth):
    user = (await sign_up(auth)).user
    assert (await sessions.log_in(auth, "Alice", PASSWORD, "10.0.0.1")).user.id == user.id
    assert (await sessions.log_in(auth, "ALICE@example.org", PASSWORD, "10.0.0.1")).user.id == user.id


async def test_wrong_password_and_unknown_login_get_the_same_refusal(auth):
    await sign_up(auth)
    with pytest.raises(Unauthenticated) as wrong:
        await sessions.log_in(auth, "alice", "not the password at all", "10.0.0.1")
    with pytest.raises(Unauthenticated) as unknown:
        await sessions.log_in(auth, "nobody", PASSWORD, "10.0.0.1")
    assert wrong.value.message == unknown.value.message


async def test_an_overlong_password_is_a_failed_login(auth):
    await sign_up(auth)
    with pytest.raises(Unauthenticated):
        await sessions.log_in(auth, "alice", PASSWORD + "x" * 300, None)


async def test_log_in_upgrades_a_hash_made_with_weaker_parameters(auth, db):
    await sign_up(auth)
    stronger = Auth(db, fast_settings(argon2_time_cost=2), clock=auth.clock)
    await sessions.log_in(stronger, "alice", PASSWORD, None)
    async with db.session() as session:
        stored = (await session.execute(select(tables.users.c.password_hash))).scalar_one()
    assert ",t=2," in stored
    assert await sessions.log_in(stronger, "alice", PASSWORD, None)


@pytest.mark.parametrize("login", ["alice", "nobody"])
async def test_repeated_failures_lock_the_login_without_revealing_whether_it_exists(auth, clock, login):
    await sign_up(auth)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await sessions.log_in(auth, login, "wrong password!!", f"10.0.0.{_}")
    with pytest.raises(RateLimited) as exc:
        await sessions.log_in(auth, login, PASSWORD if login == "alice" else "x", "10.9.9.9")
    assert exc.value.extensions["code"] == "RATE_LIMITED" and exc.value.extensions["retryAfter"] > 0
    clock.advance(minutes=16)
    if login == "alice":
        assert (await sessions.log_in(auth, login, PASSWORD, "10.9.9.9")).user.username == "alice"


async def test_many_failures_from_one_address_lock_that_address_for_every_login(auth):
    await sign_up(auth)
    for i in range(30):
        with pytest.raises(Unauthenticated):
            await sessions.log_in(auth, f"guess{i}", "wrong password!!", "192.0.2.7")
    with pytest.raises(RateLimited):
        await sessions.log_in(auth, "alice", PASSWORD, "192.0.2.7")
    assert (await sessions.log_in(auth, "alice", PASSWORD, "192.0.2.8")).user.username == "alice"


async def test_a_successful_login_clears_the_account_failures(auth):
    await sign_up(auth)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            await sessions.log_in(auth, "alice", "wrong password!!", None)
    await sessions.log_in(auth, "alice", PASSWORD, None)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            await sessions.log_in(auth, "alice", "wrong password!!", None)
    assert (await sessions.log_in(auth, "alice", PASSWORD, None)).user.username == "alice"


# ---------------------------------------------------------------- refresh tokens

async def test_refresh_rotates_and_the_spent_token_no_longer_works(auth):
    first = await sign_up(auth)
    second = await sessions.refresh(auth, first.refresh_token)
    assert second.refresh_token != first.refresh_token and second.user.id == first.user.id
    third = await sessions.refresh(auth, second.refresh_token)
    assert third.access_token


async def test_reusing_a_spent_refresh_token_revokes_the_whole_family(auth):
    first = await sign_up(auth)
    other_session = await sessions.log_in(auth, "alice", PASSWORD, None)
    second = await sessions.refresh(auth, first.refresh_token)
    with pytest.raises(Unauthenticated, match="already used"):
        await sessions.refresh(auth, first.refresh_token)  # the thief, or the victim after the thief
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, second.refresh_token)  # the descendant dies with its family
    # Another login of the same user is another family, untouched.
    assert (await sessions.refresh(auth, other_session.refresh_token)).user.username == "alice"


async def test_concurrent_refreshes_with_one_token_let_at_most_one_through(auth):
    first = await sign_up(auth)
    results = await asyncio.gather(*(sessions.refresh(auth, first.refresh_token) for _ in range(3)),
                                   return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) <= 1
    assert all(isinstance(r, Unauthenticated) for r in results if isinstance(r, Exception))


async def test_expired_and_unknown_refresh_tokens_are_refused(auth, clock):
    first = await sign_up(auth)
    clock.advance(days=31)
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, first.refresh_token)
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, "made-up-token")


async def test_log_out_revokes_the_session(auth):
    first = await sign_up(auth)
    assert await sessions.log_out(auth, first.refresh_token) is True
    assert await sessions.log_out(auth, first.refresh_token) is True  # idempotent
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, first.refresh_token)
    with pytest.raises(Unauthenticated):
        await sessions.log_out(auth, "made-up-token")


async def test_log_out_everywhere_ends_every_session(auth):
    a = await sign_up(auth)
    b = await sessions.log_in(auth, "alice", PASSWORD, None)
    await sessions.log_out_everywhere(auth, a.user.id)
    for token in (a.refresh_token, b.refresh_token):
        with pytest.raises(Unauthenticated):
            await sessions.refresh(auth, token)


# ---------------------------------------------------------------- profile

async def test_update_profile_bumps_the_version_and_writes_one_update_event(auth, db):
    user = (await sign_up(auth)).user
    updated = await accounts.update_profile(auth, user.id, accounts.ProfileChange(
        username="alice2", first_name="Al", names_given=frozenset({"firstName", "lastName"}), last_name=None))
    assert (updated.username, updated.first_name, updated.last_name, updated.version) == ("alice2", "Al", None, 2)
    assert await user_events(db, user.id) == [("auth_user_add", 1), ("auth_user_update", 2)]
    # Nothing changed: no new version, no event.
    same = await accounts.update_profile(auth, user.id, accounts.ProfileChange(username="alice2"))
    assert same.version == 2 and len(await user_events(db, user.id)) == 2


async def test_changing_email_needs_the_password_and_asks_for_verification_again(auth, db):
    user = (await sign_up(auth)).user
    with pytest.raises(BadUserInput) as exc:
        await accounts.update_profile(auth, user.id, accounts.ProfileChange(email="new@example.org"))
    assert exc.value.extensions["field"] == "currentPassword"
    with pytest.raises(BadUserInput):
        await accounts.update_profile(auth, user.id, accounts.ProfileChange(
            email="new@example.org", current_password="wrong password!!"))
    updated = await accounts.update_profile(auth, user.id, accounts.ProfileChange(
        email="new@example.org", current_password=PASSWORD))
    assert updated.email == "new@example.org" and updated.email_verified_at is None
    requests = [d["email"] for n, d in await outbox_events(db) if n == "auth_email_verification_request"]
    assert requests == ["alice@example.org", "new@example.org"]


async def test_update_profile_refuses_a_taken_username(auth, db):
    await sign_up(auth, "bob")
    user = (await sign_up(auth)).user
    with pytest.raises(BadUserInput) as exc:
        await accounts.update_profile(auth, user.id, accounts.ProfileChange(username="BOB"))
    assert exc.value.extensions["field"] == "username"
    assert await user_events(db, user.id) == [("auth_user_add", 1)]


async def test_update_profile_needs_a_signed_in_user(auth):
    with pytest.raises(Unauthenticated):
        await accounts.update_profile(auth, None, accounts.ProfileChange(username="x"))


# ---------------------------------------------------------------- passwords

async def test_change_password_logs_out_other_sessions_and_the_new_password_works(auth, db):
    first = await sign_up(auth)
    fresh = await accounts.change_password(auth, first.user.id, PASSWORD, "a different long passphrase 7")
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, first.refresh_token)
    assert (await sessions.refresh(auth, fresh.refresh_token)).user.id == first.user.id
    with pytest.raises(Unauthenticated):
        await sessions.log_in(auth, "alice", PASSWORD, None)
    assert await sessions.log_in(auth, "alice", "a different long passphrase 7", None)
    assert await user_events(db, first.user.id) == [("auth_user_add", 1)]  # nothing replicas hold changed


async def test_change_password_refuses_a_wrong_current_or_weak_new_password(auth):
    user = (await sign_up(auth)).user
    with pytest.raises(BadUserInput) as exc:
        await accounts.change_password(auth, user.id, "wrong password!!", "a different long passphrase 7")
    assert exc.value.extensions["field"] == "currentPassword"
    with pytest.raises(BadUserInput) as exc:
        await accounts.change_password(auth, user.id, PASSWORD, "password123")
    assert exc.value.extensions["field"] == "newPassword"
    assert await sessions.log_in(auth, "alice", PASSWORD, None)


async def test_guessing_the_current_password_is_throttled(auth):
    user = (await sign_up(auth)).user
    for _ in range(5):
        with pytest.raises(BadUserInput):
            await accounts.delete_account(auth, user.id, "wrong password!!")
    with pytest.raises(RateLimited):
        await accounts.delete_account(auth, user.id, PASSWORD)


# ---------------------------------------------------------------- email verification

async def verification_token(db, email):
    return [d["token"] for n, d in await outbox_events(db) if n == "auth_email_verification_request"
            and d["email"] == email][-1]


async def test_verify_email_marks_the_user_verified_once(auth, db):
    user = (await sign_up(auth)).user
    token = await verification_token(db, "alice@example.org")
    verified = await recovery.verify_email(auth, token)
    assert verified.email_verified_at is not None and verified.version == 2
    assert await user_events(db, user.id) == [("auth_user_add", 1), ("auth_user_update", 2)]
    with pytest.raises(BadUserInput) as exc:
        await recovery.verify_email(auth, token)  # single use
    assert exc.value.extensions["field"] == "token"
    with pytest.raises(BadUserInput):
        await recovery.request_email_verification(auth, verified)  # nothing left to verify


async def test_expired_or_superseded_verification_tokens_are_refused(auth, db, clock):
    user = (await sign_up(auth)).user
    first = await verification_token(db, "alice@example.org")
    await recovery.request_email_verification(auth, user)
    second = await verification_token(db, "alice@example.org")
    with pytest.raises(BadUserInput):
        await recovery.verify_email(auth, first)  # asking again voided it
    clock.advance(hours=49)
    with pytest.raises(BadUserInput):
        await recovery.verify_email(auth, second)


async def test_a_verification_link_for_an_earlier_address_does_not_verify_the_new_one(auth, db):
    user = (await sign_up(auth)).user
    old = await verification_token(db, "alice@example.org")
    await accounts.update_profile(auth, user.id, accounts.ProfileChange(
        email="new@example.org", current_password=PASSWORD))
    with pytest.raises(BadUserInput):
        await recovery.verify_email(auth, old)


async def test_verification_emails_are_limited_per_hour(auth):
    user = (await sign_up(auth)).user
    for _ in range(5):
        await recovery.request_email_verification(auth, user)
    with pytest.raises(RateLimited):
        await recovery.request_email_verification(auth, user)


# ---------------------------------------------------------------- password reset

async def reset_token(db, email):
    return [d["token"] for n, d in await outbox_events(db) if n == "auth_password_reset_request"
            and d["email"] == email][-1]


async def test_password_reset_sets_the_password_and_logs_out_everywhere(auth, db):
    first = await sign_up(auth)
    assert await recovery.request_password_reset(auth, "ALICE@example.org", "10.0.0.1") is True
    token = await reset_token(db, "alice@example.org")
    assert await recovery.reset_password(auth, token, "a brand new passphrase 99") is True
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, first.refresh_token)
    assert await sessions.log_in(auth, "alice", "a brand new passphrase 99", None)
    with pytest.raises(BadUserInput) as exc:
        await recovery.reset_password(auth, token, "yet another passphrase 1")  # single use
    assert exc.value.extensions["field"] == "token"


async def test_password_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(auth, db):
    assert await recovery.request_password_reset(auth, "nobody@example.org", "10.0.0.1") is True
    assert [n for n, _ in await outbox_events(db)] == []


async def test_expired_reset_token_is_refused(auth, db, clock):
    await sign_up(auth)
    await recovery.request_password_reset(auth, "alice@example.org", None)
    token = await reset_token(db, "alice@example.org")
    clock.advance(minutes=31)
    with pytest.raises(BadUserInput) as exc:
        await recovery.reset_password(auth, token, "a brand new passphrase 99")
    assert exc.value.extensions["field"] == "token"
    assert await sessions.log_in(auth, "alice", PASSWORD, None)


async def test_reset_refuses_a_weak_password_and_keeps_the_token_usable(auth, db):
    await sign_up(auth)
    await recovery.request_password_reset(auth, "alice@example.org", None)
    token = await reset_token(db, "alice@example.org")
    with pytest.raises(BadUserInput) as exc:
        await recovery.reset_password(auth, token, "qwertyuiop")
    assert exc.value.extensions["field"] == "newPassword"
    assert await recovery.reset_password(auth, token, "a brand new passphrase 99")


async def test_reset_lifts_a_login_lockout(auth, db):
    await sign_up(auth)
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await sessions.log_in(auth, "alice", "wrong password!!", None)
    await recovery.request_password_reset(auth, "alice@example.org", None)
    await recovery.reset_password(auth, await reset_token(db, "alice@example.org"), "a brand new passphrase 99")
    assert await sessions.log_in(auth, "alice", "a brand new passphrase 99", None)


async def test_reset_requests_are_quietly_limited(auth, db):
    await sign_up(auth)
    for _ in range(8):
        assert await recovery.request_password_reset(auth, "alice@example.org", None) is True
    assert len([n for n, _ in await outbox_events(db) if n == "auth_password_reset_request"]) == 5


# ---------------------------------------------------------------- delete

async def test_delete_account_keeps_nothing_but_the_delete_event(auth, db):
    first = await sign_up(auth)
    other = (await sign_up(auth, "bob")).user
    user_id = first.user.id
    # As if the relay had delivered what was written so far; the next update is still waiting for it.
    async with db.transaction() as session:
        await session.execute(tables.outbox.update().values(published_at=auth.clock()))
    await accounts.update_profile(auth, user_id, accounts.ProfileChange(username="alice2"))
    assert await accounts.delete_account(auth, user_id, PASSWORD) is True
    assert await user_events(db, user_id) == [("auth_user_delete", 3)]
    [delete] = [d for n, d in await outbox_events(db) if n == "auth_user_delete"]
    assert delete == {"id": user_id, "username": "alice2", "version": 3}
    async with db.session() as session:
        assert (await session.execute(select(tables.users.c.id))).scalars().all() == [other.id]
        assert await session.scalar(select(func.count()).select_from(tables.refresh_tokens)
                                    .where(tables.refresh_tokens.c.user_id == user_id)) == 0
        payloads = (await session.execute(select(tables.outbox.c.payload))).scalars().all()
    assert not any("alice@example.org" in p for p in payloads)
    assert any("bob@example.org" in p for p in payloads)  # other users' events are untouched
    with pytest.raises(Unauthenticated):
        await sessions.refresh(auth, first.refresh_token)
    with pytest.raises(Unauthenticated):
        await sessions.log_in(auth, "alice2", PASSWORD, None)


async def test_delete_account_refuses_a_wrong_password(auth, db):
    user = (await sign_up(auth)).user
    with pytest.raises(BadUserInput):
        await accounts.delete_account(auth, user.id, "wrong password!!")
    assert await user_events(db, user.id) == [("auth_user_add", 1)]


# ---------------------------------------------------------------- roles

async def test_only_admins_set_roles(auth, db):
    admin, created = await accounts.create_admin(auth, "root_admin", "root@example.org", PASSWORD)
    assert created and admin.roles == ("admin",)
    bob = (await sign_up(auth, "bob")).user
    with pytest.raises(Forbidden):
        await accounts.set_user_roles(auth, bob.id, bob.id, ["admin"])
    updated = await accounts.set_user_roles(auth, admin.id, bob.id, ["moderator"])
    assert updated.roles == ("moderator",) and updated.version == 2
    assert await user_events(db, bob.id) == [("auth_user_add", 1), ("auth_user_update", 2)]
    # The next access token carries the new roles.
    tokens = await sessions.log_in(auth, "bob", PASSWORD, None)
    claims = verify_access_token(tokens.access_token, await keys.jwks(auth), issuer="bookshare-auth",
                                 audience="bookshare")
    assert claims.roles == frozenset({"moderator"})


async def test_set_roles_refuses_unknown_roles_unknown_users_and_self_demotion(auth):
    admin, _ = await accounts.create_admin(auth, "root_admin", "root@example.org", PASSWORD)
    with pytest.raises(BadUserInput) as exc:
        await accounts.set_user_roles(auth, admin.id, admin.id, ["admin", "superuser"])
    assert exc.value.extensions["field"] == "roles"
    with pytest.raises(NotFound):
        await accounts.set_user_roles(auth, admin.id, "00000000-0000-0000-0000-000000000000", [])
    with pytest.raises(BadUserInput):
        await accounts.set_user_roles(auth, admin.id, admin.id, [])
    with pytest.raises(Unauthenticated):
        await accounts.set_user_roles(auth, None, admin.id, [])


async def test_create_admin_promotes_an_existing_user_once(auth, db):
    user = (await sign_up(auth, "bob")).user
    promoted, created = await accounts.create_admin(auth, "bob", "ignored@example.org", "ignored")
    assert not created and promoted.id == user.id and promoted.roles == ("admin",)
    again, _ = await accounts.create_admin(auth, "bob", "ignored@example.org", "ignored")
    assert again.version == 2
    assert await user_events(db, user.id) == [("auth_user_add", 1), ("auth_user_update", 2)]


# ---------------------------------------------------------------- events and failed transactions

async def test_no_event_is_written_when_the_transaction_fails(auth, db, monkeypatch):
    user = (await sign_up(auth)).user
    from bookshare_auth.application import user_events as events_module

    real = events_module.user_updated

    async def write_then_fail(session, record):
        await real(session, record)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(events_module, "user_updated", write_then_fail)
    with pytest.raises(RuntimeError):
        await accounts.update_profile(auth, user.id, accounts.ProfileChange(username="alice2"))
    assert await user_events(db, user.id) == [("auth_user_add", 1)]
    assert (await accounts.get_user(auth, user.id)).username == "alice"


async def test_a_failed_delete_keeps_the_user_and_writes_no_delete_event(auth, db, monkeypatch):
    user = (await sign_up(auth)).user
    from bookshare_auth.application import user_events as events_module

    real = events_module.user_deleted

    async def write_then_fail(session, **kw):
        await real(session, **kw)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(events_module, "user_deleted", write_then_fail)
    with pytest.raises(RuntimeError):
        await accounts.delete_account(auth, user.id, PASSWORD)
    assert await user_events(db, user.id) == [("auth_user_add", 1)]  # the add event was not scrubbed either
    assert (await accounts.get_user(auth, user.id)).username == "alice"


async def test_a_failed_sign_up_leaves_no_user_and_no_event(auth, db, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("signing failed")

    monkeypatch.setattr(sessions, "start_session", broken)
    with pytest.raises(RuntimeError):
        await sign_up(auth)
    assert await count(db, tables.users) == 0
    assert await outbox_events(db) == []


async def test_an_update_racing_another_is_refused_not_lost(auth, db):
    user = (await sign_up(auth)).user
    stale = user
    await accounts.update_profile(auth, user.id, accounts.ProfileChange(username="alice2"))
    from bookshare_auth.adapters import repository as repo

    async with db.transaction() as session:
        assert not await repo.update_user(session, stale.id, stale.version, username="alice3")
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            if not await repo.update_user(session, stale.id, stale.version, username="alice3"):
                raise Conflict("stale")
    assert (await accounts.get_user(auth, user.id)).username == "alice2"


# ---------------------------------------------------------------- signing keys

async def test_rotation_keeps_two_keys_published_and_old_tokens_valid(auth):
    tokens = await sign_up(auth)
    first_kid = (await keys.jwks(auth))["keys"][0]["kid"]
    await keys.add_signing_key(auth)
    published = [k["kid"] for k in (await keys.jwks(auth))["keys"]]
    assert len(published) == 2 and first_kid in published
    verify_access_token(tokens.access_token, await keys.jwks(auth), issuer="bookshare-auth", audience="bookshare")
    newer = await sessions.log_in(auth, "alice", PASSWORD, None)
    assert newer.access_token.split(".")[0] != tokens.access_token.split(".")[0]  # another kid in the header
    await keys.add_signing_key(auth)
    assert first_kid not in [k["kid"] for k in (await keys.jwks(auth))["keys"]]
    assert await count(auth.db, tables.signing_keys) == 2


# ---------------------------------------------------------------- housekeeping

async def test_sweep_removes_only_what_is_past_any_use(auth, db, clock):
    from bookshare_auth.application.housekeeping import sweep

    old = await sign_up(auth)
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            await sessions.log_in(auth, "nobody", "wrong password!!", "10.0.0.1")
    clock.advance(days=32)
    fresh = await sessions.log_in(auth, "alice", PASSWORD, None)
    removed = await sweep(auth)
    assert removed == {"refresh_tokens": 1, "one_time_tokens": 1, "throttle_counters": 2}
    assert (await sessions.refresh(auth, fresh.refresh_token)).user.id == old.user.id
    assert await sweep(auth) == {"refresh_tokens": 0, "one_time_tokens": 0, "throttle_counters": 0}
