"""The Relay `node(id:)` pattern: one subgraph resolves any id to a typed reference, others own the fields."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

SUBGRAPHS = {
    "nodes": LINK + """
type Query { node(id: ID!): Node nodes(ids: [ID!]!): [Node]! }
interface Node { id: ID! }
type User implements Node @key(fields: "id") { id: ID! }
type Post implements Node @key(fields: "id") { id: ID! }
""",
    "users": LINK + """
interface Node { id: ID! }
type User implements Node @key(fields: "id") { id: ID! name: String! }
""",
    "posts": LINK + """
interface Node { id: ID! }
type Post implements Node @key(fields: "id") { id: ID! title: String! author: User! }
type User @key(fields: "id") { id: ID! posts: [Post!]! }
""",
}

USERS = {"u1": "Ada", "u2": "Alan"}
POSTS = {"p1": ("Engines", "u1"), "p2": ("Machines", "u2"), "p3": ("Notes", "u1")}


def _ref(nid):
    if nid in USERS:
        return {"__typename": "User", "id": nid}
    if nid in POSTS:
        return {"__typename": "Post", "id": nid}
    return None


def build() -> list[FixtureSubgraph]:
    def post(pid):
        return {"id": pid, "title": POSTS[pid][0], "author": {"id": POSTS[pid][1]}}

    return [
        FixtureSubgraph("nodes", SUBGRAPHS["nodes"],
                        root={"node": lambda _i, id: _ref(id), "nodes": lambda _i, ids: [_ref(i) for i in ids]}),
        FixtureSubgraph("users", SUBGRAPHS["users"],
                        entities={"User": lambda rep: {"id": rep["id"], "name": USERS[rep["id"]]}}),
        FixtureSubgraph("posts", SUBGRAPHS["posts"], entities={
            "Post": lambda rep: post(rep["id"]),
            "User": lambda rep: {"id": rep["id"], "posts": [post(p) for p, v in POSTS.items() if v[1] == rep["id"]]},
        }),
    ]
