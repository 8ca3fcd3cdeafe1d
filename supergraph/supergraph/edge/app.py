"""The gateway's edge: an ASGI app around the gateway core that decides who may ask what, and operates it.

Per request, in order: request id, CORS, body size, JSON, CSRF guard, the bearer token (identity), rate
limits, batch size, persisted operations (APQ / trusted documents), the per-document limits (cached by query
text), @authenticated/@requiresScopes (the operation rewritten, cached), the gateway core, refused paths put
back as null with errors, error masking, metrics. Every refusal happens before any subgraph is called.
`/health`, `/ready`, `/metrics`, the playground and its assets are served here too; a changed supergraph
file is loaded without dropping requests in flight (they finish on the gateway they started on).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import orjson
import structlog
from graphql import validate

from bookshare_common.credential import ANONYMOUS, CREDENTIAL_HEADER, Principal

from .. import transport
from ..gateway import Gateway
from ..identity import InvalidAccessToken
from ..server import GatewayApp
from .authorization import Authorization, RewriteTooLarge, complete
from .errors import Refusal
from .limits import CostDirectives, DocumentFacts, analyse
from .masking import mask_errors
from .metrics import EdgeMetrics, MeteredClient
from .persisted import AutomaticPersistedQueries, TrustedDocuments, resolve
from .playground import ASSET_PREFIX, load_assets, page
from .rate_limits import FixedWindowLimiter
from .settings import EdgeSettings
from .tracing import Tracing

log = structlog.get_logger("supergraph.edge")

EXPLAIN_HEADER = "bookshare-explain"
SIMPLE_CONTENT_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
_JSON = (b"content-type", b"application/json")
_CREDENTIAL = CREDENTIAL_HEADER.encode()
_CORS_ALLOW_HEADERS = b"content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id"

TOO_LARGE = Refusal(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this gateway accepts.")
NOT_JSON = Refusal(400, "BAD_REQUEST", "The body is not valid JSON.")
NOT_OBJECT = Refusal(400, "BAD_REQUEST", "Each operation must be a JSON object.")
NO_QUERY = Refusal(400, "BAD_REQUEST", "Must provide query string.")
GET_OFF = Refusal(405, "METHOD_NOT_ALLOWED", "Queries over GET are turned off on this gateway; use POST.",
                  headers=((b"allow", b"POST"),))
MUTATION_OVER_GET = Refusal(405, "METHOD_NOT_ALLOWED", "Mutations must be sent with POST.",
                            headers=((b"allow", b"POST"),))
BAD_METHOD = Refusal(405, "METHOD_NOT_ALLOWED", "Use POST (or GET for queries, when turned on).",
                     headers=((b"allow", b"GET, POST"),))
BATCHING_OFF = Refusal(400, "BATCHING_NOT_ENABLED", "Batched requests are turned off on this gateway.")
EMPTY_BATCH = Refusal(400, "BAD_REQUEST", "The batch is empty.")
TOO_LARGE_REWRITE = Refusal(400, "BAD_REQUEST", "The operation is too large once its fragments are expanded.")
CSRF = Refusal(400, "CSRF_PREVENTION",
               "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send "
               "Content-Type: application/json, or a non-empty 'apollo-require-preflight' or "
               "'x-apollo-operation-name' header.")


@dataclass
class ServingState:
    """One loaded supergraph: its gateway and everything cached against it."""

    gateway: Gateway
    app: GatewayApp
    authorization: Authorization
    digest: str
    costs: CostDirectives
    documents: OrderedDict[str, DocumentFacts] = field(default_factory=OrderedDict)
    in_flight: int = 0


@dataclass
class Context:
    request_id: str
    principal: Principal
    subgraph_headers: dict[str, str]
    is_get: bool
    explain: bool


class EdgeApp:
    def __init__(self, supergraph_sdl: str, *, settings: EdgeSettings | None = None, identity: Any = None,
                 url_overrides: dict[str, str] | None = None, supergraph_path: Path | None = None,
                 metrics: EdgeMetrics | None = None, tracing: Tracing | None = None,
                 client_factory: Callable[[], Any] | None = None) -> None:
        self.settings = settings or EdgeSettings()
        self.identity = identity
        self.url_overrides = url_overrides or {}
        self.supergraph_path = supergraph_path
        self.metrics = metrics or EdgeMetrics()
        self.tracing = tracing
        self._client_factory = client_factory or _default_client
        self.state = self._build(supergraph_sdl)
        self._file_stamp = self._stamp()
        s = self.settings
        self.apq = AutomaticPersistedQueries(s.apq_cache_size) if s.apq else None
        self.trusted = TrustedDocuments.load(s.trusted_documents) if s.trusted_documents else None
        self.by_address = FixedWindowLimiter(s.rate_limit_per_address, s.rate_limit_window_seconds) \
            if s.rate_limit_per_address else None
        self.by_user = FixedWindowLimiter(s.rate_limit_per_user, s.rate_limit_window_seconds) \
            if s.rate_limit_per_user else None
        self.assets = load_assets() if s.playground_enabled else {}
        self.origins = frozenset(s.allowed_origins)
        self.preflight_headers = tuple(h.lower() for h in s.csrf_required_headers)
        self.forwarded = tuple(h.lower() for h in s.forwarded_headers)
        self.ready = False
        self._watcher: asyncio.Task[None] | None = None
        self._ready_cache: tuple[float, int, bytes] | None = None
        self._draining: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ loading and reloading
    def _build(self, sdl: str) -> ServingState:
        client = MeteredClient(self._client_factory, self.metrics, {}, self.tracing)
        gateway = Gateway(sdl, url_overrides=self.url_overrides, client=client)
        client.names.update({gateway.urls[e]: gateway.services[e] for e in gateway.urls})
        _count_plan_cache(gateway, self.metrics)
        return ServingState(gateway, GatewayApp(sdl, gateway=gateway),
                            Authorization(gateway.supergraph, gateway.api_schema, self.settings.document_cache_size),
                            hashlib.sha256(sdl.encode()).hexdigest(), CostDirectives.from_supergraph(sdl))

    def _stamp(self) -> tuple[int, int] | None:
        if self.supergraph_path is None:
            return None
        try:
            stat = self.supergraph_path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    async def reload_if_changed(self) -> bool:
        """Load the supergraph file again if it changed; requests in flight finish on the old gateway."""
        stamp = self._stamp()
        if stamp is None or stamp == self._file_stamp:
            return False
        self._file_stamp = stamp
        assert self.supergraph_path is not None
        try:
            sdl = self.supergraph_path.read_text(encoding="utf-8")
            if hashlib.sha256(sdl.encode()).hexdigest() == self.state.digest:
                return False
            new = await asyncio.to_thread(self._build, sdl)
        except Exception as exc:  # noqa: BLE001 - a bad file must not take the serving gateway down
            self.metrics.reloads.labels("failed").inc()
            log.error("supergraph reload failed; still serving the previous one", path=str(self.supergraph_path),
                      error=str(exc))
            return False
        old, self.state = self.state, new
        self.metrics.reloads.labels("ok").inc()
        log.info("supergraph reloaded", path=str(self.supergraph_path), digest=new.digest[:12])
        task = asyncio.get_running_loop().create_task(self._retire(old))
        self._draining.add(task)
        task.add_done_callback(self._draining.discard)
        return True

    async def _retire(self, old: ServingState) -> None:
        deadline = time.monotonic() + self.settings.drain_seconds
        # Polled: an Event per request would tax every request for the sake of a rare reload.
        while old.in_flight and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await old.gateway.aclose()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.settings.supergraph_poll_seconds)
            await self.reload_if_changed()

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(scope, receive, send)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)

    async def _websocket(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        """Subscriptions are the core's; the edge states who is asking, as for HTTP: a client's own credential
        header is dropped, a bearer token (when sent) is checked, and the gateway credential is added."""
        raw = [(k, v) for k, v in scope["headers"] if k.lower() != _CREDENTIAL]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
        principal = ANONYMOUS
        if self.identity is not None:
            try:
                principal = await self.identity.principal(headers)
            except InvalidAccessToken:
                await send({"type": "websocket.close", "code": 4401})
                return
        request_id = _request_id(headers.get(self.settings.request_id_header))
        extra = self._subgraph_headers(principal, headers, request_id, self._client_address(scope, headers))
        raw.extend((k.encode(), v.encode("latin-1")) for k, v in extra.items())
        await self.state.app({**scope, "headers": raw}, receive, send)

    async def _lifespan(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        """The core app runs the lifespan (it tunes the GC at startup, closes its client at shutdown); the edge
        starts its supergraph watcher once started, and closes a reloaded gateway at shutdown."""
        lifespan_state = self.state

        async def edge_send(message: dict[str, Any]) -> None:
            if message["type"] == "lifespan.startup.complete":
                if self.supergraph_path is not None and self.settings.supergraph_poll_seconds > 0:
                    self._watcher = asyncio.get_running_loop().create_task(self._watch())
                self.ready = True
            await send(message)

        async def edge_receive() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.ready = False
                if self._watcher is not None:
                    self._watcher.cancel()
                for task in list(self._draining):
                    task.cancel()
                if self.state is not lifespan_state:
                    await self.state.gateway.aclose()
            return message

        await lifespan_state.app(scope, edge_receive, edge_send)

    async def _http(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = _request_id(headers.get(self.settings.request_id_header))
        extra = [(self.settings.request_id_header.encode(), request_id.encode())]
        origin = headers.get("origin")
        if origin is not None and (origin in self.origins or "*" in self.origins):
            extra += [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin"),
                      (b"access-control-expose-headers", self.settings.request_id_header.encode())]
            if scope["method"] == "OPTIONS":
                extra += [(b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                          (b"access-control-allow-headers", _CORS_ALLOW_HEADERS),
                          (b"access-control-max-age", b"600")]
        path, method = scope["path"], scope["method"]
        if method == "OPTIONS":
            await _send(send, 204, b"", extra, None)
        elif path == "/graphql":
            await self._graphql(scope, receive, send, headers, request_id, extra)
        elif path == "/health":
            await _send(send, 200, b'{"status":"ok"}', extra)
        elif path == "/ready":
            status, body = await self._readiness()
            await _send(send, status, body, extra)
        elif path == "/metrics":
            await _send(send, 200, self.metrics.render(), extra, self.metrics.content_type.encode())
        elif path.startswith(ASSET_PREFIX) and path in self.assets and method in ("GET", "HEAD"):
            asset = self.assets[path]
            extra += [(b"etag", asset.etag), (b"cache-control", b"public, max-age=86400")]
            if headers.get("if-none-match") == asset.etag.decode():
                await _send(send, 304, b"", extra, None)
            else:
                await _send(send, 200, asset.body if method == "GET" else b"", extra, asset.content_type)
        else:
            await _send(send, 404, b'{"errors":[{"message":"Not found","extensions":{"code":"NOT_FOUND"}}]}', extra)

    # ------------------------------------------------------------------ /graphql
    async def _graphql(self, scope: dict[str, Any], receive: Callable, send: Callable, headers: dict[str, str],
                       request_id: str, extra: list[tuple[bytes, bytes]]) -> None:
        started = time.perf_counter()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        state = self.state
        state.in_flight += 1
        try:
            if self.tracing is None:
                status, body, label = await self._graphql_body(scope, receive, headers, request_id, state, extra)
            else:
                with self.tracing.request(headers, request_id) as span:
                    status, body, label = await self._graphql_body(scope, receive, headers, request_id, state,
                                                                   extra)
                    span.set_attribute("http.response.status_code", status)
                    if label is not None:
                        span.set_attribute("graphql.operation.name", label[0])
        except Exception:  # noqa: BLE001 - never a stack trace to a client
            log.exception("request failed", request_id=request_id)
            status, body, label = 500, Refusal(500, "INTERNAL_SERVER_ERROR", "Internal server error").body(), None
        finally:
            state.in_flight -= 1
            structlog.contextvars.unbind_contextvars("request_id")
        if isinstance(body, bytes) and body.startswith(b"<!doctype html>"):
            await _send(send, status, body, extra, b"text/html; charset=utf-8")
            return
        await _send(send, status, body, extra)
        if self.settings.access_log:
            log.info("graphql request", request_id=request_id, operation=label[0] if label else None, status=status,
                     duration_ms=round((time.perf_counter() - started) * 1000, 2))
        if label is not None:
            name, latency = label
            latency.observe(time.perf_counter() - started)
            outcome = "refused" if 400 <= status < 500 else "failed" if status >= 500 else \
                "errors" if b'"errors":' in body[:12] else "ok"
            self.metrics.count_request(name, outcome)

    async def _graphql_body(self, scope: dict[str, Any], receive: Callable, headers: dict[str, str],
                            request_id: str, state: ServingState,
                            extra: list[tuple[bytes, bytes]]) -> tuple[int, bytes, Any]:
        s = self.settings
        method = scope["method"]
        unnamed = self.metrics.operation(None)
        if method == "GET":
            query_string = scope.get("query_string", b"").decode("latin-1")
            params = parse_qs(query_string)
            if "query" not in params and "extensions" not in params and s.playground_enabled \
                    and "text/html" in headers.get("accept", ""):
                return 200, page(), None
            if not s.allow_get_queries:
                return self._refuse(GET_OFF, extra, unnamed)
            payload: Any = {"query": _first(params, "query"), "operationName": _first(params, "operationName")}
            for name in ("variables", "extensions"):
                raw = _first(params, name)
                if raw:
                    try:
                        payload[name] = orjson.loads(raw)
                    except orjson.JSONDecodeError:
                        return self._refuse(Refusal(400, "BAD_REQUEST", f"{name} is not valid JSON."), extra, unnamed)
        elif method == "POST":
            declared = headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > s.max_body_bytes:
                return self._refuse(TOO_LARGE, extra, unnamed)
            raw_body = await _read_body(receive, s.max_body_bytes)
            if raw_body is None:
                return self._refuse(TOO_LARGE, extra, unnamed)
            try:
                payload = orjson.loads(raw_body)
            except orjson.JSONDecodeError:
                return self._refuse(NOT_JSON, extra, unnamed)
        else:
            return self._refuse(BAD_METHOD, extra, unnamed)
        if s.csrf_prevention and not self._preflighted(headers):
            return self._refuse(CSRF, extra, unnamed)
        principal = ANONYMOUS
        address = self._client_address(scope, headers)
        if self.by_address is not None:
            wait = self.by_address.hit(address)
            if wait is not None:
                return self._refuse(_rate_limited(wait, "address"), extra, unnamed)
        if self.identity is not None:
            try:
                principal = await self.identity.principal(headers)
            except InvalidAccessToken as exc:
                refusal = Refusal(401, "UNAUTHENTICATED", f"Invalid access token: {exc}",
                                  headers=((b"www-authenticate", b'Bearer error="invalid_token"'),))
                return self._refuse(refusal, extra, unnamed)
        if self.by_user is not None and principal.user_id is not None:
            wait = self.by_user.hit(principal.user_id)
            if wait is not None:
                return self._refuse(_rate_limited(wait, "user"), extra, unnamed)
        context = Context(request_id, principal, self._subgraph_headers(principal, headers, request_id, address),
                          method == "GET",
                          not s.production and headers.get(EXPLAIN_HEADER, "").lower() in ("1", "true", "yes"))
        if isinstance(payload, list):
            if s.max_batch <= 0:
                return self._refuse(BATCHING_OFF, extra, unnamed)
            if not payload:
                return self._refuse(EMPTY_BATCH, extra, unnamed)
            if len(payload) > s.max_batch:
                return self._refuse(Refusal(400, "BATCH_LIMIT_EXCEEDED", f"The batch holds {len(payload)} "
                                            f"operations; the limit is {s.max_batch}.",
                                            {"value": len(payload), "limit": s.max_batch}), extra, unnamed)
            answers = [await self._operation(item, context, state) for item in payload]  # in order: mutations
            for _, refusal_headers, _, _ in answers:
                extra.extend(refusal_headers)
            return 200, orjson.dumps([body for _, _, body, _ in answers]), unnamed
        status, refusal_headers, body, label = await self._operation(payload, context, state)
        extra.extend(refusal_headers)
        return status, orjson.dumps(body), label

    def _refuse(self, refusal: Refusal, extra: list[tuple[bytes, bytes]], label: Any) -> tuple[int, bytes, Any]:
        extra.extend(refusal.headers)
        return refusal.status, refusal.body(), label

    def _client_address(self, scope: dict[str, Any], headers: dict[str, str]) -> str:
        hops = self.settings.trusted_proxy_hops
        forwarded = headers.get("x-forwarded-for") if hops else None
        if forwarded:
            chain = [part.strip() for part in forwarded.split(",") if part.strip()]
            if chain:
                return chain[-hops] if len(chain) >= hops else chain[0]
        client = scope.get("client")
        return client[0] if client else "unknown"

    def _preflighted(self, headers: dict[str, str]) -> bool:
        """Apollo's CSRF rule: a request a browser would send without a CORS preflight is refused."""
        content_type = headers.get("content-type")
        if content_type is not None and content_type.split(";", 1)[0].strip().lower() not in SIMPLE_CONTENT_TYPES:
            return True
        return any(headers.get(name) for name in self.preflight_headers)

    def _subgraph_headers(self, principal: Principal, headers: dict[str, str], request_id: str,
                          address: str) -> dict[str, str]:
        out = {"x-request-id": request_id, "x-forwarded-for": address}
        for name in self.forwarded:
            if name in headers and name not in ("authorization", CREDENTIAL_HEADER):
                out[name] = headers[name]
        if self.identity is not None:
            out[CREDENTIAL_HEADER] = self.identity.issuer.issue(principal)
        return out

    async def _operation(self, payload: Any, context: Context,
                         state: ServingState) -> tuple[int, tuple[tuple[bytes, bytes], ...], dict[str, Any], Any]:
        if not isinstance(payload, dict):
            return _refused(NOT_OBJECT, self.metrics.operation(None))
        operation_name = payload.get("operationName")
        label = self.metrics.operation(operation_name if isinstance(operation_name, str) else None)
        query = resolve(payload.get("query"), payload.get("extensions"), self.apq, self.trusted)
        if isinstance(query, Refusal):
            return _refused(query, label)
        if not isinstance(query, str) or not query.strip():
            return _refused(NO_QUERY, label)
        facts = state.documents.get(query)
        if facts is None:
            self.metrics.document_checks.count(False)
            facts = analyse(query, state.gateway.api_schema, self.settings, state.costs)
            state.documents[query] = facts
            if len(state.documents) > self.settings.document_cache_size:
                state.documents.popitem(last=False)
        else:
            self.metrics.document_checks.count(True)
        if operation_name is None and len(facts.operations) == 1:
            label = self.metrics.operation(next(iter(facts.operations)))  # named in the document only
        if facts.refusal is not None:
            return _refused(facts.refusal, label)
        operations = facts.operation(operation_name if isinstance(operation_name, str) else None)
        for operation in operations:
            if operation.refusal is not None:
                return _refused(operation.refusal, label)
            if context.is_get and operation.kind != "query":
                return _refused(MUTATION_OVER_GET, label)
        filtered = None
        if state.authorization.active and facts.document is not None:
            if facts.valid is None:  # an invalid operation goes to the core as sent, so errors point into it
                facts.valid = not validate(state.gateway.api_schema, facts.document)
        if facts.valid:
            try:
                filtered = state.authorization.filter(query, facts.document, operation_name
                                                      if isinstance(operation_name, str) else None, context.principal)
            except RewriteTooLarge:
                return _refused(TOO_LARGE_REWRITE, label)
        if filtered is not None and filtered.query is None:
            errors: list[dict[str, Any]] = []
            data = complete(filtered, None, errors, payload.get("variables"))
            return 200, (), ({"errors": errors, "data": data} if errors else {"data": data}), label
        # Without an authorization rewrite only top-level keys of the body are replaced below, so a shared
        # (deduplicated) answer can be used as it is, without a private deep copy.
        result = await state.gateway.execute(filtered.query if filtered is not None else query,
                                             payload.get("variables"), operation_name,
                                             headers=context.subgraph_headers, explain=context.explain,
                                             read_only=filtered is None)
        body = result.body
        if filtered is not None and result.status == 200 and "data" in body:
            errors = list(body.get("errors") or ())
            data = complete(filtered, body["data"], errors, payload.get("variables"))
            body = {**({"errors": errors} if errors else {}), "data": data,
                    **({"extensions": body["extensions"]} if "extensions" in body else {})}
        errors = body.get("errors")
        if errors:
            body["errors"] = mask_errors(errors, context.request_id, mask=self.settings.masking_errors)
        return result.status, (), body, label

    # ------------------------------------------------------------------ readiness
    async def _readiness(self) -> tuple[int, bytes]:
        now = time.monotonic()
        if self._ready_cache is not None and now - self._ready_cache[0] < 1.0:
            return self._ready_cache[1], self._ready_cache[2]
        state = self.state
        headers = {"content-type": "application/json"}
        if self.identity is not None:
            headers[CREDENTIAL_HEADER] = self.identity.issuer.issue(ANONYMOUS)

        async def probe(client: httpx.AsyncClient, url: str) -> str:
            try:
                response = await client.post(url, content=b'{"query":"{__typename}"}', headers=headers)
            except httpx.HTTPError as exc:
                return f"unreachable: {type(exc).__name__}"
            return "ok" if response.status_code < 500 else f"HTTP {response.status_code}"

        async with httpx.AsyncClient(timeout=self.settings.ready_timeout_seconds) as client:
            names = list(state.gateway.urls)
            results = await asyncio.gather(*(probe(client, state.gateway.urls[n]) for n in names))
        subgraphs = {state.gateway.services[n]: r for n, r in zip(names, results, strict=True)}
        ok = self.ready and all(r == "ok" for r in results)
        body = orjson.dumps({"status": "ready" if ok else "not ready", "supergraph": state.digest[:12],
                             "subgraphs": subgraphs})
        self._ready_cache = (now, 200 if ok else 503, body)
        return self._ready_cache[1], body


def _refused(refusal: Refusal, label: Any) -> tuple[int, tuple[tuple[bytes, bytes], ...], dict[str, Any], Any]:
    return refusal.status, refusal.headers, {"errors": [refusal.error()]}, label


def _rate_limited(wait: float, kind: str) -> Refusal:
    retry = FixedWindowLimiter.retry_after(wait)
    return Refusal(429, "RATE_LIMITED", f"Too many requests from this {kind}; try again in {retry} s.",
                   {"retryAfter": int(retry)}, ((b"retry-after", retry.encode()),))


def _first(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


_ID_PREFIX = uuid.uuid4().hex[:16]  # per process; a counter makes the rest unique without a syscall per request
_ids = itertools.count(1)


def _request_id(given: str | None) -> str:
    """The caller's request id when it is a sane token, else a new one (32 hex digits)."""
    if given and len(given) <= 128 and given.isascii() and given.replace("-", "").replace("_", "").replace(
            ".", "").isalnum():
        return given
    return f"{_ID_PREFIX}{next(_ids):016x}"


async def _read_body(receive: Callable, limit: int) -> bytes | None:
    chunks = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send(send: Callable, status: int, body: bytes, extra: list[tuple[bytes, bytes]],
                content_type: bytes | None = b"application/json") -> None:
    headers = [(b"content-length", str(len(body)).encode()), *extra]
    if content_type is not None:
        headers.append((b"content-type", content_type))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _default_client() -> Any:
    """The core's own subgraph client (aiohttp where available), made inside the serving loop."""
    factory = getattr(transport, "AiohttpSubgraphClient", None) or transport.HttpxSubgraphClient
    return factory()


def _count_plan_cache(gateway: Gateway, metrics: EdgeMetrics) -> None:
    """Count plan-cache hits and misses by wrapping the gateway's plan cache lookup (no hook exists yet)."""
    plans = getattr(gateway, "_plans", None)
    lookup = getattr(plans, "get_or_none", None)
    if lookup is None:
        return
    counts = metrics.plan_cache

    def counted(key: Any) -> Any:
        value = lookup(key)
        counts.count(value is not None)
        return value

    with contextlib.suppress(AttributeError, TypeError):
        plans.get_or_none = counted  # type: ignore[union-attr]
