"""A union member that implements interfaces only in another subgraph: `... on Node` inside the union must be
planned per member, each in the subgraph where the member has the field."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable"])\n')

SUBGRAPHS = {
    "a": LINK + """
type Query { products: [Product!]! }
union Product = Oven | Toaster
type Oven @key(fields: "id") { id: ID! }
type Toaster implements Node @key(fields: "id") { id: ID! }
interface Node { id: ID! }
""",
    "b": LINK + """
type Query { nodes: [Node!]! toasters: [Toaster!]! node(id: ID!): Node }
interface Node { id: ID! }
interface WithWarranty { warranty: Int }
type Oven implements Node & WithWarranty @key(fields: "id") { id: ID! warranty: Int }
type Toaster implements Node & WithWarranty @key(fields: "id") { id: ID! warranty: Int }
""",
}

OVENS = {"oven1": 1, "oven2": 2}
TOASTERS = {"toaster1": 3, "toaster2": 4}


def build() -> list[FixtureSubgraph]:
    def thing(tid):
        if tid in OVENS:
            return {"__typename": "Oven", "id": tid, "warranty": OVENS[tid]}
        if tid in TOASTERS:
            return {"__typename": "Toaster", "id": tid, "warranty": TOASTERS[tid]}
        return None

    return [
        FixtureSubgraph("a", SUBGRAPHS["a"],
                        root={"products": lambda _i: [{"__typename": "Oven", "id": o} for o in OVENS]
                              + [{"__typename": "Toaster", "id": t} for t in TOASTERS]},
                        entities={"Oven": lambda rep: {"id": rep["id"]}, "Toaster": lambda rep: {"id": rep["id"]}}),
        FixtureSubgraph("b", SUBGRAPHS["b"],
                        root={"nodes": lambda _i: [thing(t) for t in TOASTERS],
                              "toasters": lambda _i: [thing(t) for t in TOASTERS],
                              "node": lambda _i, id: thing(id)},
                        entities={"Oven": lambda rep: thing(rep["id"]), "Toaster": lambda rep: thing(rep["id"])}),
    ]
