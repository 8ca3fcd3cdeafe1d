"""A supergraph carrying @authenticated and @requiresScopes (kept in the model for the layer that enforces them)."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

SUBGRAPHS = {
    "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", '
    'import: ["@key", "@authenticated", "@requiresScopes", "@inaccessible"])\n' + """
type Query { me: User @authenticated users: [User!]! }
type User @key(fields: "id") {
  id: ID!
  email: String @requiresScopes(scopes: [["read:email"], ["admin"]])
  internal: String @inaccessible
}
type Secret @authenticated { x: Int }
""",
}


def build() -> list[FixtureSubgraph]:
    users = [{"id": "1", "email": "ada@example.org", "internal": "x"}]
    return [FixtureSubgraph("a", SUBGRAPHS["a"], root={"me": lambda _i: users[0], "users": lambda _i: users})]
