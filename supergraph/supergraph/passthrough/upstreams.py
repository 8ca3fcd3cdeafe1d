"""Where the auth and metadata subgraphs answer plain HTTP: their `@join__graph` URLs, after the same
overrides the gateway applies (BOOKSHARE_SUBGRAPH_URLS), without the `/graphql` path."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from ..loading import load_supergraph


def base_url(graphql_url: str) -> str:
    parts = urlsplit(graphql_url)
    path = parts.path.rstrip("/")
    path = path.removesuffix("/graphql")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def subgraph_base_urls(supergraph_sdl: str, url_overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Subgraph name -> base URL, e.g. {"auth": "http://127.0.0.1:4001", ...}."""
    overrides = url_overrides or {}
    graphs = load_supergraph(supergraph_sdl).graphs
    return {g.name: base_url(overrides.get(g.name, overrides.get(enum, g.url))) for enum, g in graphs.items()}
