"""Federation 2 `extend type` with an @external key field, next to the type's owner."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

SUBGRAPHS = {
    "product": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n' + """
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String! }
""",
    "price": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external"])\n'
    + """
type Query { cheapestProduct: Product }
extend type Product @key(fields: "id") { id: ID! @external price: Float }
""",
}

PRODUCTS = {"1": ("name-1", 100.0), "2": ("name-2", 200.0)}


def build() -> list[FixtureSubgraph]:
    return [
        FixtureSubgraph("product", SUBGRAPHS["product"],
                        root={"products": lambda _i: [{"id": k, "name": v[0]} for k, v in PRODUCTS.items()]},
                        entities={"Product": lambda rep: {"id": rep["id"], "name": PRODUCTS[rep["id"]][0]}}),
        FixtureSubgraph("price", SUBGRAPHS["price"],
                        root={"cheapestProduct": lambda _i: {"id": "1", "price": PRODUCTS["1"][1]}},
                        entities={"Product": lambda rep: {"id": rep["id"], "price": PRODUCTS[rep["id"]][1]}}),
    ]
