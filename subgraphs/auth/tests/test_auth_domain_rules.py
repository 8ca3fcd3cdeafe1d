"""Pure rules: passwords, profile fields, roles, throttling, refresh-token rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bookshare_auth.domain import profile, roles, throttle
from bookshare_auth.domain.opaque_tokens import digest, new_secret
from bookshare_auth.domain.passwords import PasswordHashing, password_problem
from bookshare_auth.domain.sessions import RefreshTokenState, RefreshVerdict, judge_refresh

NOW = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)


# ---------------------------------------------------------------- passwords

@pytest.mark.parametrize("password", ["short1!", "password123", "qwertyuiop", "iloveyou12345", "1234567890"])
def test_short_or_common_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_a_password_made_of_the_username_is_refused():
    assert password_problem("alice_reader1", user_inputs=["alice_reader"]) is not None


def test_a_long_uncommon_password_is_accepted():
    assert password_problem("correct horse battery staple 42") is None


def test_a_very_long_password_is_refused_with_its_limit():
    assert "256" in (password_problem("x7#Q" * 100) or "")


def test_password_hash_is_argon2id_and_verifies_only_the_same_password():
    hashing = PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1)
    stored = hashing.hash("correct horse battery staple 42")
    assert stored.startswith("$argon2id$")
    assert hashing.verify(stored, "correct horse battery staple 42")
    assert not hashing.verify(stored, "correct horse battery staple 43")
    assert not hashing.verify(None, "correct horse battery staple 42")
    assert not hashing.verify("not a hash", "anything")


def test_hash_made_with_weaker_parameters_needs_rehash():
    weak = PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1)
    strong = PasswordHashing(time_cost=2, memory_cost_kib=16, parallelism=1)
    assert strong.needs_rehash(weak.hash("correct horse battery staple 42"))
    assert not weak.needs_rehash(weak.hash("correct horse battery staple 42"))


# ---------------------------------------------------------------- profile fields

@pytest.mark.parametrize("bad", ["ab", "x" * 33, "has space", "-leading", "trailing.", "ali@ce", "Admin"])
def test_invalid_usernames_name_the_username_field(bad):
    with pytest.raises(profile.InvalidField) as exc:
        profile.clean_username(bad)
    assert exc.value.field == "username"


def test_reserved_usernames_are_refused_unless_an_operator_allows_them():
    with pytest.raises(profile.InvalidField, match="reserved"):
        profile.clean_username("Support")
    assert profile.clean_username("admin", allow_reserved=True) == "admin"


def test_usernames_keep_their_case_but_are_unique_regardless_of_it():
    assert profile.clean_username(" Alice.B ") == "Alice.B"
    assert profile.username_key("Alice.B") == profile.username_key("alice.b")


@pytest.mark.parametrize("bad", ["", "no-at-sign", "two@@example.org", "a@b", "spaces in@example.org"])
def test_invalid_emails_name_the_email_field(bad):
    with pytest.raises(profile.InvalidField) as exc:
        profile.clean_email(bad)
    assert exc.value.field == "email"


def test_emails_are_unique_regardless_of_case():
    assert profile.email_key(profile.clean_email("Alice@Example.ORG")) == profile.email_key("alice@example.org")


def test_names_are_trimmed_and_limited():
    assert profile.clean_name("firstName", "  Ada   Lovelace ") == "Ada Lovelace"
    assert profile.clean_name("firstName", "   ") is None
    with pytest.raises(profile.InvalidField) as exc:
        profile.clean_name("lastName", "x" * 101)
    assert exc.value.field == "lastName"
    with pytest.raises(profile.InvalidField):
        profile.clean_name("lastName", "bad\x00name")


# ---------------------------------------------------------------- roles

def test_roles_are_normalised_and_unknown_ones_refused():
    assert roles.clean_roles(["Admin", "admin", "moderator"]) == ["admin", "moderator"]
    assert roles.clean_roles([]) == []
    with pytest.raises(ValueError, match="superuser"):
        roles.clean_roles(["superuser"])


# ---------------------------------------------------------------- opaque secrets

def test_secrets_are_random_and_stored_only_as_their_digest():
    token, stored = new_secret()
    other, _ = new_secret()
    assert token != other and len(token) >= 40
    assert stored == digest(token) and token not in stored


# ---------------------------------------------------------------- throttling

POLICY = throttle.ThrottlePolicy(max_failures=3, window=timedelta(minutes=15), lockout=timedelta(minutes=10),
                                 slow_after=1, base_delay=0.5, max_delay=1.5)


def fail_times(n, start=NOW):
    count = None
    for i in range(n):
        count = throttle.after_failure(count, start + timedelta(seconds=i), POLICY)
    return count


def test_attempts_are_slowed_then_refused_after_too_many_failures():
    assert throttle.delay_before_answer(fail_times(0), NOW, POLICY) == 0.0
    assert throttle.delay_before_answer(fail_times(1), NOW, POLICY) == 0.5
    assert throttle.delay_before_answer(fail_times(2), NOW, POLICY) == 1.0
    assert throttle.locked_until(fail_times(2), NOW) is None
    locked = fail_times(3)
    assert throttle.locked_until(locked, NOW + timedelta(seconds=5)) == NOW + timedelta(seconds=2, minutes=10)


def test_lockout_ends_and_counting_starts_afresh():
    locked = fail_times(3)
    later = NOW + timedelta(minutes=11)
    assert throttle.locked_until(locked, later) is None
    after = throttle.after_failure(locked, later, POLICY)
    assert after.failures == 1 and after.locked_until is None


def test_failures_outside_the_window_are_forgotten():
    count = fail_times(2)
    later = NOW + timedelta(minutes=16)
    assert throttle.delay_before_answer(count, later, POLICY) == 0.0
    assert throttle.after_failure(count, later, POLICY).failures == 1


def test_delay_is_capped():
    many = throttle.ThrottlePolicy(max_failures=100, window=timedelta(hours=1), lockout=timedelta(minutes=1),
                                   slow_after=0, base_delay=0.5, max_delay=1.5)
    count = None
    for _ in range(10):
        count = throttle.after_failure(count, NOW, many)
    assert throttle.delay_before_answer(count, NOW, many) == 1.5


# ---------------------------------------------------------------- refresh rotation

def state(**kw):
    base = {"expires_at": NOW + timedelta(days=1), "used_at": None, "revoked_at": None}
    base.update(kw)
    return RefreshTokenState(**base)


def test_a_fresh_refresh_token_rotates():
    assert judge_refresh(state(), NOW) is RefreshVerdict.ROTATE


def test_a_spent_refresh_token_is_reuse():
    assert judge_refresh(state(used_at=NOW - timedelta(minutes=1)), NOW) is RefreshVerdict.REUSED


def test_revoked_and_expired_refresh_tokens_are_refused():
    assert judge_refresh(state(revoked_at=NOW), NOW) is RefreshVerdict.REVOKED
    assert judge_refresh(state(expires_at=NOW), NOW) is RefreshVerdict.EXPIRED
