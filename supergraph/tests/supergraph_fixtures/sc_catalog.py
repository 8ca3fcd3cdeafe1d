"""A catalogue spread over six subgraphs: an interface with per-subgraph implementations, interface objects
with @requires on a nested shareable value type, a union extended by another subgraph, and keys other than id."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph


def _link(*names: str) -> str:
    imports = ", ".join(f'"@{n}"' for n in names)
    return f'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [{imports}])\n'


SUBGRAPHS = {
    "products": _link("key", "shareable", "inaccessible", "external") + """
type Query { products: [Product] similar(id: ID!): [Product] }
interface Product @key(fields: "id") {
  id: ID! sku: String dimensions: ProductDimension createdBy: User hidden: Boolean @inaccessible
}
interface Similar { similar: [Product] }
type ProductDimension @shareable { size: String weight: Float }
type Book implements Product & Similar @key(fields: "id") {
  id: ID! sku: String dimensions: ProductDimension @shareable createdBy: User similar: [Book] hidden: Boolean
  publisherType: PublisherType
}
type Magazine implements Product & Similar @key(fields: "id") {
  id: ID! sku: String dimensions: ProductDimension @shareable createdBy: User similar: [Magazine] hidden: Boolean
  publisherType: PublisherType
}
union PublisherType = Agency | Self
type Agency { id: ID! @shareable }
type Self { email: String }
type User @key(fields: "email") { email: ID! totalProductsCreated: Int @shareable }
""",
    "books": _link("key") + """
type Query { books: [Book] }
type Book @key(fields: "id") { id: ID! title: String }
""",
    "magazines": _link("key") + """
type Query { magazines: [Magazine] }
type Magazine @key(fields: "id") { id: ID! title: String }
""",
    "agency": _link("key") + """
type Agency @key(fields: "id") { id: ID! companyName: String email: Email }
type Email { address: String }
type Group @key(fields: "id") { id: ID! name: String email: String }
union PublisherType = Agency | Group
""",
    "inventory": _link("key", "shareable", "external", "requires", "interfaceObject") + """
type Product @key(fields: "id") @interfaceObject {
  id: ID!
  dimensions: ProductDimension @external
  delivery(zip: String): DeliveryEstimates @requires(fields: "dimensions { size weight }")
}
type ProductDimension @shareable { size: String weight: Float }
type DeliveryEstimates { estimatedDelivery: String fastestDelivery: String }
""",
    "reviews": _link("key", "shareable", "interfaceObject") + """
type Product @key(fields: "id") @interfaceObject { id: ID! reviewsCount: Int! reviews: [Review!]! }
type Review { id: Int! body: String! product: Product }
type Query { review(id: Int!): Review }
type User @key(fields: "email") { email: ID! totalProductsCreated: Int @shareable reviewsWritten: Int! }
""",
}

ITEMS = [
    {"__typename": "Book", "id": "p1", "sku": "sku-1", "title": "Book 1", "size": "small", "weight": 0.5,
     "createdBy": "u1@example.com", "publisher": {"__typename": "Agency", "id": "a1"}},
    {"__typename": "Book", "id": "p3", "sku": "sku-3", "title": "Book 2", "size": "large", "weight": 2.5,
     "createdBy": "u2@example.com", "publisher": {"__typename": "Self", "email": "me@example.com"}},
    {"__typename": "Magazine", "id": "p2", "sku": "sku-2", "title": "Magazine 1", "size": "small", "weight": 0.2,
     "createdBy": "u1@example.com", "publisher": {"__typename": "Agency", "id": "a2"}},
    {"__typename": "Magazine", "id": "p4", "sku": "sku-4", "title": "Magazine 2", "size": "medium", "weight": 0.3,
     "createdBy": "u2@example.com", "publisher": None},
]
AGENCIES = {"a1": "Agency One", "a2": "Agency Two"}
REVIEWS = [{"id": 1, "body": "Great", "product": "p1"}, {"id": 2, "body": "Fine", "product": "p1"},
           {"id": 3, "body": "Meh", "product": "p2"}]


def _by_id(pid):
    return next((i for i in ITEMS if i["id"] == pid), None)


def build() -> list[FixtureSubgraph]:
    def product(item):
        if item is None:
            return None
        return {
            "__typename": item["__typename"], "id": item["id"], "sku": item["sku"],
            "dimensions": {"size": item["size"], "weight": item["weight"]},
            "createdBy": user(item["createdBy"]), "hidden": False, "publisherType": item["publisher"],
            "similar": lambda _i: [product(o) for o in ITEMS
                                   if o["__typename"] == item["__typename"] and o["id"] != item["id"]],
        }

    def similar(_i, id):
        me = _by_id(id)
        return [product(o) for o in ITEMS if me and o["__typename"] == me["__typename"] and o["id"] != id]

    def user(email):
        return {"email": email, "totalProductsCreated": sum(i["createdBy"] == email for i in ITEMS)}

    def delivery(rep):
        dims = rep["dimensions"]

        def resolve(_info, zip=None):
            fast = "same day" if dims["size"] == "small" else "next week"
            return {"estimatedDelivery": "1 day" if dims["weight"] < 1 else "5 days",
                    "fastestDelivery": fast if zip else None}

        return {"__typename": "Product", "id": rep["id"], "delivery": resolve}

    def review(r):
        return {"id": r["id"], "body": r["body"], "product": lambda _i: reviewed({"id": r["product"]})}

    def reviewed(rep):
        mine = [r for r in REVIEWS if r["product"] == rep["id"]]
        return {"__typename": "Product", "id": rep["id"], "reviewsCount": len(mine),
                "reviews": lambda _i: [review(r) for r in mine]}

    return [
        FixtureSubgraph(
            "products", SUBGRAPHS["products"],
            root={"products": lambda _i: [product(i) for i in ITEMS], "similar": similar},
            entities={"Product": lambda rep: product(_by_id(rep["id"])),
                      "Book": lambda rep: product(_by_id(rep["id"])),
                      "Magazine": lambda rep: product(_by_id(rep["id"])),
                      "User": lambda rep: user(rep["email"])},
        ),
        FixtureSubgraph(
            "books", SUBGRAPHS["books"],
            root={"books": lambda _i: [{"id": i["id"], "title": i["title"]}
                                       for i in ITEMS if i["__typename"] == "Book"]},
            entities={"Book": lambda rep: {"id": rep["id"], "title": _by_id(rep["id"])["title"]}},
        ),
        FixtureSubgraph(
            "magazines", SUBGRAPHS["magazines"],
            root={"magazines": lambda _i: [{"id": i["id"], "title": i["title"]}
                                           for i in ITEMS if i["__typename"] == "Magazine"]},
            entities={"Magazine": lambda rep: {"id": rep["id"], "title": _by_id(rep["id"])["title"]}},
        ),
        FixtureSubgraph(
            "agency", SUBGRAPHS["agency"],
            entities={"Agency": lambda rep: {"id": rep["id"], "companyName": AGENCIES.get(rep["id"]),
                                             "email": {"address": f"{rep['id']}@agency.example"}},
                      "Group": lambda rep: {"id": rep["id"], "name": f"Group {rep['id']}"}},
        ),
        FixtureSubgraph("inventory", SUBGRAPHS["inventory"], entities={"Product": delivery}),
        FixtureSubgraph(
            "reviews", SUBGRAPHS["reviews"],
            root={"review": lambda _i, id: next((review(r) for r in REVIEWS if r["id"] == id), None)},
            entities={"Product": reviewed,
                      "User": lambda rep: {**user(rep["email"]), "reviewsWritten": 1}},
        ),
    ]
