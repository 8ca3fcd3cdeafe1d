"""The posts subgraph over HTTP, as the gateway calls it: createPost, posts, User.posts, entities, refusals."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select

from bookshare_common.credential import CREDENTIAL_HEADER, CredentialIssuer, Principal, generate_private_key_pem
from bookshare_common.testing import ServiceClient
from bookshare_posts.adapters.tables import outbox

ALICE = Principal(user_id="u-alice", username="alice")
BOB = Principal(user_id="u-bob", username="bob")

CREATE = """
mutation Create($input: CreatePostInput!) {
  createPost(input: $input) { id title body kind isbn createdAt author { id } }
}"""

PAGE = """
query Page($first: Int!, $after: String) {
  posts(first: $first, after: $after) {
    edges { cursor node { id title author { id } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def create(client: ServiceClient, principal: Principal, **fields: str) -> dict:
    values = {"title": "Dune", "body": "A well-loved paperback.", "kind": "OFFER", "isbn": "978-0-441-17271-9",
              **fields}
    return await client.query(CREATE, {"input": values}, principal=principal)


async def test_a_signed_in_user_posts_an_offer_and_the_event_goes_to_the_outbox(posts: ServiceClient) -> None:
    result = await create(posts, ALICE, kind="REQUEST", title=" Who has Dune? ")
    assert "errors" not in result, result
    post = result["data"]["createPost"]
    assert post["title"] == "Who has Dune?"
    assert post["kind"] == "REQUEST"
    assert post["isbn"] == "9780441172719"
    assert post["author"] == {"id": "u-alice"}
    assert post["createdAt"].startswith("20")

    async with posts.ctx.db.session() as session:
        rows = (await session.execute(select(outbox.c.event, outbox.c.payload))).all()
    assert [row.event for row in rows] == ["posts_post_add"]
    data = json.loads(rows[0].payload)["data"]
    assert data["id"] == post["id"] and data["author_id"] == "u-alice" and data["kind"] == "REQUEST"


async def test_creating_a_post_needs_a_signed_in_user(posts: ServiceClient) -> None:
    result = await create(posts, Principal())
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await posts.query(PAGE, {"first": 10}))["data"]["posts"]["edges"] == []


async def test_invalid_input_is_refused_naming_the_field(posts: ServiceClient) -> None:
    for fields, field in [({"title": ""}, "title"), ({"isbn": "978-0-441-17271-0"}, "isbn"),
                          ({"body": "x" * 5001}, "body")]:
        result = await create(posts, ALICE, **fields)
        assert result["data"] is None
        error = result["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, error
    bad_kind = await create(posts, ALICE, kind="GIFT")
    assert "errors" in bad_kind and bad_kind.get("data") is None
    assert (await posts.query(PAGE, {"first": 10}))["data"]["posts"]["edges"] == []
    async with posts.ctx.db.session() as session:
        assert (await session.execute(select(outbox))).all() == []


async def test_posts_are_listed_newest_first_page_by_page(posts: ServiceClient) -> None:
    titles = [f"Post {n}" for n in range(5)]
    for title in titles:
        assert "errors" not in await create(posts, ALICE if title != "Post 2" else BOB, title=title)

    first = (await posts.query(PAGE, {"first": 2}))["data"]["posts"]
    assert [e["node"]["title"] for e in first["edges"]] == ["Post 4", "Post 3"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]

    second = (await posts.query(PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["data"]["posts"]
    assert [e["node"]["title"] for e in second["edges"]] == ["Post 2", "Post 1"]
    assert second["edges"][0]["node"]["author"] == {"id": "u-bob"}
    assert second["pageInfo"]["hasPreviousPage"] is True

    last = (await posts.query(PAGE, {"first": 2, "after": second["pageInfo"]["endCursor"]}))["data"]["posts"]
    assert [e["node"]["title"] for e in last["edges"]] == ["Post 0"]
    assert last["pageInfo"]["hasNextPage"] is False


async def test_bad_page_requests_are_refused_naming_the_argument(posts: ServiceClient) -> None:
    for variables, field in [({"first": 0}, "first"), ({"first": 101}, "first"),
                             ({"first": 5, "after": "garbage"}, "after")]:
        result = await posts.query(PAGE, variables)
        assert result["data"] is None
        assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_user_posts_are_resolved_through_entities(posts: ServiceClient) -> None:
    await create(posts, ALICE, title="Alice's first")
    await create(posts, BOB, title="Bob's")
    await create(posts, ALICE, title="Alice's second")
    query = """
    query($reps: [_Any!]!) {
      _entities(representations: $reps) { ... on User { id posts(first: 10) { edges { node { title } } } } }
    }"""
    reps = [{"__typename": "User", "id": "u-alice"}, {"__typename": "User", "id": "u-nobody"}]
    result = await posts.query(query, {"reps": reps})
    alice, nobody = result["data"]["_entities"]
    assert [e["node"]["title"] for e in alice["posts"]["edges"]] == ["Alice's second", "Alice's first"]
    assert nobody == {"id": "u-nobody", "posts": {"edges": []}}


async def test_a_post_is_an_entity_the_gateway_can_fetch(posts: ServiceClient) -> None:
    post = (await create(posts, ALICE))["data"]["createPost"]
    query = """
    query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Post { id title kind } } }"""
    reps = [{"__typename": "Post", "id": post["id"]}, {"__typename": "Post", "id": "missing"}]
    result = await posts.query(query, {"reps": reps})
    assert result["data"]["_entities"] == [{"id": post["id"], "title": "Dune", "kind": "OFFER"}, None]


async def test_the_sdl_declares_the_entities_for_composition(posts: ServiceClient) -> None:
    sdl = (await posts.query("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert 'type User @key(fields: "id")' in sdl
    assert 'type Post @key(fields: "id")' in sdl
    assert "type PageInfo @shareable" in sdl
    assert "Author" not in sdl  # the replica is internal


async def test_requests_without_a_valid_gateway_credential_get_401(posts: ServiceClient) -> None:
    body = {"query": "{ _service { sdl } }"}
    missing = await posts.http.post("/graphql", json=body)
    assert missing.status_code == 401
    forged = CredentialIssuer(generate_private_key_pem()).issue(ALICE)
    wrong_key = await posts.http.post("/graphql", json=body, headers={CREDENTIAL_HEADER: forged})
    assert wrong_key.status_code == 401
    mutation = await posts.http.post("/graphql", json={"query": CREATE, "variables": {"input": {
        "title": "x", "body": "", "kind": "OFFER", "isbn": "9780441172719"}}})
    assert mutation.status_code == 401
    assert (await posts.query(PAGE, {"first": 10}))["data"]["posts"]["edges"] == []
    assert isinstance(missing, httpx.Response) and missing.json()["errors"][0]["extensions"]["code"] == \
        "UNAUTHENTICATED"
