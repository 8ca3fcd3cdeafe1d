"""schema/supergraph.graphql is the composition of the subgraphs as they are: change a subgraph's schema
without recomposing (`bookshare compose` while `make run` is up, or `bookshare compose --offline`) and
this fails."""

from __future__ import annotations

from pathlib import Path

from bookshare.supergraph_file import compose_offline

ROOT = Path(__file__).resolve().parent.parent


async def test_the_committed_supergraph_matches_the_subgraphs(tmp_path: Path) -> None:
    composed = await compose_offline(tmp_path)
    committed = (ROOT / "schema" / "supergraph.graphql").read_text()
    assert committed == composed, "schema/supergraph.graphql is stale: run `.venv/bin/bookshare compose --offline`"
