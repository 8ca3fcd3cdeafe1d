"""HTTP to subgraphs: one pooled keep-alive client per gateway process."""

from __future__ import annotations

from typing import Any, Protocol

import httpx
import orjson


class SubgraphTransportError(Exception):
    """The subgraph could not be reached, timed out, or did not answer with GraphQL JSON."""


class SubgraphClient(Protocol):
    async def post(self, url: str, body: dict[str, Any], headers: dict[str, str] | None) -> dict[str, Any]: ...

    async def aclose(self) -> None: ...


_JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}


class HttpxSubgraphClient:
    def __init__(self, timeout: float = 30.0, max_connections: int = 512, transport: Any = None):
        kwargs: dict[str, Any] = {}
        if transport is not None:
            kwargs["transport"] = transport
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            **kwargs,
        )

    async def post(self, url: str, body: dict[str, Any], headers: dict[str, str] | None) -> dict[str, Any]:
        all_headers = _JSON_HEADERS if not headers else {**_JSON_HEADERS, **headers}
        try:
            resp = await self._client.post(url, content=orjson.dumps(body), headers=all_headers)
        except httpx.TimeoutException as exc:
            raise SubgraphTransportError(f"request timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise SubgraphTransportError(f"{type(exc).__name__}: {exc}") from exc
        try:
            payload = orjson.loads(resp.content)
        except orjson.JSONDecodeError as exc:
            raise SubgraphTransportError(f"HTTP {resp.status_code}, the body is not JSON") from exc
        if not isinstance(payload, dict) or ("data" not in payload and "errors" not in payload):
            raise SubgraphTransportError(f"HTTP {resp.status_code}, the body is not a GraphQL response")
        return payload

    async def aclose(self) -> None:
        await self._client.aclose()
