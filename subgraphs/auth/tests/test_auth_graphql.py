"""The auth subgraph over HTTP, as the gateway calls it: the public operations, who sees what, the
error codes clients get, and the JWKS route."""

from __future__ import annotations

import pytest

from bookshare_auth.domain.tokens import verify_access_token
from bookshare_auth.entrypoints.app import JWKS_PATH, SPEC
from bookshare_auth.testing import FAST, PASSWORD
from bookshare_common.credential import Principal
from bookshare_common.testing import service_client

SIGN_UP = """mutation($input: SignUpInput!) { signUp(input: $input) {
  accessToken refreshToken expiresIn tokenType user { id username email firstName lastName } } }"""
ME = "{ me { id username email firstName lastName roles createdAt emailVerified } }"


@pytest.fixture
async def client(database_url, tmp_path, monkeypatch):
    for name, value in FAST.items():
        monkeypatch.setenv(f"BOOKSHARE_AUTH_{name.upper()}", str(value).lower())
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as c:
        yield c


async def as_gateway(client, access_token: str) -> Principal:
    """What the gateway does with a Bearer token: verify it against auth's JWKS, pass the user on."""
    jwks = (await client.http.get(JWKS_PATH)).json()
    claims = verify_access_token(access_token, jwks, issuer="bookshare-auth", audience="bookshare")
    return Principal(user_id=claims.subject, roles=claims.roles, username=claims.claims.get("username"))


async def sign_up(client, name="alice", **overrides):
    form = {"username": name, "email": f"{name}@example.org", "password": PASSWORD, "firstName": "Test",
            "lastName": name.capitalize(), **overrides}
    return await client.query(SIGN_UP, {"input": form})


def codes(doc) -> set[str]:
    return {(e.get("extensions") or {}).get("code") for e in doc.get("errors") or []}


async def test_sign_up_then_me_with_the_access_token(client):
    doc = await sign_up(client)
    payload = doc["data"]["signUp"]
    assert payload["expiresIn"] == 900 and payload["tokenType"] == "Bearer"
    assert payload["user"]["email"] == "alice@example.org"
    me = (await client.query(ME, principal=await as_gateway(client, payload["accessToken"])))["data"]["me"]
    assert me["id"] == payload["user"]["id"]
    assert (me["username"], me["email"], me["firstName"], me["lastName"]) == (
        "alice", "alice@example.org", "Test", "Alice")
    assert me["roles"] == [] and me["emailVerified"] is False and me["createdAt"]


async def test_me_without_a_user_is_null_with_unauthenticated(client):
    doc = await client.query("{ me { id } }")
    assert doc["data"]["me"] is None and codes(doc) == {"UNAUTHENTICATED"}


async def test_sign_up_refusals_carry_bad_user_input_and_the_field(client):
    await sign_up(client)
    doc = await sign_up(client, email="other@example.org")
    assert doc["data"] is None and codes(doc) == {"BAD_USER_INPUT"}
    assert doc["errors"][0]["extensions"]["field"] == "username"
    doc = await sign_up(client, "bob", password="password1")
    assert doc["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}


async def test_log_in_refresh_and_log_out(client):
    await sign_up(client)
    doc = await client.query('mutation($p: String!) { logIn(input: {login: "alice@example.org", password: $p}) '
                             '{ accessToken refreshToken user { id username } } }', {"p": PASSWORD})
    session = doc["data"]["logIn"]
    assert session["user"]["username"] == "alice"
    doc = await client.query("mutation($t: String!) { refreshToken(token: $t) { accessToken refreshToken } }",
                             {"t": session["refreshToken"]})
    rotated = doc["data"]["refreshToken"]
    assert rotated["refreshToken"] != session["refreshToken"]
    doc = await client.query("mutation($t: String!) { logOut(refreshToken: $t) }", {"t": rotated["refreshToken"]})
    assert doc == {"data": {"logOut": True}}
    doc = await client.query("mutation($t: String!) { refreshToken(token: $t) { accessToken } }",
                             {"t": rotated["refreshToken"]})
    assert doc["data"] is None and codes(doc) == {"UNAUTHENTICATED"}


async def test_wrong_password_is_unauthenticated_then_rate_limited_by_forwarded_address(client):
    # The gateway appends the address it saw; what the client put before it cannot dodge the limit.
    await sign_up(client)
    login = 'mutation { logIn(input: {login: "%s", password: "wrong password!!"}) { accessToken } }'
    for i in range(30):
        doc = await client.query(login % f"nobody{i}", headers={"x-forwarded-for": f"10.0.0.{i}, 203.0.113.9"})
        assert codes(doc) == {"UNAUTHENTICATED"}
    doc = await client.query(login % "alice", headers={"x-forwarded-for": "203.0.113.9"})
    assert codes(doc) == {"RATE_LIMITED"}
    doc = await client.query(login % "alice", headers={"x-forwarded-for": "203.0.113.10"})
    assert codes(doc) == {"UNAUTHENTICATED"}


async def test_email_is_visible_to_the_user_and_admins_only(client):
    alice = (await sign_up(client))["data"]["signUp"]
    bob = (await sign_up(client, "bob"))["data"]["signUp"]
    query = '{ userByUsername(username: "ALICE") { id username email roles } }'
    anonymous = (await client.query(query))["data"]["userByUsername"]
    assert anonymous == {"id": alice["user"]["id"], "username": "alice", "email": None, "roles": None}
    as_bob = (await client.query(query, principal=await as_gateway(client, bob["accessToken"])))
    assert as_bob["data"]["userByUsername"]["email"] is None
    as_alice = await client.query(query, principal=await as_gateway(client, alice["accessToken"]))
    assert as_alice["data"]["userByUsername"]["email"] == "alice@example.org"
    admin = Principal(user_id="someone-else", roles=frozenset({"admin"}))
    by_id = await client.query("query($id: ID!) { user(id: $id) { email } }", {"id": alice["user"]["id"]},
                               principal=admin)
    assert by_id["data"]["user"]["email"] == "alice@example.org"
    missing = await client.query('{ user(id: "nope") { id } userByUsername(username: "nope") { id } }')
    assert missing == {"data": {"user": None, "userByUsername": None}}


async def test_user_entities_resolve_for_other_subgraphs(client):
    alice = (await sign_up(client))["data"]["signUp"]["user"]
    bob = (await sign_up(client, "bob"))["data"]["signUp"]["user"]
    doc = await client.query(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id username email } } }',
        {"r": [{"__typename": "User", "id": bob["id"]}, {"__typename": "User", "id": "gone"},
               {"__typename": "User", "id": alice["id"]}]})
    assert doc["data"]["_entities"] == [{"id": bob["id"], "username": "bob", "email": None}, None,
                                        {"id": alice["id"], "username": "alice", "email": None}]


async def test_sdl_declares_user_as_an_entity_keyed_by_id(client):
    sdl = (await client.query("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert 'type User @key(fields: "id")' in sdl


async def test_update_profile_change_password_and_delete_account(client):
    alice = (await sign_up(client))["data"]["signUp"]
    me = await as_gateway(client, alice["accessToken"])
    doc = await client.query('mutation { updateProfile(input: {firstName: "Alicia", lastName: null}) '
                             '{ firstName lastName username } }', principal=me)
    assert doc["data"]["updateProfile"] == {"firstName": "Alicia", "lastName": None, "username": "alice"}
    doc = await client.query('mutation($p: String!) { changePassword(currentPassword: $p, newPassword: "a whole '
                             'new passphrase 5") { accessToken refreshToken } }', {"p": PASSWORD}, principal=me)
    assert doc["data"]["changePassword"]["accessToken"]
    doc = await client.query("mutation($p: String!) { deleteAccount(password: $p) }", {"p": PASSWORD}, principal=me)
    assert codes(doc) == {"BAD_USER_INPUT"}  # the old password no longer works
    doc = await client.query('mutation { deleteAccount(password: "a whole new passphrase 5") }', principal=me)
    assert doc == {"data": {"deleteAccount": True}}
    doc = await client.query(ME, principal=me)
    assert doc["data"]["me"] is None and codes(doc) == {"UNAUTHENTICATED"}


async def test_mutations_for_the_signed_in_user_refuse_anonymous_callers(client):
    for mutation in ('updateProfile(input: {firstName: "x"}) { id }', "deleteAccount(password: \"x\")",
                     'changePassword(currentPassword: "x", newPassword: "y") { accessToken }',
                     "requestEmailVerification", "logOutEverywhere"):
        doc = await client.query(f"mutation {{ {mutation} }}")
        assert codes(doc) == {"UNAUTHENTICATED"}, mutation


async def test_set_user_roles_needs_an_admin(client):
    alice = (await sign_up(client))["data"]["signUp"]
    bob = (await sign_up(client, "bob"))["data"]["signUp"]
    as_bob = await as_gateway(client, bob["accessToken"])
    set_roles = 'mutation($id: ID!) { setUserRoles(userId: $id, roles: ["moderator"]) { id roles } }'
    doc = await client.query(set_roles, {"id": alice["user"]["id"]}, principal=as_bob)
    assert doc["data"] is None and codes(doc) == {"FORBIDDEN"}
    # A forged admin role in the credential is not enough: auth checks its own records.
    forged = Principal(user_id=bob["user"]["id"], roles=frozenset({"admin"}))
    assert codes(await client.query(set_roles, {"id": alice["user"]["id"]}, principal=forged)) == {"FORBIDDEN"}


async def test_reset_request_answers_the_same_for_unknown_addresses(client):
    await sign_up(client)
    known = await client.query('mutation { requestPasswordReset(email: "alice@example.org") }')
    unknown = await client.query('mutation { requestPasswordReset(email: "nobody@example.org") }')
    assert known == unknown == {"data": {"requestPasswordReset": True}}
    bad = await client.query('mutation { resetPassword(token: "forged", newPassword: "a whole new passphrase 5") }')
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "token"}


async def test_jwks_is_public_and_graphql_is_not(client):
    response = await client.http.get(JWKS_PATH)  # no gateway credential
    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert key["kty"] == "OKP" and key["alg"] == "EdDSA" and "d" not in key
    refused = await client.http.post("/graphql", json={"query": "{ _service { sdl } }"})
    assert refused.status_code == 401


async def test_verification_and_reset_links_work_through_the_api(client):
    from bookshare_auth.testing import outbox_events

    alice = (await sign_up(client))["data"]["signUp"]
    db = client.ctx.db
    [verify] = [d["token"] for n, d in await outbox_events(db) if n == "auth_email_verification_request"]
    assert await client.query("mutation($t: String!) { verifyEmail(token: $t) }", {"t": verify}) == {
        "data": {"verifyEmail": True}}
    me = await client.query(ME, principal=await as_gateway(client, alice["accessToken"]))
    assert me["data"]["me"]["emailVerified"] is True

    await client.query('mutation { requestPasswordReset(email: "alice@example.org") }')
    [reset] = [d["token"] for n, d in await outbox_events(db) if n == "auth_password_reset_request"]
    doc = await client.query('mutation($t: String!) { resetPassword(token: $t, newPassword: "a whole new '
                             'passphrase 5") }', {"t": reset})
    assert doc == {"data": {"resetPassword": True}}
    login = 'mutation($p: String!) { logIn(input: {login: "alice", password: $p}) { user { username } } }'
    assert codes(await client.query(login, {"p": PASSWORD})) == {"UNAUTHENTICATED"}
    doc = await client.query(login, {"p": "a whole new passphrase 5"})
    assert doc["data"]["logIn"]["user"]["username"] == "alice"
