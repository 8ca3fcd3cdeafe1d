"""A small federation for the passthrough tests, named as Bookshare's: a "metadata" subgraph (Strawberry, which
reads GraphQL multipart requests) that reports the files it received, an "auth" fixture subgraph, and stub
HTTP routes beside them for the JWKS (auth) and the covers (metadata)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.file_uploads import Upload

from supergraph.composition import SubgraphSource, compose
from supergraph.edge import EdgeApp, EdgeSettings
from supergraph.passthrough import PassthroughSettings, uploading_client_factory, with_passthrough
from supergraph.testing import FixtureSubgraph, SubgraphsApp, serve_asgi

AUTH_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Query { me: String }
"""


@strawberry.type
class Received:
    label: str
    filename: str | None
    content_type: str | None
    size: int
    sha256: str


async def _received(label: str, file: Upload) -> Received:
    data = await file.read()
    return Received(label=label, filename=getattr(file, "filename", None),
                    content_type=getattr(file, "content_type", None), size=len(data),
                    sha256=hashlib.sha256(data).hexdigest())


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def upload(self, label: str, file: Upload) -> Received:
        return await _received(label, file)

    @strawberry.mutation
    async def upload_many(self, files: list[Upload]) -> list[Received]:
        return [await _received(str(i), f) for i, f in enumerate(files)]

    @strawberry.mutation
    def echo(self, text: str) -> str:
        return text


metadata_schema = strawberry.federation.Schema(query=Query, mutation=Mutation)


@dataclass
class Stubs:
    """The stub auth and metadata services: what they serve and how often they were asked."""

    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "abc",
                                                                     "kid": "k1"}]})
    covers: dict[str, bytes] = field(default_factory=dict)
    jwks_hits: int = 0
    cover_requests: list[str] = field(default_factory=list)
    jwks_status: int = 200

    def app(self) -> Starlette:
        async def jwks(_request: Request) -> Response:
            self.jwks_hits += 1
            if self.jwks_status != 200:
                return Response("down", status_code=self.jwks_status)
            return JSONResponse(self.jwks)

        async def cover(request: Request) -> Response:
            name = request.path_params["name"]
            self.cover_requests.append(request.url.path)
            data = self.covers.get(name)
            if data is None:
                return Response("not found", status_code=404, media_type="text/plain")
            etag = f'"{hashlib.sha256(data).hexdigest()[:16]}"'
            headers = {"etag": etag, "cache-control": "public, max-age=31536000, immutable",
                       "x-content-type-options": "nosniff", "x-internal": "secret"}
            if etag in request.headers.get("if-none-match", ""):
                return Response(status_code=304, headers=headers)
            return Response(data, media_type="image/png", headers=headers)

        return Starlette(routes=[
            Route("/auth/.well-known/jwks.json", jwks),
            Route("/metadata/covers/{name:path}", cover, methods=["GET", "HEAD"]),
        ])


@dataclass
class Federation:
    sdl: str
    stubs: Stubs
    auth: FixtureSubgraph
    metadata_requests: list[dict[str, str]]  # the headers of each request to the metadata subgraph

    def app(self, *, edge: dict[str, Any] | None = None, **settings: Any) -> Any:
        passthrough = PassthroughSettings(**settings)
        edge_app = EdgeApp(self.sdl, settings=EdgeSettings(**(edge or {})),
                           client_factory=uploading_client_factory(passthrough))
        return with_passthrough(edge_app, self.sdl, settings=passthrough)


class _Dispatch:
    """/metadata/graphql: the Strawberry subgraph; /auth: the fixture subgraph; the rest: the stub services."""

    def __init__(self, metadata: Any, auth: SubgraphsApp, stubs: Starlette, seen: list[dict[str, str]]) -> None:
        self.metadata, self.auth, self.stubs, self.seen = metadata, auth, stubs, seen

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.stubs(scope, receive, send)
        elif scope["path"] == "/metadata/graphql":
            self.seen.append({k.decode(): v.decode() for k, v in scope["headers"]})
            await self.metadata(scope, receive, send)
        elif scope["path"] == "/auth":
            await self.auth(scope, receive, send)
        else:
            await self.stubs(scope, receive, send)


@contextmanager
def federation() -> Iterator[Federation]:
    auth = FixtureSubgraph("auth", AUTH_SDL, root={"me": "ada"})
    stubs = Stubs()
    seen: list[dict[str, str]] = []
    metadata = GraphQL(metadata_schema, multipart_uploads_enabled=True)
    with serve_asgi(_Dispatch(metadata, SubgraphsApp([auth]), stubs.app(), seen)) as base:
        result = compose([SubgraphSource("metadata", f"{base}/metadata/graphql", metadata_schema.as_str()),
                          SubgraphSource("auth", f"{base}/auth", AUTH_SDL)])
        assert result.supergraph_sdl is not None, result.errors
        yield Federation(result.supergraph_sdl, stubs, auth, seen)


@asynccontextmanager
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as http:
        try:
            yield http
        finally:
            await app.state.gateway.aclose()
