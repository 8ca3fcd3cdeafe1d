"""Plain HTTP answered by subgraphs, through the gateway: `GET /.well-known/jwks.json` (the auth service's
public keys, cached briefly) and `GET`/`HEAD /covers/{name}` (the metadata service's images, streamed). Only
these routes; everything else goes to the wrapped app."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import structlog

from .settings import PassthroughSettings

log = structlog.get_logger("supergraph.passthrough")

JWKS_PATH = "/.well-known/jwks.json"
COVERS_PREFIX = "/covers/"
# one file name, one extension: no slash, no "..", nothing the upstream could read as a path
COVER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,150}\.[A-Za-z0-9]{1,10}")
COVER_HEADERS = frozenset({b"content-type", b"content-length", b"cache-control", b"etag", b"last-modified",
                           b"content-encoding", b"x-content-type-options", b"content-security-policy"})


def _error(message: str, code: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


class PassthroughRoutes:
    def __init__(self, app: Callable, *, auth_url: str | None, metadata_url: str | None,
                 settings: PassthroughSettings | None = None, transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.settings = settings or PassthroughSettings()
        self.jwks_url = f"{auth_url}{JWKS_PATH}" if auth_url else None
        self.covers_url = f"{metadata_url}{COVERS_PREFIX}" if metadata_url else None
        self._transport = transport
        self._clock = clock
        self._http: httpx.AsyncClient | None = None
        self._jwks: tuple[float, bytes] | None = None  # (fetched at, body)
        self._jwks_lock: asyncio.Lock | None = None

    def __getattr__(self, name: str) -> Any:  # the wrapped app's attributes (settings, state, ...) stay reachable
        if name == "app":
            raise AttributeError(name)
        return getattr(self.app, name)

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == JWKS_PATH and self.jwks_url:
                await self._serve_jwks(scope, send)
                return
            if path.startswith(COVERS_PREFIX) and self.covers_url:
                await self._serve_cover(scope, send, path[len(COVERS_PREFIX):])
                return
        elif scope["type"] == "lifespan":
            await self.app(scope, self._closing_at_shutdown(receive), send)
            return
        await self.app(scope, receive, send)

    def _closing_at_shutdown(self, receive: Callable) -> Callable:
        async def wrapped() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "lifespan.shutdown" and self._http is not None:
                await self._http.aclose()
                self._http = None
            return message
        return wrapped

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.passthrough_timeout_seconds),
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                **({"transport": self._transport} if self._transport else {}))
        return self._http

    # ------------------------------------------------------------------ JWKS
    async def _serve_jwks(self, scope: dict[str, Any], send: Callable) -> None:
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await _send(send, 405, _error("Use GET.", "METHOD_NOT_ALLOWED"), [(b"allow", b"GET, HEAD")])
            return
        body = await self._jwks_document()
        if body is None:
            await _send(send, 502, _error("The key set is unavailable: the auth service did not answer.",
                                          "BAD_GATEWAY"))
            return
        max_age = int(self.settings.jwks_cache_seconds)
        await _send(send, 200, body, [(b"cache-control", f"public, max-age={max_age}".encode())],
                    head=method == "HEAD")

    async def _jwks_document(self) -> bytes | None:
        """The cached key set while fresh; one fetch at a time when not; the stale one if the fetch fails."""
        if self._jwks_lock is None:
            self._jwks_lock = asyncio.Lock()
        if self._fresh_jwks() is not None:
            return self._fresh_jwks()
        async with self._jwks_lock:
            fresh = self._fresh_jwks()
            if fresh is not None:
                return fresh
            assert self.jwks_url is not None
            try:
                response = await self._client().get(self.jwks_url, headers={"accept": "application/json"})
                document = orjson.loads(response.content) if response.status_code == 200 else None
            except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
                log.warning("JWKS fetch failed", url=self.jwks_url, error=f"{type(exc).__name__}: {exc}")
                document = None
            else:
                if document is None:
                    log.warning("JWKS fetch failed", url=self.jwks_url, status=response.status_code)
            if isinstance(document, dict) and isinstance(document.get("keys"), list):
                self._jwks = (self._clock(), orjson.dumps(document))
                return self._jwks[1]
            return self._jwks[1] if self._jwks is not None else None  # stale beats nothing

    def _fresh_jwks(self) -> bytes | None:
        if self._jwks is not None and self._clock() - self._jwks[0] < self.settings.jwks_cache_seconds:
            return self._jwks[1]
        return None

    # ------------------------------------------------------------------ covers
    async def _serve_cover(self, scope: dict[str, Any], send: Callable, name: str) -> None:
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await _send(send, 405, _error("Use GET or HEAD.", "METHOD_NOT_ALLOWED"), [(b"allow", b"GET, HEAD")])
            return
        if not COVER_NAME.fullmatch(name):
            await _send(send, 404, b"not found", content_type=b"text/plain")
            return
        assert self.covers_url is not None
        headers = {"accept": "*/*"}
        for key, value in scope["headers"]:
            if key.lower() == b"if-none-match":
                headers["if-none-match"] = value.decode("latin-1")
        client = self._client()
        try:
            response = await client.send(client.build_request(method, self.covers_url + name, headers=headers),
                                         stream=True)
        except httpx.HTTPError as exc:
            log.warning("cover fetch failed", name=name, error=f"{type(exc).__name__}: {exc}")
            await _send(send, 502, _error("The cover service did not answer.", "BAD_GATEWAY"))
            return
        try:
            if response.status_code not in (200, 304, 404):
                log.warning("cover fetch failed", name=name, status=response.status_code)
                await _send(send, 502, _error(f"The cover service answered HTTP {response.status_code}.",
                                              "BAD_GATEWAY"))
                return
            kept = [(k.lower(), v) for k, v in response.headers.raw if k.lower() in COVER_HEADERS]
            await send({"type": "http.response.start", "status": response.status_code, "headers": kept})
            if method == "HEAD" or response.status_code == 304:
                await send({"type": "http.response.body", "body": b""})
                return
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _send(send: Callable, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None, *,
                content_type: bytes = b"application/json", head: bool = False) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})
