"""EXPLAIN: the query plan of an operation as readable text, without running it."""

from __future__ import annotations

from typing import Any

from .gateway import Gateway


def explain_plan(
    supergraph_sdl: str, query: str, operation_name: str | None = None, variables: dict[str, Any] | None = None
) -> str:
    """Plan `query` against the supergraph and describe the fetches (raises ValueError when it cannot be planned)."""
    return Gateway(supergraph_sdl).explain(query, operation_name, variables)
