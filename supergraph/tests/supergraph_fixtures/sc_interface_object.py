"""@interfaceObject: fields added to every implementation of an interface by subgraphs that only know the
interface (resolvable and not), with @requires, and the concrete type learnt from the interface's owner."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external", "@requires", "@interfaceObject"])\n')

SUBGRAPHS = {
    "media": LINK + """
type Query { media: [Media!]! }
interface Media @key(fields: "id") { id: ID! title: String! }
type Book implements Media @key(fields: "id") { id: ID! title: String! author: String! }
type Song implements Media @key(fields: "id") { id: ID! title: String! artist: String! }
""",
    "ratings": LINK + """
type Query { topRated: [Media!]! }
type Media @key(fields: "id") @interfaceObject { id: ID! rating: Int! }
""",
    "stats": LINK + """
type Media @key(fields: "id") @interfaceObject {
  id: ID!
  title: String! @external
  titleLength: Int! @requires(fields: "title")
}
""",
    "promos": LINK + """
type Query { promoted: Media }
type Media @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }
""",
}

MEDIA = {
    "m1": {"__typename": "Book", "id": "m1", "title": "Dune", "author": "Herbert"},
    "m2": {"__typename": "Song", "id": "m2", "title": "Heroes", "artist": "Bowie"},
}
RATINGS = {"m1": 5, "m2": 4}


def build() -> list[FixtureSubgraph]:
    def stats(rep):
        if "title" not in rep:
            raise ValueError("title is required")
        return {"__typename": "Media", "id": rep["id"], "titleLength": len(rep["title"])}

    return [
        FixtureSubgraph(
            "media", SUBGRAPHS["media"],
            root={"media": lambda _i: list(MEDIA.values())},
            entities={"Media": lambda rep: MEDIA.get(rep["id"]), "Book": lambda rep: MEDIA.get(rep["id"]),
                      "Song": lambda rep: MEDIA.get(rep["id"])},
        ),
        FixtureSubgraph(
            "ratings", SUBGRAPHS["ratings"],
            root={"topRated": lambda _i: [{"__typename": "Media", "id": k, "rating": v}
                                          for k, v in sorted(RATINGS.items(), key=lambda kv: -kv[1])]},
            entities={"Media": lambda rep: {"__typename": "Media", "id": rep["id"], "rating": RATINGS[rep["id"]]}},
        ),
        FixtureSubgraph("stats", SUBGRAPHS["stats"], entities={"Media": stats}),
        FixtureSubgraph("promos", SUBGRAPHS["promos"],
                        root={"promoted": lambda _i: {"__typename": "Media", "id": "m2"}}),
    ]
