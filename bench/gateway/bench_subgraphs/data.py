"""The benchmark's static data, read off its expected response.

The public benchmark's subgraphs hold fixed data; every value the query can reach is visible in the
expected response, so reading it from there keeps our subgraphs and that file in step by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Catalog:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {username, name}
    user_reviews: dict[str, list[str]] = field(default_factory=dict)  # user id -> review ids
    products: dict[str, dict[str, Any]] = field(default_factory=dict)  # upc -> {name, price, weight, inStock}
    product_reviews: dict[str, list[str]] = field(default_factory=dict)  # upc -> review ids
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {body, product, author}
    top_products: list[str] = field(default_factory=list)  # upcs, in topProducts order


class InconsistentData(ValueError):
    """The response shows one entity with two different values for a field."""


def _put(record: dict[str, Any], key: str, value: Any, what: str) -> None:
    if key in record and record[key] != value:
        raise InconsistentData(f"{what}.{key} is both {record[key]!r} and {value!r}")
    record[key] = value


class _Reader:
    def __init__(self) -> None:
        self.catalog = Catalog()

    def user(self, node: dict[str, Any] | None) -> None:
        if node is None:
            return
        record = self.catalog.users.setdefault(node["id"], {})
        for key in ("username", "name"):
            if key in node:
                _put(record, key, node[key], f"User {node['id']}")
        if node.get("reviews") is not None:
            ids = [r["id"] for r in node["reviews"]]
            _put(self.catalog.user_reviews, node["id"], ids, "User.reviews")
            for review in node["reviews"]:
                self.review(review)

    def product(self, node: dict[str, Any] | None) -> None:
        if node is None:
            return
        record = self.catalog.products.setdefault(node["upc"], {})
        for key in ("name", "price", "weight", "inStock"):
            if key in node:
                _put(record, key, node[key], f"Product {node['upc']}")
        if node.get("reviews") is not None:
            ids = [r["id"] for r in node["reviews"]]
            _put(self.catalog.product_reviews, node["upc"], ids, "Product.reviews")
            for review in node["reviews"]:
                _put(self.catalog.reviews.setdefault(review["id"], {}), "product", node["upc"], "Review")
                self.review(review)

    def review(self, node: dict[str, Any] | None) -> None:
        if node is None:
            return
        record = self.catalog.reviews.setdefault(node["id"], {})
        if "body" in node:
            _put(record, "body", node["body"], f"Review {node['id']}")
        if node.get("product") is not None:
            _put(record, "product", node["product"]["upc"], f"Review {node['id']}")
            self.product(node["product"])
        if node.get("author") is not None:
            _put(record, "author", node["author"]["id"], f"Review {node['id']}")
            self.user(node["author"])


def read_catalog(expected_response: dict[str, Any]) -> Catalog:
    data = expected_response["data"]
    reader = _Reader()
    for user in data.get("users") or ():
        reader.user(user)
    for product in data.get("topProducts") or ():
        reader.product(product)
    reader.catalog.top_products = [p["upc"] for p in data.get("topProducts") or ()]
    return reader.catalog
