"""Fetching subgraph SDLs over HTTP (`{ _service { sdl } }`) and composing them."""

from __future__ import annotations

import asyncio

import httpx

from .api import CompositionResult, SubgraphSource, compose
from .errors import CompositionError

SERVICE_QUERY = "query __ApolloGetServiceDefinition__ { _service { sdl } }"


class FetchError(Exception):
    """A subgraph did not return its SDL."""


async def fetch_sdl(url: str, headers: dict[str, str] | None = None, *, request_timeout: float = 10.0,
                    client: httpx.AsyncClient | None = None) -> str:
    """POST `{ _service { sdl } }` to a subgraph and return its SDL."""
    request_headers = {"content-type": "application/json", "accept": "application/json", **(headers or {})}
    owned = client is None
    http = client or httpx.AsyncClient(timeout=request_timeout)
    try:
        try:
            response = await http.post(url, json={"query": SERVICE_QUERY}, headers=request_headers)
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot reach {url}: {exc}") from exc
        if response.status_code != 200:
            raise FetchError(f"{url} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError as exc:
            raise FetchError(f"{url} did not answer JSON") from exc
        if not isinstance(body, dict):
            raise FetchError(f"{url} did not answer a GraphQL response")
        if body.get("errors"):
            messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in body["errors"])
            raise FetchError(f"{url} answered errors: {messages}")
        sdl = ((body.get("data") or {}).get("_service") or {}).get("sdl")
        if not isinstance(sdl, str):
            raise FetchError(f"{url} returned no _service.sdl")
        return sdl
    finally:
        if owned:
            await http.aclose()


async def compose_from_urls(subgraphs: list[tuple[str, str]], headers: dict[str, str] | None = None,
                            *, request_timeout: float = 10.0) -> CompositionResult:
    """Fetch every subgraph's SDL (concurrently) and compose them; an unreachable subgraph is an error."""
    async with httpx.AsyncClient(timeout=request_timeout) as client:
        results = await asyncio.gather(
            *(fetch_sdl(url, headers, client=client) for _, url in subgraphs), return_exceptions=True
        )
    errors = []
    sources = []
    for (name, url), result in zip(subgraphs, results, strict=True):
        if isinstance(result, BaseException):
            if not isinstance(result, FetchError):
                raise result
            errors.append(CompositionError("SUBGRAPH_FETCH_FAILED", f"[{name}] {result}", subgraph=name))
        else:
            sources.append(SubgraphSource(name, url, result))
    if errors:
        return CompositionResult(None, errors)
    return compose(sources)
