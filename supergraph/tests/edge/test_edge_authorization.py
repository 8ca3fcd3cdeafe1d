"""@authenticated and @requiresScopes: refused fields never reach a subgraph, come back null with an error at
their exact path (inside lists too), null propagates as the spec says, and the rest still answers."""

from __future__ import annotations

import re

import pytest
from edge_kit import Federation, client, federation, post


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


QUERY = "{ books { title owner { name email } } me { name } admin { userCount } }"


def _errors(body: dict) -> dict[tuple, str]:
    return {tuple(e["path"]): e["extensions"]["code"] for e in body.get("errors", [])}


async def test_anonymous_wrong_scope_and_right_scope_users_in_one_query(fed: Federation) -> None:
    app = fed.app()
    async with client(app) as http:
        fed.clear()
        anonymous = (await post(http, QUERY)).json()
        assert anonymous["data"] == {
            "books": [{"title": "Dune", "owner": {"name": "Ada", "email": None}},
                      {"title": "Emma", "owner": {"name": "Ben", "email": None}}],
            "me": None, "admin": None}
        assert _errors(anonymous) == {("books", 0, "owner", "email"): "UNAUTHENTICATED",
                                      ("books", 1, "owner", "email"): "UNAUTHENTICATED",
                                      ("me",): "UNAUTHENTICATED", ("admin",): "UNAUTHENTICATED"}
        asked = set(re.findall(r"\w+", " ".join(fed.asked("accounts"))))
        assert not asked & {"email", "me", "admin"}, asked

        reader = (await post(http, QUERY, fed.keys.token("u1", "read:email"))).json()
        assert reader["data"]["books"][1]["owner"] == {"name": "Ben", "email": "ben@example.org"}
        assert reader["data"]["me"] == {"name": "Ada"}
        assert reader["data"]["admin"] is None
        assert _errors(reader) == {("admin",): "FORBIDDEN"}

        admin = (await post(http, QUERY, fed.keys.token("u2", "admin"))).json()
        assert "errors" not in admin, admin
        assert admin["data"]["admin"] == {"userCount": 2}
        assert admin["data"]["books"][0]["owner"]["email"] == "ada@example.org"  # either scope set will do


async def test_a_refused_non_null_field_nulls_its_nearest_nullable_parent(fed: Federation) -> None:
    # users: [User!] and secretNote: String! -> each User is invalid, so the whole (nullable) list is null.
    async with client(fed.app()) as http:
        body = (await post(http, "{ users { name secretNote } books { title } }")).json()
    assert body["data"] == {"users": None, "books": [{"title": "Dune"}, {"title": "Emma"}]}
    assert _errors(body) == {("users", 0, "secretNote"): "UNAUTHENTICATED",
                             ("users", 1, "secretNote"): "UNAUTHENTICATED"}


async def test_a_fully_refused_operation_calls_no_subgraph(fed: Federation) -> None:
    async with client(fed.app()) as http:
        fed.clear()
        response = await post(http, "{ me { name } admin { userCount } }")
        mutation = await post(http, 'mutation { rename(name: "Eve") { name } }')
    assert response.status_code == 200
    assert response.json() == {"errors": [
        {"message": "Sign in to see Query.me.", "path": ["me"], "extensions": {"code": "UNAUTHENTICATED"}},
        {"message": "Sign in to see Query.admin.", "path": ["admin"], "extensions": {"code": "UNAUTHENTICATED"}}],
        "data": {"me": None, "admin": None}}
    assert mutation.json()["data"] == {"rename": None}
    assert not fed.subgraphs["accounts"].requests and not fed.subgraphs["books"].requests


async def test_refused_fields_of_entities_from_another_subgraph_and_keys_in_order(fed: Federation) -> None:
    query = "{ books { owner { loans { id } name } isbn } }"
    async with client(fed.app()) as http:
        anonymous = (await post(http, query)).json()
        signed_in = (await post(http, query, fed.keys.token("u2"))).json()
    assert anonymous["data"]["books"][0] == {"owner": {"loans": None, "name": "Ada"}, "isbn": "1"}
    assert list(anonymous["data"]["books"][0]["owner"]) == ["loans", "name"]  # the operation's order
    assert _errors(anonymous) == {("books", 0, "owner", "loans"): "UNAUTHENTICATED",
                                  ("books", 1, "owner", "loans"): "UNAUTHENTICATED"}
    assert signed_in["data"]["books"][1]["owner"] == {"loans": [{"id": "loan-u2"}], "name": "Ben"}


async def test_fragments_variables_and_types_behind_scopes(fed: Federation) -> None:
    query = """query Q($withEmail: Boolean!) { books { ...B } stats: admin { ... on AdminStats { userCount } } }
               fragment B on Book { title owner { email @include(if: $withEmail) } }"""
    async with client(fed.app()) as http:
        body = (await post(http, query, fed.keys.token("u1", "read:email"), variables={"withEmail": True})).json()
        anonymous = (await post(http, query, variables={"withEmail": True})).json()
    assert body["data"]["books"][0] == {"title": "Dune", "owner": {"email": "ada@example.org"}}
    assert _errors(body) == {("stats",): "FORBIDDEN"}
    # $withEmail is only used by the refused field: the rewritten operation must drop it to stay valid.
    assert anonymous["data"]["books"][0] == {"title": "Dune", "owner": {"email": None}}
    assert _errors(anonymous)[("books", 0, "owner", "email")] == "UNAUTHENTICATED"
    async with client(fed.app()) as http:
        skipped = (await post(http, query, variables={"withEmail": False})).json()
        inline = (await post(http, "{ me @skip(if: true) { name } books { isbn } }")).json()
    # a refused field that @include/@skip leaves out is not in the answer, and so has no error
    assert skipped["data"]["books"][0] == {"title": "Dune", "owner": {}}
    assert _errors(skipped) == {("stats",): "UNAUTHENTICATED"}
    assert inline == {"data": {"books": [{"isbn": "1"}, {"isbn": "2"}]}}


async def test_the_rewrite_is_cached_per_query_and_kind_of_user(fed: Federation) -> None:
    app = fed.app()
    async with client(app) as http:
        for _ in range(3):
            await post(http, QUERY)
            await post(http, QUERY, fed.keys.token("u1", "read:email"))
            await post(http, QUERY, fed.keys.token("u2", "read:email unrelated-scope"))
    assert len(app.state.authorization._cache) == 2


async def test_an_invalid_operation_is_reported_against_the_text_the_client_sent(fed: Federation) -> None:
    query = "{\n  me { name }\n  books { nope }\n}"
    async with client(fed.app()) as http:
        response = await post(http, query)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "nope" in error["message"] and error["locations"] == [{"line": 3, "column": 11}]


async def test_fragments_on_a_refused_type_inside_a_union(fed: Federation) -> None:
    query = "{ search { __typename ... on User { name } ... on AdminStats { userCount } } }"
    async with client(fed.app()) as http:
        fed.clear()
        anonymous = (await post(http, query)).json()
        admin = (await post(http, query, fed.keys.token("u2", "admin"))).json()
        untyped = (await post(http, query.replace("__typename ", ""))).json()
    assert untyped["data"] == {"search": [{"name": "Ada"}, None]}  # the edge's own __typename is taken out
    # userCount is Int!: the AdminStats object is nulled, and the list's items are nullable
    assert anonymous["data"] == {"search": [{"__typename": "User", "name": "Ada"}, None]}
    assert _errors(anonymous) == {("search", 1, "userCount"): "UNAUTHENTICATED"}
    assert "userCount" not in fed.asked("accounts")[0]
    assert admin == {"data": {"search": [{"__typename": "User", "name": "Ada"},
                                         {"__typename": "AdminStats", "userCount": 2}]}}
