"""Federation subgraphs for tests: a subgraph SDL plus plain Python data becomes a graphql-core schema with
`_entities` and `_service`, served over real HTTP (uvicorn on a loopback port, in a thread).

Used by the gateway's conformance suite and the benchmark's correctness checks; not part of serving traffic.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLSchema, build_ast_schema, graphql
from graphql.language import (
    DocumentNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    parse,
)
from graphql.language import ast as gast

EntityResolver = Callable[[dict[str, Any]], Any]


def _has(node: gast.Node, name: str) -> bool:
    return any(d.name.value == name for d in getattr(node, "directives", None) or ())


def _executable_document(sdl: str) -> DocumentNode:
    doc = parse(sdl, no_location=True)
    defs: list[gast.DefinitionNode] = []
    defined = {
        d.name.value for d in doc.definitions if isinstance(d, gast.TypeDefinitionNode)
    }
    for d in doc.definitions:
        if isinstance(d, SchemaExtensionNode | SchemaDefinitionNode):
            continue
        if isinstance(d, gast.DirectiveDefinitionNode):
            continue
        if isinstance(d, ObjectTypeExtensionNode) and d.name.value not in defined:
            # Federation 1 `extend type X @key(...)` with no base definition in this subgraph
            d = ObjectTypeDefinitionNode(
                name=d.name, interfaces=d.interfaces, directives=d.directives, fields=d.fields
            )
            defined.add(d.name.value)
        defs.append(d)
    entity_types: list[str] = []
    keyed_interfaces: set[str] = set()
    for d in defs:
        if isinstance(d, ObjectTypeDefinitionNode | ObjectTypeExtensionNode) and _has(d, "key"):
            if d.name.value not in entity_types:
                entity_types.append(d.name.value)
        if isinstance(d, InterfaceTypeDefinitionNode) and _has(d, "key"):
            keyed_interfaces.add(d.name.value)
    for d in defs:
        if not isinstance(d, ObjectTypeDefinitionNode):
            continue
        if any(i.name.value in keyed_interfaces for i in d.interfaces or ()):
            if d.name.value not in entity_types:
                entity_types.append(d.name.value)
    extra = "scalar _Any\nscalar FieldSet\nscalar link__Import\ntype _Service { sdl: String }\n"
    query_fields = "_service: _Service!\n"
    if entity_types:
        extra += f"union _Entity = {' | '.join(entity_types)}\n"
        query_fields += "_entities(representations: [_Any!]!): [_Entity]!\n"
    has_query = "Query" in defined
    extra += ("extend type Query {" if has_query else "type Query {") + query_fields + "}\n"
    extra_doc = parse(extra, no_location=True)
    return DocumentNode(definitions=[*defs, *extra_doc.definitions])


@dataclass
class FixtureSubgraph:
    """name, federation SDL, root resolvers (field -> value or callable(info, **args)), entity resolvers by type."""

    name: str
    sdl: str
    root: dict[str, Any] = field(default_factory=dict)
    mutation: dict[str, Any] = field(default_factory=dict)
    entities: dict[str, EntityResolver] = field(default_factory=dict)
    fail: bool = False  # answer HTTP 500 with a non-JSON body
    delay: float = 0.0  # seconds to wait before answering
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)  # of each request, lower-case names
    _schema: GraphQLSchema | None = None

    @property
    def schema(self) -> GraphQLSchema:
        if self._schema is None:
            self._schema = build_ast_schema(_executable_document(self.sdl), assume_valid_sdl=True)
        return self._schema

    def _resolve_entities(self, _info: Any, representations: list[dict[str, Any]]) -> list[Any]:
        out = []
        for rep in representations:
            resolver = self.entities.get(rep.get("__typename", ""))
            obj = resolver(rep) if resolver else None
            if isinstance(obj, dict) and "__typename" not in obj:
                obj = {"__typename": rep["__typename"], **obj}
            out.append(obj)
        return out

    async def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(body)
        root = {**self.root, "_entities": self._resolve_entities, "_service": {"sdl": self.sdl}}
        query = str(body.get("query", ""))
        is_mutation = query.lstrip().startswith("mutation")
        result = await graphql(
            self.schema,
            query,
            root_value=self.mutation if is_mutation else root,
            variable_values=body.get("variables") or {},
            operation_name=body.get("operationName"),
        )
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return out


class SubgraphsApp:
    """One ASGI app serving several fixture subgraphs, each at /<name>."""

    def __init__(self, subgraphs: list[FixtureSubgraph]):
        self.subgraphs = {s.name: s for s in subgraphs}

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        sub = self.subgraphs.get(scope["path"].strip("/"))
        if sub is None:
            await _send(send, 404, b'{"errors":[{"message":"no such subgraph"}]}')
            return
        sub.headers.append({k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]})
        if sub.delay:
            await asyncio.sleep(sub.delay)
        if sub.fail:
            await _send(send, 500, b"Internal Server Error", b"text/plain")
            return
        result = await sub.execute(orjson.loads(body))
        await _send(send, 200, orjson.dumps(result))


async def _send(send: Callable, status: int, body: bytes, ctype: bytes = b"application/json") -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", ctype)]})
    await send({"type": "http.response.body", "body": body})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_asgi(app: Any, port: int | None = None) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a loopback port in a background thread; yields its base URL."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fixture server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
