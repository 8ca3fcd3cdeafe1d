"""A join v0.5 supergraph (federation v2.9 subgraphs) with progressive @override labels."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
        'import: ["@key", "@override", "@shareable"])\n')

SUBGRAPHS = {
    "old": LINK + """
type Query { users: [User!]! }
type User @key(fields: "id") { id: ID! name: String! nickname: String! motto: String! }
""",
    "new": LINK + """
type User @key(fields: "id") {
  id: ID!
  name: String! @override(from: "old", label: "percent(100)")
  nickname: String! @override(from: "old", label: "percent(0)")
  motto: String! @override(from: "old", label: "beta")
}
""",
}


def build() -> list[FixtureSubgraph]:
    def user(uid, where):
        return {"id": uid, "name": f"name from {where}", "nickname": f"nickname from {where}",
                "motto": f"motto from {where}"}

    return [
        FixtureSubgraph("old", SUBGRAPHS["old"], root={"users": lambda _i: [user("u1", "old")]},
                        entities={"User": lambda rep: user(rep["id"], "old")}),
        FixtureSubgraph("new", SUBGRAPHS["new"], entities={"User": lambda rep: user(rep["id"], "new")}),
    ]
