"""Sibling type conditions whose same-named fields have different types in one subgraph (User.id is ID! there,
Admin.id is ID): the subgraph query must alias one of them, the client still sees its own keys."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

SUBGRAPHS = {
    "a": LINK + """
type Query { users: [User!]! accounts: [Account!]! }
union Account = User | Admin
type User @key(fields: "id") { id: ID! name: String @shareable similarAccounts: [Account!]! }
type Admin { id: ID name: String similarAccounts: [Account!]! }
""",
    "b": LINK + """
type User @key(fields: "id") { id: ID name: String @shareable email: String }
""",
}


def build() -> list[FixtureSubgraph]:
    def user():
        return {"__typename": "User", "id": "u1", "name": "u1-name", "similarAccounts": lambda _i: accounts()}

    def admin():
        return {"__typename": "Admin", "id": "a1", "name": "a1-name", "similarAccounts": lambda _i: accounts()}

    def accounts():
        return [user(), admin()]

    return [
        FixtureSubgraph("a", SUBGRAPHS["a"], root={"users": lambda _i: [user()], "accounts": lambda _i: accounts()},
                        entities={"User": lambda rep: user()}),
        FixtureSubgraph("b", SUBGRAPHS["b"],
                        entities={"User": lambda rep: {"id": rep["id"], "name": "u1-name", "email": "u1@example.org"}}),
    ]
