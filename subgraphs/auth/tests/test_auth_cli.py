"""The operator commands the `bookshare` CLI calls: first admin and key rotation."""

from __future__ import annotations

import pytest

from bookshare_auth.application import sessions
from bookshare_auth.application.core import Auth
from bookshare_auth.entrypoints import cli
from bookshare_auth.testing import PASSWORD, fast_settings, user_events
from bookshare_common.db import Database
from bookshare_common.errors import BadUserInput
from bookshare_common.settings import load_settings


@pytest.fixture
def settings(database_url, tmp_path):
    return load_settings("auth", data_dir=tmp_path, database_url_override=database_url)


async def test_create_admin_signs_up_then_promotes(settings):
    made = await cli.create_admin("chief", "chief@example.org", PASSWORD, settings=settings,
                                  auth_settings=fast_settings())
    assert made["created"] is True and made["roles"] == ["admin"] and made["username"] == "chief"
    again = await cli.create_admin("chief", "chief@example.org", PASSWORD, settings=settings,
                                   auth_settings=fast_settings())
    assert again == {**made, "created": False}
    db = Database(settings.database_url)
    try:
        assert await user_events(db, made["id"]) == [("auth_user_add", 1), ("auth_user_update", 2)]
        tokens = await sessions.log_in(Auth(db, fast_settings()), "chief", PASSWORD, None)
        assert tokens.user.roles == ("admin",)
    finally:
        await db.dispose()


async def test_create_admin_refuses_a_weak_password(settings):
    with pytest.raises(BadUserInput) as exc:
        await cli.create_admin("chief", "chief@example.org", "admin", settings=settings,
                               auth_settings=fast_settings())
    assert exc.value.extensions["field"] == "password"


async def test_rotate_keys_publishes_the_new_key_beside_the_previous_one(settings):
    first = await cli.rotate_keys(settings=settings)
    second = await cli.rotate_keys(settings=settings)
    assert second["published"] == [second["kid"], first["kid"]]
    third = await cli.rotate_keys(settings=settings)
    assert third["published"] == [third["kid"], second["kid"]]


async def test_create_admin_may_take_a_reserved_name_that_sign_up_refuses(settings):
    made = await cli.create_admin("admin", "admin@example.org", PASSWORD, settings=settings,
                                  auth_settings=fast_settings())
    assert made["username"] == "admin" and made["roles"] == ["admin"]
