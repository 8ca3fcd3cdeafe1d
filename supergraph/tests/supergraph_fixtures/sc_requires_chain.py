"""A chain of @requires alternating between two subgraphs: a's Post.author needs b's Post.authorId, which needs
a's Comment.authorId of b's Post.comments (four fetches, each waiting for the previous one)."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@external", "@requires"])\n')

SUBGRAPHS = {
    "a": LINK + """
type Query { feed: [Post] }
type Post @key(fields: "id") { id: ID! authorId: ID @external author: Author @requires(fields: "authorId") }
type Comment @key(fields: "id") { id: ID! authorId: ID }
type Author { id: ID! name: String }
""",
    "b": LINK + """
type Post @key(fields: "id") { id: ID! authorId: ID @requires(fields: "comments { authorId }") comments: [Comment!]! }
type Comment @key(fields: "id") { id: ID! authorId: ID @external }
""",
}

POSTS = ["p1", "p2"]
COMMENTS = {"c1": ("p1", "au2"), "c2": ("p1", "au1"), "c3": ("p2", "au1")}
AUTHORS = {"au1": "Ada", "au2": "Brian"}


def build() -> list[FixtureSubgraph]:
    def post_in_a(rep):
        out = {"id": rep["id"]}
        if rep.get("authorId"):
            aid = rep["authorId"]
            out["author"] = {"id": aid, "name": AUTHORS[aid]}
        return out

    def post_in_b(rep):
        out = {"id": rep["id"], "comments": [{"id": c} for c, v in COMMENTS.items() if v[0] == rep["id"]]}
        if "comments" in rep:
            out["authorId"] = rep["comments"][0]["authorId"]  # the first commenter is taken as the author
        return out

    return [
        FixtureSubgraph("a", SUBGRAPHS["a"], root={"feed": lambda _i: [{"id": p} for p in POSTS]},
                        entities={"Post": post_in_a,
                                  "Comment": lambda rep: {"id": rep["id"], "authorId": COMMENTS[rep["id"]][1]}}),
        FixtureSubgraph("b", SUBGRAPHS["b"], entities={"Post": post_in_b,
                                                        "Comment": lambda rep: {"id": rep["id"]}}),
    ]
