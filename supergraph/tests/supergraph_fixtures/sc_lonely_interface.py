"""An entity interface that its own subgraph never implements, extended by an @interfaceObject elsewhere."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@interfaceObject"])\n')

SUBGRAPHS = {
    "a": LINK + """
type Query { a: Node }
interface Node @key(fields: "id") { id: ID! }
""",
    "b": LINK + """
type Query { b: Node }
type Node @key(fields: "id") @interfaceObject { id: ID! field: String }
""",
}


def build() -> list[FixtureSubgraph]:
    return [
        FixtureSubgraph("a", SUBGRAPHS["a"], root={"a": None}),
        FixtureSubgraph("b", SUBGRAPHS["b"], root={"b": {"__typename": "Node", "id": "n1", "field": "foo"}},
                        entities={"Node": lambda rep: {"__typename": "Node", "id": rep["id"], "field": "foo"}}),
    ]
