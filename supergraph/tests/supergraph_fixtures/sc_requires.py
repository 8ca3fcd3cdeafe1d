"""@requires: across subgraphs, with arguments, with fragments on an interface, chains of requires, and a
circular dependency between two subgraphs (a relay back to the first one)."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external", "@requires"])\n')

SUBGRAPHS = {
    "catalog": LINK + """
type Query { products: [Product!]! feed: [Post!]! }
type Product @key(fields: "id") { id: ID! price: Int! weight: Int! media: Media }
interface Media { title: String! }
type Book implements Media { title: String! pages: Int! }
type Movie implements Media { title: String! minutes: Int! }
type Post @key(fields: "id") { id: ID! }
type User @key(fields: "id") { id: ID! yearsOfExperience: Int! }
""",
    "shipping": LINK + """
type Product @key(fields: "id") {
  id: ID!
  price: Int! @external
  weight: Int! @external
  shippingEstimate(zip: String!): Int! @requires(fields: "price weight")
  isHeavy: Boolean! @requires(fields: "weight")
}
""",
    "pricing": LINK + """
type Product @key(fields: "id") {
  id: ID!
  price: Int! @external
  isExpensive: Boolean! @requires(fields: "price")
}
""",
    "deals": LINK + """
type Product @key(fields: "id") {
  id: ID!
  isExpensive: Boolean! @external
  hasDiscount: Boolean! @requires(fields: "isExpensive")
}
""",
    "labels": LINK + """
type Product @key(fields: "id") {
  id: ID!
  media: Media @external
  label: String! @requires(fields: "media { title ... on Book { pages } ... on Movie { minutes } }")
}
interface Media { title: String! }
type Book implements Media { title: String! @external pages: Int! @external }
type Movie implements Media { title: String! @external minutes: Int! @external }
""",
    "posts": LINK + """
type Post @key(fields: "id") {
  id: ID!
  author: User!
  byNovice: Boolean! @requires(fields: "author { yearsOfExperience }")
}
type User @key(fields: "id") { id: ID! yearsOfExperience: Int! @external }
""",
}

PRODUCTS = {
    "p1": {"price": 900, "weight": 12, "media": {"__typename": "Book", "title": "Dune", "pages": 412}},
    "p2": {"price": 15, "weight": 1, "media": {"__typename": "Movie", "title": "Alien", "minutes": 117}},
    "p3": {"price": 120, "weight": 4, "media": None},
}
POSTS = {"post1": "u1", "post2": "u2"}
YEARS = {"u1": 1, "u2": 9}


def build() -> list[FixtureSubgraph]:
    def product(pid):
        p = PRODUCTS[pid]
        return {"id": pid, "price": p["price"], "weight": p["weight"], "media": p["media"]}

    def need(rep, *fields):
        missing = [f for f in fields if f not in rep]
        if missing:
            raise ValueError(f"representation lacks required fields {missing}")

    def shipping(rep):
        need(rep, "weight")
        return {
            "id": rep["id"],
            "shippingEstimate": lambda _i, zip: (rep["price"] // 100 + rep["weight"])
            * (2 if zip.startswith("9") else 1),
            "isHeavy": rep["weight"] > 10,
        }

    def pricing(rep):
        need(rep, "price")
        return {"id": rep["id"], "isExpensive": rep["price"] > 100}

    def deals(rep):
        need(rep, "isExpensive")
        return {"id": rep["id"], "hasDiscount": not rep["isExpensive"]}

    def labels(rep):
        need(rep, "media")
        m = rep["media"]
        if m is None:
            return {"id": rep["id"], "label": "no media"}
        extent = f"{m['pages']} pages" if m["__typename"] == "Book" else f"{m['minutes']} min"
        return {"id": rep["id"], "label": f"{m['title']} ({extent})"}

    def post(rep):
        author = POSTS[rep["id"]]
        out = {"id": rep["id"], "author": {"id": author}}
        if "author" in rep:
            out["byNovice"] = rep["author"]["yearsOfExperience"] < 3
        return out

    return [
        FixtureSubgraph(
            "catalog", SUBGRAPHS["catalog"],
            root={"products": lambda _i: [product(p) for p in PRODUCTS], "feed": lambda _i: [{"id": p} for p in POSTS]},
            entities={
                "Product": lambda rep: product(rep["id"]),
                "Post": lambda rep: {"id": rep["id"]},
                "User": lambda rep: {"id": rep["id"], "yearsOfExperience": YEARS[rep["id"]]},
            },
        ),
        FixtureSubgraph("shipping", SUBGRAPHS["shipping"], entities={"Product": shipping}),
        FixtureSubgraph("pricing", SUBGRAPHS["pricing"], entities={"Product": pricing}),
        FixtureSubgraph("deals", SUBGRAPHS["deals"], entities={"Product": deals}),
        FixtureSubgraph("labels", SUBGRAPHS["labels"], entities={"Product": labels}),
        FixtureSubgraph("posts", SUBGRAPHS["posts"], entities={"Post": post}),
    ]
