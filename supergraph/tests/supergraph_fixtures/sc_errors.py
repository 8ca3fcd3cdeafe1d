"""Failures: a subgraph that answers HTTP 500, one that is too slow, resolver errors inside entity fetches,
and null propagation to the nearest nullable parent."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

SUBGRAPHS = {
    "core": LINK + """
type Query { products: [Product] product(id: ID!): Product strict: [Product!]! broken: String }
type Product @key(fields: "id") { id: ID! name: String! }
""",
    "reviews": LINK + """
type Product @key(fields: "id") { id: ID! reviews: [Review!] }
type Review { body: String! }
""",
    "stock": LINK + """
type Product @key(fields: "id") { id: ID! stock: Int! warehouse: String }
""",
    "slow": LINK + """
type Product @key(fields: "id") { id: ID! eta: String }
""",
}

PRODUCTS = {"p1": ("Table", 3), "p2": ("Chair", None), "p3": ("Lamp", 0)}


def build() -> list[FixtureSubgraph]:
    def stock(rep):
        level = PRODUCTS[rep["id"]][1]

        def resolve_stock(_info):
            if level is None:
                raise RuntimeError("stock unknown")
            return level

        return {"id": rep["id"], "stock": resolve_stock, "warehouse": "north"}

    def broken(_info):
        raise RuntimeError("broken on purpose")

    return [
        FixtureSubgraph(
            "core", SUBGRAPHS["core"],
            root={
                "products": lambda _i: [{"id": k, "name": v[0]} for k, v in PRODUCTS.items()],
                "strict": lambda _i: [{"id": k, "name": v[0]} for k, v in PRODUCTS.items()],
                "product": lambda _i, id: {"id": id, "name": PRODUCTS[id][0]} if id in PRODUCTS else None,
                "broken": broken,
            },
            entities={"Product": lambda rep: {"id": rep["id"], "name": PRODUCTS[rep["id"]][0]}},
        ),
        FixtureSubgraph("reviews", SUBGRAPHS["reviews"], fail=True),
        FixtureSubgraph("stock", SUBGRAPHS["stock"], entities={"Product": stock}),
        FixtureSubgraph("slow", SUBGRAPHS["slow"], delay=3.0,
                        entities={"Product": lambda rep: {"id": rep["id"], "eta": "soon"}}),
    ]
