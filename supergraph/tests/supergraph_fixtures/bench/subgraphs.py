"""The benchmark's four subgraphs (accounts, inventory, products, reviews) as fixture subgraphs.

Their static data is read off the benchmark's expected response, so the gateway has to assemble that response
from four separate subgraphs: users from accounts, products from products, stock from inventory (@requires),
reviews from reviews (@provides username).
"""

from __future__ import annotations

import json
from typing import Any

from supergraph.testing import FixtureSubgraph
from supergraph_fixtures.bench import WORKLOAD

ACCOUNTS = """
type Query { me: User users: [User] user(id: ID!): User }
type User @key(fields: "id") { id: ID! name: String username: String birthday: Int }
"""
INVENTORY = """
type Product @key(fields: "upc") {
  upc: String! weight: Int @external price: Int @external inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}
"""
PRODUCTS = """
type Query { topProducts(first: Int = 5): [Product] }
type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }
"""
REVIEWS = """
type Review @key(fields: "id") { id: ID! body: String product: Product author: User @provides(fields: "username") }
type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
type Product @key(fields: "upc") { upc: String! reviews: [Review] }
"""


def read_data() -> dict[str, Any]:
    expected = json.loads((WORKLOAD / "expected-response.json").read_text())
    users: dict[str, dict[str, Any]] = {}
    products: dict[str, dict[str, Any]] = {}
    reviews: dict[str, dict[str, Any]] = {}
    user_reviews: dict[str, list[str]] = {}
    product_reviews: dict[str, list[str]] = {}

    def walk_user(u: dict[str, Any]) -> None:
        users.setdefault(u["id"], {}).update({k: u[k] for k in ("id", "username", "name") if k in u})
        if "reviews" in u:
            user_reviews[u["id"]] = [r["id"] for r in u["reviews"]]
            for r in u["reviews"]:
                walk_review(r, author=u["id"])

    def walk_product(p: dict[str, Any]) -> None:
        products.setdefault(p["upc"], {}).update(
            {k: p[k] for k in ("upc", "name", "price", "weight", "inStock", "shippingEstimate") if k in p}
        )
        if "reviews" in p:
            product_reviews[p["upc"]] = [r["id"] for r in p["reviews"]]
            for r in p["reviews"]:
                walk_review(r, product=p["upc"])

    def walk_review(r: dict[str, Any], author: str | None = None, product: str | None = None) -> None:
        rev = reviews.setdefault(r["id"], {"id": r["id"]})
        rev["body"] = r["body"]
        if author:
            rev["author"] = author
        if product:
            rev["product"] = product
        if "author" in r:
            rev["author"] = r["author"]["id"]
            walk_user(r["author"])
        if "product" in r:
            rev["product"] = r["product"]["upc"]
            walk_product(r["product"])

    for u in expected["data"]["users"]:
        walk_user(u)
    for p in expected["data"]["topProducts"]:
        walk_product(p)
    return {
        "users": users, "products": products, "reviews": reviews,
        "user_reviews": user_reviews, "product_reviews": product_reviews,
        "user_order": [u["id"] for u in expected["data"]["users"]],
        "top_order": [p["upc"] for p in expected["data"]["topProducts"]],
    }


def build() -> list[FixtureSubgraph]:
    d = read_data()
    users, products, reviews = d["users"], d["products"], d["reviews"]

    def review_obj(rid: str) -> dict[str, Any]:
        r = reviews[rid]
        return {"id": rid, "body": r["body"], "product": product_obj(r["product"]), "author": user_obj(r["author"])}

    def user_obj(uid: str) -> dict[str, Any]:
        # nested fields resolve lazily (graphql-core calls them), as a real subgraph's resolvers would
        return {
            "id": uid, "username": users[uid]["username"],
            "reviews": lambda _i: [review_obj(r) for r in d["user_reviews"].get(uid, [])],
        }

    def product_obj(upc: str) -> dict[str, Any]:
        return {"upc": upc, "reviews": lambda _i: [review_obj(r) for r in d["product_reviews"].get(upc, [])]}

    def inventory_product(rep: dict[str, Any]) -> dict[str, Any] | None:
        p = products.get(rep["upc"])
        if p is None or "price" not in rep or "weight" not in rep:
            return None  # @requires fields missing from the representation: refuse to resolve
        return {"upc": p["upc"], "inStock": p["inStock"], "shippingEstimate": p["shippingEstimate"]}

    accounts = FixtureSubgraph(
        "accounts", ACCOUNTS,
        root={
            "users": lambda _i: [users[i] for i in d["user_order"]],
            "user": lambda _i, id: users.get(id),
            "me": lambda _i: users[d["user_order"][0]],
        },
        entities={"User": lambda rep: users.get(rep["id"])},
    )
    inventory = FixtureSubgraph("inventory", INVENTORY, entities={"Product": inventory_product})
    products_sg = FixtureSubgraph(
        "products", PRODUCTS,
        root={"topProducts": lambda _i, first=5: [
            {k: products[u][k] for k in ("upc", "name", "price", "weight")} for u in d["top_order"][:first]
        ]},
        entities={"Product": lambda rep: {k: products[rep["upc"]][k] for k in ("upc", "name", "price", "weight")}},
    )
    reviews_sg = FixtureSubgraph(
        "reviews", REVIEWS,
        entities={
            "User": lambda rep: user_obj(rep["id"]) if rep["id"] in users else None,
            "Product": lambda rep: product_obj(rep["upc"]),
            "Review": lambda rep: review_obj(rep["id"]) if rep["id"] in reviews else None,
        },
    )
    return [accounts, inventory, products_sg, reviews_sg]
