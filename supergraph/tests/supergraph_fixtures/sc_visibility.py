"""@inaccessible (fields, types, enum values, a key the client cannot see), enum values and input fields that exist
in only some subgraphs, @override (plain, with @requires, on an interface implementation, from a subgraph that
no longer exists)."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external", "@requires", "@inaccessible", "@override"])\n')

SUBGRAPHS = {
    "accounts": LINK + """
type Query { users: [User!]! usersByType(type: UserType!): [User!]! }
type User @key(fields: "id") @key(fields: "sku") {
  id: ID!
  sku: ID! @inaccessible
  kind: UserKind @shareable
  secret: String @inaccessible
  role: UserType
  score: Int!
  legacyScore: Int!
}
enum UserKind { REGULAR ANONYMOUS }
enum UserType { REGULAR ADMIN @inaccessible }
type Hidden @inaccessible { id: ID! }
""",
    "billing": LINK + """
type Query { findUsers(filter: UserFilter!): [User!]! }
type User @key(fields: "sku") {
  sku: ID! @inaccessible
  plan: String!
  score: Int! @override(from: "accounts")
  name: String! @override(from: "ghost")
}
input UserFilter { plan: String prefix: String }
""",
    "support": LINK + """
type User @key(fields: "id") { id: ID! kind: UserKind @shareable tickets: Int! }
enum UserKind { REGULAR }
input UserFilter { plan: String }
""",
    "posts": LINK + """
type Query { contents: [Content!]! }
interface Content { id: ID! rank: Int! }
type Article implements Content @key(fields: "id") { id: ID! rank: Int! words: Int! }
""",
    "ranking": LINK + """
type Article @key(fields: "id") {
  id: ID!
  words: Int! @external
  rank: Int! @override(from: "posts") @requires(fields: "words")
}
""",
}

USERS = [
    {"id": "u1", "sku": "s-1", "kind": "REGULAR", "plan": "pro", "score": 7, "tickets": 2},
    {"id": "u2", "sku": "s-2", "kind": "ANONYMOUS", "plan": "free", "score": 3, "tickets": 0},
]
NAMES = {"s-1": "Ada", "s-2": "Alan"}
ARTICLES = {"a1": 100, "a2": 2500}


def build() -> list[FixtureSubgraph]:
    def acct(u):
        # legacyScore deliberately differs from score: reading it from here would show that @override was ignored
        return {"id": u["id"], "sku": u["sku"], "kind": u["kind"], "secret": "s3cret", "score": -1,
                "role": "REGULAR" if u["id"] == "u1" else "ADMIN",
                "legacyScore": u["score"] * 10}

    def bill(u):
        return {"sku": u["sku"], "plan": u["plan"], "score": u["score"], "name": NAMES[u["sku"]]}

    def find_users(_info, filter):
        return [bill(u) for u in USERS
                if (filter.get("plan") in (None, u["plan"])) and NAMES[u["sku"]].startswith(filter.get("prefix") or "")]

    by_key = {u["id"]: u for u in USERS} | {u["sku"]: u for u in USERS}

    return [
        FixtureSubgraph(
            "accounts", SUBGRAPHS["accounts"],
            root={
                "users": lambda _i: [acct(u) for u in USERS],
                "usersByType": lambda _i, type: [acct(u) for u in USERS if type == "REGULAR"],
            },
            entities={"User": lambda rep: acct(by_key[rep.get("id") or rep.get("sku")])},
        ),
        FixtureSubgraph("billing", SUBGRAPHS["billing"], root={"findUsers": find_users},
                        entities={"User": lambda rep: bill(by_key[rep["sku"]])}),
        FixtureSubgraph(
            "support", SUBGRAPHS["support"],
            entities={"User": lambda rep: {"id": rep["id"], "kind": by_key[rep["id"]]["kind"],
                                           "tickets": by_key[rep["id"]]["tickets"]}},
        ),
        FixtureSubgraph(
            "posts", SUBGRAPHS["posts"],
            root={"contents": lambda _i: [{"__typename": "Article", "id": k, "rank": 0, "words": w}
                                          for k, w in ARTICLES.items()]},
            entities={"Article": lambda rep: {"id": rep["id"], "rank": 0, "words": ARTICLES[rep["id"]]}},
        ),
        FixtureSubgraph(
            "ranking", SUBGRAPHS["ranking"],
            entities={"Article": lambda rep: {"id": rep["id"], "rank": rep["words"] // 100}},
        ),
    ]
