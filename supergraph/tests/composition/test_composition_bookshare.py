"""Bookshare's own subgraphs, as they answer `_service { sdl }`, compose exactly as Apollo composes them."""

from __future__ import annotations

from bookshare.supergraph_file import subgraph_sdls
from supergraph.composition import SubgraphSource, compose


async def test_composition_bookshare_subgraphs_match_apollo(tmp_path, apollo_compose, api_schema_of, normalised_api):
    sdls = await subgraph_sdls(tmp_path)
    assert len(sdls) >= 4
    subgraphs = [SubgraphSource(name, f"http://{name}:8000/graphql", sdl) for name, sdl in sdls.items()]
    apollo = apollo_compose(subgraphs)
    assert "errors" not in apollo, apollo.get("errors")
    ours = compose(subgraphs)
    assert [e.message for e in ours.errors] == []
    assert ours.supergraph_sdl is not None
    assert api_schema_of(ours.supergraph_sdl) == normalised_api(apollo["apiSchema"])
    assert ours.supergraph_sdl == apollo["supergraphSdl"]
