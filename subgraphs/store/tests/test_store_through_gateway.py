"""The store's federation fields resolved through the real gateway, with auth and metadata running too.

The three services run in-process and share one in-process broker; the gateway composes their SDLs and
reaches them through httpx's ASGI transport. The credential each subgraph checks is issued as the gateway
issues it; the user's access token check is the gateway's own business and is tested there.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from bookshare_auth.entrypoints.app import SPEC as AUTH
from bookshare_common.credential import CREDENTIAL_HEADER, Principal
from bookshare_common.events import InMemoryTransport
from bookshare_common.testing import GatewayKeys, service_client
from bookshare_metadata.entrypoints.app import SPEC as METADATA
from bookshare_store.entrypoints.app import SPEC as STORE
from supergraph.composition.api import SubgraphSource, compose
from supergraph.gateway import Gateway
from supergraph.transport import HttpxSubgraphClient


class InProcessSubgraphs(httpx.AsyncBaseTransport):
    """An httpx transport for the gateway's own subgraph client: each URL's host names a service app,
    reached in-process."""

    def __init__(self, apps: dict[str, Any]) -> None:
        self._apps = {name: httpx.ASGITransport(app=app) for name, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._apps[request.url.host].handle_async_request(request)


class Stack:
    def __init__(self, gateway: Gateway, keys: GatewayKeys) -> None:
        self.gateway = gateway
        self.keys = keys

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *,
                  as_user: Principal | None = None) -> dict[str, Any]:
        headers = {CREDENTIAL_HEADER: self.keys.issuer.issue(as_user or Principal())}
        result = await self.gateway.execute(query, variables or {}, None, headers=headers)
        return result.body


@pytest.fixture
async def stack(database_url: str, tmp_path: Path) -> AsyncIterator[Stack]:
    keys = GatewayKeys()
    transport = InMemoryTransport()
    async with AsyncExitStack() as exit_stack:
        clients = {}
        for spec, url in ((AUTH, f"sqlite+aiosqlite:///{tmp_path / 'auth.db'}"),
                          (METADATA, f"sqlite+aiosqlite:///{tmp_path / 'metadata.db'}"),
                          (STORE, database_url)):
            clients[spec.name] = await exit_stack.enter_async_context(service_client(
                spec, database_url=url, data_dir=tmp_path / spec.name, keys=keys, transport=transport))
        sources = []
        for name, client in clients.items():
            sdl = (await client.query("{ _service { sdl } }"))["data"]["_service"]["sdl"]
            sources.append(SubgraphSource(name=name, url=f"http://{name}/graphql", sdl=sdl))
        composed = compose(sources)
        assert composed.ok, [str(e) for e in composed.errors]
        subgraphs = InProcessSubgraphs({name: client.app for name, client in clients.items()})
        gateway = Gateway(composed.supergraph_sdl, client=HttpxSubgraphClient(transport=subgraphs))
        exit_stack.push_async_callback(gateway.aclose)
        yield Stack(gateway, keys)


async def sign_up(stack: Stack, username: str) -> Principal:
    doc = await stack.gql("mutation($i: SignUpInput!) { signUp(input: $i) { user { id username } } }",
                          {"i": {"username": username, "email": f"{username}@example.org",
                                 "password": "correct horse battery staple"}})
    assert not doc.get("errors"), doc
    user = doc["data"]["signUp"]["user"]
    return Principal(user_id=user["id"], username=user["username"])


async def test_my_copies_resolve_their_books_and_owners_across_subgraphs(stack: Stack) -> None:
    books = await stack.gql("{ books(first: 2) { edges { node { isbn title } } } }")
    assert not books.get("errors"), books
    first, second = (e["node"] for e in books["data"]["books"]["edges"])
    lender = await sign_up(stack, "lender")
    borrower = await sign_up(stack, "borrower")
    add = ("mutation($i: AddCopyInput!) { addCopy(input: $i) { id status book { title } owner { username } } }")
    doc = await stack.gql(add, {"i": {"isbn": first["isbn"], "condition": "GOOD", "forLoan": True, "forSale": True,
                                      "price": "4.50"}}, as_user=lender)
    assert not doc.get("errors"), doc
    assert doc["data"]["addCopy"]["book"] == {"title": first["title"]}
    assert doc["data"]["addCopy"]["owner"] == {"username": "lender"}
    await stack.gql(add, {"i": {"isbn": second["isbn"], "condition": "FAIR"}}, as_user=lender)

    mine = await stack.gql("{ me { username copies { edges { node { book { title } } } } } }", as_user=lender)
    assert not mine.get("errors"), mine
    assert mine["data"]["me"]["username"] == "lender"
    assert [e["node"]["book"]["title"] for e in mine["data"]["me"]["copies"]["edges"]] == [second["title"],
                                                                                         first["title"]]
    theirs = await stack.gql("{ me { copies { edges { node { id } } } } }", as_user=borrower)
    assert theirs["data"]["me"]["copies"]["edges"] == []

    book = await stack.gql("query($isbn: String!) { book(isbn: $isbn) { title availableCopyCount "
                           "copies(first: 5) { edges { node { condition price owner { username } } } } } }",
                           {"isbn": first["isbn"]})
    assert not book.get("errors"), book
    assert book["data"]["book"]["availableCopyCount"] == 1
    assert book["data"]["book"]["copies"]["edges"] == [
        {"node": {"condition": "GOOD", "price": "4.50", "owner": {"username": "lender"}}}]


async def test_someone_elses_loans_are_refused_through_the_gateway(stack: Stack) -> None:
    alice = await sign_up(stack, "alice")
    bob = await sign_up(stack, "bob")
    doc = await stack.gql("query($id: ID!) { user(id: $id) { username loans { edges { node { id } } } } }",
                          {"id": alice.user_id}, as_user=bob)
    assert doc["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = await stack.gql("{ me { loans(role: BORROWER) { edges { node { id } } } } }", as_user=alice)
    assert not own.get("errors") and own["data"]["me"]["loans"]["edges"] == []
