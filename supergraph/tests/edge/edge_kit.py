"""A small federation for the edge tests: accounts and books (fixture subgraphs over real HTTP), composed by
our composition, with @authenticated and @requiresScopes; access tokens signed with a test JWKS key."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from bookshare_common.credential import CredentialIssuer, generate_private_key_pem
from supergraph.composition import SubgraphSource, compose
from supergraph.edge import EdgeApp, EdgeSettings
from supergraph.identity import AccessTokenVerifier, BookshareIdentity
from supergraph.testing import FixtureSubgraph, SubgraphsApp, serve_asgi

ISSUER, AUDIENCE = "bookshare-auth", "bookshare"

ACCOUNTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5",
                    import: ["@key", "@authenticated", "@requiresScopes", "@shareable"])
type Query {
  me: User @authenticated
  users: [User!]
  admin: AdminStats @requiresScopes(scopes: [["admin"]])
  search: [SearchResult]
}
union SearchResult = User | AdminStats
type Mutation {
  rename(name: String!): User @authenticated
  ping: String
}
type User @key(fields: "id") {
  id: ID!
  name: String!
  email: String @requiresScopes(scopes: [["read:email"], ["admin"]])
  secretNote: String! @authenticated
}
type AdminStats @requiresScopes(scopes: [["admin"]]) {
  userCount: Int!
}
"""

BOOKS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated"])
type Query {
  books: [Book!]!
  book(isbn: ID!): Book
}
type Book @key(fields: "isbn") {
  isbn: ID!
  title: String!
  owner: User
  related(first: Int): [Book!]!
}
type User @key(fields: "id") {
  id: ID!
  loans: [Loan!] @authenticated
}
type Loan {
  id: ID!
  due: String
}
"""

USERS = {"u1": {"id": "u1", "name": "Ada", "email": "ada@example.org", "secretNote": "n1"},
         "u2": {"id": "u2", "name": "Ben", "email": "ben@example.org", "secretNote": "n2"}}
BOOKS = [{"isbn": "1", "title": "Dune", "owner": {"__typename": "User", "id": "u1"}},
         {"isbn": "2", "title": "Emma", "owner": {"__typename": "User", "id": "u2"}}]


def _loans(user_id: str) -> list[dict[str, Any]]:
    return [{"id": f"loan-{user_id}", "due": "2027"}]


def _book(b: dict[str, Any]) -> dict[str, Any]:
    owner = {**b["owner"], "loans": _loans(b["owner"]["id"])}
    return {**b, "owner": owner, "related": lambda *_a, **_k: [_book(x) for x in BOOKS]}


def _find_book(_info: Any, isbn: str) -> dict[str, Any] | None:
    if isbn == "boom":
        raise RuntimeError("connection to postgres://books:hunter2@db failed")
    return next((_book(b) for b in BOOKS if b["isbn"] == isbn), None)


def build_subgraphs() -> list[FixtureSubgraph]:
    accounts = FixtureSubgraph(
        "accounts", ACCOUNTS_SDL,
        root={"me": USERS["u1"], "users": list(USERS.values()), "admin": {"userCount": len(USERS)},
              "search": [{"__typename": "User", **USERS["u1"]}, {"__typename": "AdminStats", "userCount": 2}]},
        mutation={"rename": lambda _info, name: {**USERS["u1"], "name": name}, "ping": "pong"},
        entities={"User": lambda rep: USERS.get(rep["id"])},
    )
    books = FixtureSubgraph(
        "books", BOOKS_SDL,
        root={"books": [_book(b) for b in BOOKS], "book": _find_book},
        entities={"Book": lambda rep: next((_book(b) for b in BOOKS if b["isbn"] == rep["isbn"]), None),
                  "User": lambda rep: {"id": rep["id"], "loans": _loans(rep["id"])}},
    )
    return [accounts, books]


def supergraph_sdl(subgraphs: list[FixtureSubgraph], base: str, books_sdl: str = BOOKS_SDL) -> str:
    sdls = {"accounts": ACCOUNTS_SDL, "books": books_sdl}
    result = compose([SubgraphSource(s.name, f"{base}/{s.name}", sdls[s.name]) for s in subgraphs])
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


@dataclass
class Keys:
    kid: str
    private: Ed25519PrivateKey

    def jwks(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    def token(self, sub: str = "u1", scopes: str = "", **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 300,
                                  "scope": scopes, "roles": []}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.private, algorithm="EdDSA", headers={"kid": self.kid})


def new_keys() -> Keys:
    return Keys(uuid.uuid4().hex[:8], Ed25519PrivateKey.generate())


@dataclass
class Federation:
    sdl: str
    subgraphs: dict[str, FixtureSubgraph]
    overrides: dict[str, str]
    keys: Keys
    recorder: HeaderRecorder
    base: str

    def app(self, **settings: Any) -> EdgeApp:
        verifier = AccessTokenVerifier("http://127.0.0.1:9/jwks.json", issuer=ISSUER, audience=AUDIENCE)
        verifier.load_jwks(self.keys.jwks())
        pem = generate_private_key_pem()
        identity = BookshareIdentity(CredentialIssuer(pem), verifier)
        identity.issuer_pem = pem  # type: ignore[attr-defined]  # lets tests check the credentials it signs
        return EdgeApp(self.sdl, settings=EdgeSettings(**settings), identity=identity, url_overrides=self.overrides)

    def clear(self) -> None:
        for s in self.subgraphs.values():
            s.requests.clear()
        self.recorder.headers.clear()

    def asked(self, name: str) -> list[str]:
        return [r.get("query", "") for r in self.subgraphs[name].requests]


class HeaderRecorder:
    """Records the headers of each request to the fixture subgraphs (by subgraph name), then serves it."""

    def __init__(self, app: SubgraphsApp) -> None:
        self.app = app
        self.headers: dict[str, list[dict[str, str]]] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.headers.setdefault(scope["path"].strip("/"), []).append(
                {k.decode(): v.decode() for k, v in scope["headers"]})
        await self.app(scope, receive, send)


@contextmanager
def federation() -> Iterator[Federation]:
    subgraphs = build_subgraphs()
    recorder = HeaderRecorder(SubgraphsApp(subgraphs))
    with serve_asgi(recorder) as base:
        sdl = supergraph_sdl(subgraphs, base)
        yield Federation(sdl, {s.name: s for s in subgraphs}, {s.name: f"{base}/{s.name}" for s in subgraphs},
                         new_keys(), recorder, base)


@asynccontextmanager
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in process; the app's subgraph connections are closed afterwards."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 5555)),
                                 base_url="http://gateway.test") as http:
        try:
            yield http
        finally:
            state = getattr(app, "state", None)
            if state is not None and hasattr(state, "gateway"):
                await state.gateway.aclose()


async def post(http: httpx.AsyncClient, query: str, token: str | None = None, **extra: Any) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    headers.update(extra.pop("headers", {}))
    return await http.post("/graphql", json={"query": query, **extra}, headers=headers)
