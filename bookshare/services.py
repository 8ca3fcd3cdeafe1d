"""The composition root: the one place that knows every service (the CLI runs them from here)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bookshare_common.service import ServiceSpec

# Subgraphs in the order they start; each lives in its own package and knows nothing of the others.
SUBGRAPHS: dict[str, str] = {
    "auth": "bookshare_auth.entrypoints.app",
    "store": "bookshare_store.entrypoints.app",
    "metadata": "bookshare_metadata.entrypoints.app",
    "posts": "bookshare_posts.entrypoints.app",
    "notification": "bookshare_notification.entrypoints.app",
}


def spec(name: str) -> ServiceSpec:
    if name not in SUBGRAPHS:
        raise KeyError(f"unknown service {name!r}; choose from {', '.join(SUBGRAPHS)}")
    return import_module(SUBGRAPHS[name]).SPEC
