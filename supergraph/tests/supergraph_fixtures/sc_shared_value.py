"""A @shareable root field returning a value type (no key) whose fields live in different subgraphs: each
subgraph is asked for its part of the same root field and the answers are merged."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

SUBGRAPHS = {
    "left": LINK + """
type Query { info: Info @shareable }
type Info @shareable { version: String! left: String }
""",
    "right": LINK + """
type Query { info: Info @shareable }
type Info @shareable { version: String! right: [Detail!]! }
type Detail { name: String! }
""",
}


def build() -> list[FixtureSubgraph]:
    return [
        FixtureSubgraph("left", SUBGRAPHS["left"], root={"info": {"version": "1", "left": "from left"}}),
        FixtureSubgraph("right", SUBGRAPHS["right"],
                        root={"info": {"version": "1", "right": [{"name": "r1"}, {"name": "r2"}]}}),
    ]
