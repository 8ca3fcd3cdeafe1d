"""Subgraph SDLs derived from the supergraph compose back into the same API (checked with Apollo's composition)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bench_subgraphs.sdl import derive
from graphql import build_schema, lexicographic_sort_schema, print_schema

REPO = Path(__file__).resolve().parents[3]
COMPOSE = REPO / "tools" / "federation" / "compose.mjs"


@pytest.fixture(scope="module")
def supergraph_sdl(bench_dir: Path) -> str:
    return (bench_dir / "workload" / "supergraph.graphql").read_text()


def test_each_subgraph_carries_its_federation_directives(supergraph_sdl: str):
    sdls = derive(supergraph_sdl)
    assert set(sdls) == {"accounts", "inventory", "products", "reviews"}
    assert 'type User @key(fields: "id")' in sdls["accounts"].sdl
    assert 'shippingEstimate: Int @requires(fields: "price weight")' in sdls["inventory"].sdl
    assert "price: Int @external" in sdls["inventory"].sdl and "name" not in sdls["inventory"].sdl
    assert 'author: User @provides(fields: "username")' in sdls["reviews"].sdl
    assert 'type Review @key(fields: "id")' in sdls["reviews"].sdl
    assert sdls["products"].query_fields == ("topProducts",)
    assert sdls["reviews"].entity_types == ("Product", "Review", "User")
    assert sdls["accounts"].graph.url == "http://0.0.0.0:4200/accounts"


def test_a_supergraph_without_graphs_is_refused():
    with pytest.raises(ValueError, match="join__Graph"):
        derive("type Query { a: Int }")


@pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "tools" / "federation" / "node_modules").is_dir(),
    reason="needs node and tools/federation/node_modules (npm ci --prefix tools/federation)",
)
def test_derived_subgraphs_compose_into_the_benchmark_api(supergraph_sdl: str):
    services = [{"name": name, "url": s.graph.url, "sdl": s.sdl} for name, s in derive(supergraph_sdl).items()]
    done = subprocess.run(
        ["node", str(COMPOSE)], input=json.dumps(services), capture_output=True, text=True, timeout=120,
    )
    composed = json.loads(done.stdout)
    assert "errors" not in composed, composed.get("errors")
    # The API the gateways expose must be the same as the benchmark supergraph's API.
    expected_api = """
        type Query { me: User user(id: ID!): User users: [User] topProducts(first: Int = 5): [Product] }
        type Product { upc: String! weight: Int price: Int inStock: Boolean shippingEstimate: Int
                       name: String reviews: [Review] }
        type Review { id: ID! body: String product: Product author: User }
        type User { id: ID! name: String username: String birthday: Int reviews: [Review] }
    """

    def canonical(sdl: str) -> str:
        return print_schema(lexicographic_sort_schema(build_schema(sdl)))

    assert canonical(composed["apiSchema"]) == canonical(expected_api)
    supergraph = composed["supergraphSdl"]
    assert 'requires: "price weight"' in supergraph and 'provides: "username"' in supergraph
