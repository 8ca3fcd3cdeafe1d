"""@requires of a field with arguments, two requires of the same field with different arguments in one subgraph,
and a client asking for that field with yet other arguments."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external", "@requires"])\n')

SUBGRAPHS = {
    "prices": LINK + """
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! price(currency: String!): Float! }
""",
    "labels": LINK + """
type Product @key(fields: "id") {
  id: ID!
  price(currency: String!): Float! @external
  eurLabel: String! @requires(fields: "price(currency: \\"EUR\\")")
  usdLabel: String! @requires(fields: "price(currency: \\"USD\\")")
}
""",
}

RATES = {"EUR": 1.0, "USD": 1.25, "GBP": 0.5}
BASE = {"p1": 10.0, "p2": 4.0}


def build() -> list[FixtureSubgraph]:
    def product(pid):
        return {"id": pid, "price": lambda _i, currency: BASE[pid] * RATES[currency]}

    def labels(rep):
        out = {"id": rep["id"]}
        if "price" in rep:
            # the representation carries price under its field name; which currency it holds depends on the field
            out["eurLabel"] = f"{rep['price']:.2f} EUR"
            out["usdLabel"] = f"{rep['price']:.2f} USD"
        return out

    return [
        FixtureSubgraph("prices", SUBGRAPHS["prices"], root={"products": lambda _i: [product(p) for p in BASE]},
                        entities={"Product": lambda rep: product(rep["id"])}),
        FixtureSubgraph("labels", SUBGRAPHS["labels"], entities={"Product": labels}),
    ]
