"""Entities with single, multiple, compound, nested and non-resolvable keys; null keys reached through a chain
of keys; a value type that only a parent's entity fetch can complete."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

SUBGRAPHS = {
    "users": LINK + """
type Query { users: [User!]! user(id: ID!): User }
type User @key(fields: "id") @key(fields: "email") { id: ID! email: String! name: String! }
""",
    "plans": LINK + """
type User @key(fields: "email") { email: String! plan: String! }
""",
    "accounts": LINK + """
type Query { accounts: [Account!]! }
type Account @key(fields: "number region") { number: ID! region: String! holder: User }
type User @key(fields: "id", resolvable: false) { id: ID! }
""",
    "ledger": LINK + """
type Account @key(fields: "number region") { number: ID! region: String! balance: Int! }
""",
    "shipping": LINK + """
type Query { shipments: [Shipment!]! }
type Shipment @key(fields: "id carrier { code }") { id: ID! carrier: Carrier! weight: Int! }
type Carrier @shareable { code: String! }
""",
    "tracking": LINK + """
type Shipment @key(fields: "id carrier { code }") { id: ID! carrier: Carrier! status: String! }
type Carrier @shareable { code: String! }
""",
    "books": LINK + """
type Query { shelf: [Shelf!]! }
type Shelf { book: Book }
type Book @key(fields: "upc") { upc: ID! }
""",
    "catalog": LINK + """
type Book @key(fields: "id") @key(fields: "upc") { id: ID! upc: ID! }
""",
    "authors": LINK + """
type Book @key(fields: "id") { id: ID! author: Author }
type Author { id: ID! name: String }
""",
    "products": LINK + """
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! category: Category @shareable }
type Category @key(fields: "id") { id: ID! name: String! @shareable }
""",
    "details": LINK + """
type Product @key(fields: "id") { id: ID! category: Category @shareable }
type Category { details: CategoryDetails }
type CategoryDetails { productCount: Int }
""",
}

USERS = {
    "u1": {"id": "u1", "email": "ada@example.org", "name": "Ada"},
    "u2": {"id": "u2", "email": "alan@example.org", "name": "Alan"},
}
PLANS = {"ada@example.org": "pro", "alan@example.org": "free"}
ACCOUNTS = [
    {"number": "1", "region": "eu", "holder": "u1", "balance": 10},
    {"number": "1", "region": "us", "holder": "u2", "balance": 20},
    {"number": "2", "region": "eu", "holder": None, "balance": 30},
]
SHIPMENTS = [
    {"id": "s1", "carrier": "dhl", "weight": 3, "status": "delivered"},
    {"id": "s1", "carrier": "ups", "weight": 5, "status": "in transit"},
]
BOOKS = [
    {"upc": "b1", "id": "1", "author": {"id": "a1", "name": "Alice"}},
    {"upc": "b2", "id": "2", "author": {"id": "a2", "name": "Bob"}},
    {"upc": "b3", "id": "3", "author": {"id": "a3", "name": "Carol"}},
]
CATEGORIES = {"c1": {"name": "Books", "count": 2}, "c2": {"name": "Music", "count": 1}}
PRODUCTS = {"p1": "c1", "p2": "c2", "p3": "c1"}


def build() -> list[FixtureSubgraph]:
    def account(rep):
        for a in ACCOUNTS:
            if a["number"] == rep["number"] and a["region"] == rep["region"]:
                return a
        return None

    def user_by_key(rep):
        if "id" in rep:
            return USERS.get(rep["id"])
        return next((u for u in USERS.values() if u["email"] == rep.get("email")), None)

    def shipment(rep):
        for s in SHIPMENTS:
            if s["id"] == rep["id"] and s["carrier"] == rep["carrier"]["code"]:
                return {**s, "carrier": {"code": s["carrier"]}}
        return None

    def catalog_book(rep):
        book = next((b for b in BOOKS if b["upc"] == rep.get("upc") or b["id"] == rep.get("id")), None)
        if book is None or book["id"] == "3":
            return None  # the catalog does not know b3: its id, needed by `authors`, stays unknown
        return {"id": book["id"], "upc": book["upc"]}

    def category(cid):
        return {"id": cid, "name": CATEGORIES[cid]["name"]}

    return [
        FixtureSubgraph(
            "users", SUBGRAPHS["users"],
            root={"users": lambda _i: list(USERS.values()), "user": lambda _i, id: USERS.get(id)},
            entities={"User": user_by_key},
        ),
        FixtureSubgraph(
            "plans", SUBGRAPHS["plans"],
            entities={"User": lambda rep: {"email": rep["email"], "plan": PLANS[rep["email"]]}},
        ),
        FixtureSubgraph(
            "accounts", SUBGRAPHS["accounts"],
            root={"accounts": lambda _i: [
                {"number": a["number"], "region": a["region"], "holder": {"id": a["holder"]} if a["holder"] else None}
                for a in ACCOUNTS
            ]},
        ),
        FixtureSubgraph("ledger", SUBGRAPHS["ledger"], entities={"Account": account}),
        FixtureSubgraph(
            "shipping", SUBGRAPHS["shipping"],
            root={"shipments": lambda _i: [{**s, "carrier": {"code": s["carrier"]}} for s in SHIPMENTS]},
            entities={"Shipment": shipment},
        ),
        FixtureSubgraph("tracking", SUBGRAPHS["tracking"], entities={"Shipment": shipment}),
        FixtureSubgraph(
            "books", SUBGRAPHS["books"], root={"shelf": lambda _i: [{"book": {"upc": b["upc"]}} for b in BOOKS]}
        ),
        FixtureSubgraph("catalog", SUBGRAPHS["catalog"], entities={"Book": catalog_book}),
        FixtureSubgraph(
            "authors", SUBGRAPHS["authors"],
            entities={"Book": lambda rep: next(({"id": b["id"], "author": b["author"]}
                                                for b in BOOKS if b["id"] == rep["id"]), None)},
        ),
        FixtureSubgraph(
            "products", SUBGRAPHS["products"],
            root={"products": lambda _i: [{"id": p, "category": category(c)} for p, c in PRODUCTS.items()]},
            entities={"Product": lambda rep: {"id": rep["id"], "category": category(PRODUCTS[rep["id"]])},
                      "Category": lambda rep: category(rep["id"])},
        ),
        FixtureSubgraph(
            "details", SUBGRAPHS["details"],
            entities={"Product": lambda rep: {
                "id": rep["id"],
                "category": {"details": {"productCount": CATEGORIES[PRODUCTS[rep["id"]]]["count"]}},
            }},
        ),
    ]
