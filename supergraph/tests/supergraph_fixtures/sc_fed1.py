"""Federation 1 subgraphs (`extend type`, @external key fields, no @link), composed into join v0.3."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

SUBGRAPHS = {
    "accounts": """
type Query { me: User users: [User] }
type User @key(fields: "id") { id: ID! name: String! username: String }
""",
    "reviews": """
type Query { topReviews: [Review] }
type Review @key(fields: "id") { id: ID! body: String author: User @provides(fields: "username") product: Product }
extend type User @key(fields: "id") { id: ID! @external username: String @external reviews: [Review] }
extend type Product @key(fields: "upc") { upc: String! @external reviews: [Review] }
""",
    "products": """
type Query { topProducts(first: Int = 5): [Product] }
type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }
""",
    "inventory": """
extend type Product @key(fields: "upc") {
  upc: String! @external
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}
""",
}

USERS = {"1": {"id": "1", "name": "Ada Lovelace", "username": "@ada"},
         "2": {"id": "2", "name": "Alan Turing", "username": "@alan"}}
PRODUCTS = {"1": {"upc": "1", "name": "Table", "price": 899, "weight": 100},
            "2": {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000}}
REVIEWS = {"r1": {"body": "Love it!", "author": "1", "product": "1"},
           "r2": {"body": "Too heavy", "author": "2", "product": "2"},
           "r3": {"body": "Could be softer", "author": "1", "product": "2"}}


def build() -> list[FixtureSubgraph]:
    def review(rid):
        r = REVIEWS[rid]
        return {"id": rid, "body": r["body"],
                "author": {"id": r["author"], "username": USERS[r["author"]]["username"]},
                "product": {"upc": r["product"], "reviews": lambda _i: reviews_of("product", r["product"])}}

    def reviews_of(key, value):
        return [review(rid) for rid, r in REVIEWS.items() if r[key] == value]

    return [
        FixtureSubgraph("accounts", SUBGRAPHS["accounts"],
                        root={"me": lambda _i: USERS["1"], "users": lambda _i: list(USERS.values())},
                        entities={"User": lambda rep: USERS.get(rep["id"])}),
        FixtureSubgraph("reviews", SUBGRAPHS["reviews"],
                        root={"topReviews": lambda _i: [review(r) for r in REVIEWS]},
                        entities={
                            "User": lambda rep: {"id": rep["id"], "reviews": reviews_of("author", rep["id"])},
                            "Product": lambda rep: {"upc": rep["upc"], "reviews": reviews_of("product", rep["upc"])},
                            "Review": lambda rep: review(rep["id"]),
                        }),
        FixtureSubgraph("products", SUBGRAPHS["products"],
                        root={"topProducts": lambda _i, first=5: list(PRODUCTS.values())[:first]},
                        entities={"Product": lambda rep: PRODUCTS.get(rep["upc"])}),
        FixtureSubgraph("inventory", SUBGRAPHS["inventory"], entities={"Product": lambda rep: {
            "upc": rep["upc"], "inStock": rep["upc"] == "1",
            "shippingEstimate": 0 if rep["price"] > 1000 else rep["weight"] // 2,
        }}),
    ]
