"""A SubgraphClient decorator: a fetch whose variables hold this request's file placeholders goes to the
subgraph as a GraphQL multipart request carrying the files; every other fetch goes to the wrapped client."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import httpx
import orjson

from ..transport import SubgraphClient, SubgraphTransportError
from .files import PLACEHOLDER_PREFIX, UploadedFile, current_uploads, find_placeholders

_MARK = PLACEHOLDER_PREFIX.encode()
# ours to set on a multipart fetch; the rest (the gateway credential, request id, trace) go as they came
_DROPPED = frozenset({"content-type", "content-length", "transfer-encoding"})


class UploadingClient:
    def __init__(self, inner: SubgraphClient, *, timeout: float = 60.0, max_connections: int = 64,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner
        self._timeout = timeout
        self._max_connections = max_connections
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    @classmethod
    def factory(cls, inner: Callable[[], SubgraphClient], **options: Any) -> Callable[[], UploadingClient]:
        """For `EdgeApp(client_factory=…)`: the clients are made on first use, inside the serving loop."""
        return lambda: cls(inner(), **options)

    async def post(self, url: str, body: Any, headers: dict[str, str] | None) -> dict[str, Any]:
        files = current_uploads.get()
        if files and isinstance(body, (bytes, bytearray, str)):
            raw = body.encode() if isinstance(body, str) else bytes(body)
            if _MARK in raw:  # a cheap test first: most fetches of an upload request carry no file
                payload = orjson.loads(raw)
                found = find_placeholders(payload.get("variables"), files, ("variables",)) \
                    if isinstance(payload, dict) else []
                if found:
                    return await self._multipart(url, payload, found, files, headers)
        return await self.inner.post(url, body, headers)

    async def _multipart(self, url: str, payload: dict[str, Any], found: list[tuple[tuple[str | int, ...], str]],
                         files: dict[str, UploadedFile], headers: dict[str, str] | None) -> dict[str, Any]:
        mapping: dict[str, list[str]] = {}
        order: list[str] = []
        for path, placeholder in found:
            _set(payload, path, None)
            if placeholder not in mapping:
                order.append(placeholder)
                mapping[placeholder] = []
            mapping[placeholder].append(".".join(str(key) for key in path))
        sent = [files[p] for p in order]
        form = {"operations": orjson.dumps(payload).decode(),
                "map": orjson.dumps({str(i): mapping[p] for i, p in enumerate(order)}).decode()}
        outgoing = {k: v for k, v in (headers or {}).items() if k.lower() not in _DROPPED}
        outgoing["accept"] = "application/json"
        async with contextlib.AsyncExitStack() as stack:
            for file in sent:  # one reader at a time per file, in a fixed order (no deadlock)
                await stack.enter_async_context(file.lock)
            parts = {str(i): (f.filename or "upload", f.reader(), f.content_type or "application/octet-stream")
                     for i, f in enumerate(sent)}
            try:
                response = await self._client().post(url, data=form, files=parts, headers=outgoing)
            except httpx.TimeoutException as exc:
                raise SubgraphTransportError(f"upload timed out ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                raise SubgraphTransportError(f"{type(exc).__name__}: {exc}") from exc
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise SubgraphTransportError(f"HTTP {response.status_code}, the body is not JSON") from exc
        if not isinstance(answer, dict) or ("data" not in answer and "errors" not in answer):
            raise SubgraphTransportError(f"HTTP {response.status_code}, the body is not a GraphQL response")
        return answer

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            limits = httpx.Limits(max_connections=self._max_connections,
                                  max_keepalive_connections=self._max_connections)
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(self._timeout), limits=limits,
                                           **({"transport": self._transport} if self._transport else {}))
        return self._http

    async def aclose(self) -> None:
        try:
            if self._http is not None:
                await self._http.aclose()
        finally:
            await self.inner.aclose()


def _set(document: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value
