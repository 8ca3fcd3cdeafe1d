"""@provides: nested, on an interface-typed field, on a union-typed field; and @shareable root fields."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external", "@provides"])\n')

SUBGRAPHS = {
    "people": LINK + """
type Query { people: [Person!]! @shareable }
type Person @key(fields: "id") { id: ID! name: String! @shareable address: Address! @shareable }
type Address @key(fields: "id") { id: ID! city: String! @shareable country: String! }
""",
    "reviews": LINK + """
type Query {
  reviews: [Review!]!
  featured: Media @provides(fields: "... on Book { title }")
  results: [SearchResult!]! @provides(fields: "... on Book { title } ... on Film { title }")
}
type Review @key(fields: "id") {
  id: ID!
  body: String!
  author: Person! @provides(fields: "name address { city }")
}
type Person @key(fields: "id") { id: ID! name: String! @external address: Address! @external }
type Address @key(fields: "id") { id: ID! city: String! @external }
interface Media { id: ID! title: String! }
type Book implements Media @key(fields: "id") { id: ID! title: String! @external }
type Film implements Media @key(fields: "id") { id: ID! title: String! @external }
union SearchResult = Book | Film
""",
    "media": LINK + """
type Query { people: [Person!]! @shareable }
interface Media { id: ID! title: String! }
type Book implements Media @key(fields: "id") { id: ID! title: String! @shareable year: Int! }
type Film implements Media @key(fields: "id") { id: ID! title: String! @shareable year: Int! }
type Person @key(fields: "id") { id: ID! }
""",
}

PEOPLE = {
    "1": {"name": "Ada", "address": {"id": "a1", "city": "London", "country": "UK"}},
    "2": {"name": "Grace", "address": {"id": "a2", "city": "New York", "country": "US"}},
}
MEDIA = {
    "b1": {"__typename": "Book", "id": "b1", "title": "Dune", "year": 1965},
    "f1": {"__typename": "Film", "id": "f1", "title": "Alien", "year": 1979},
}


def build() -> list[FixtureSubgraph]:
    people = FixtureSubgraph(
        "people", SUBGRAPHS["people"],
        root={"people": lambda _i: [{"id": k, **v} for k, v in PEOPLE.items()]},
        entities={
            "Person": lambda rep: {"id": rep["id"], **PEOPLE[rep["id"]]},
            "Address": lambda rep: next(p["address"] for p in PEOPLE.values() if p["address"]["id"] == rep["id"]),
        },
    )
    provided_author = {
        "id": "1", "name": "Ada (as provided)",
        "address": {"id": "a1", "city": "London (as provided)"},
    }
    reviews = FixtureSubgraph(
        "reviews", SUBGRAPHS["reviews"],
        root={
            "reviews": lambda _i: [{"id": "r1", "body": "Great", "author": provided_author}],
            # title is provided here, so the gateway must not ask `media` for it
            "featured": lambda _i: {**MEDIA["b1"], "title": "Dune (as provided)"},
            "results": lambda _i: [{**m, "title": m["title"] + " (as provided)"} for m in MEDIA.values()],
        },
        entities={"Review": lambda rep: None},
    )
    media = FixtureSubgraph(
        "media", SUBGRAPHS["media"],
        root={"people": lambda _i: [{"id": k} for k in PEOPLE]},
        entities={"Book": lambda rep: MEDIA.get(rep["id"]), "Film": lambda rep: MEDIA.get(rep["id"]),
                  "Person": lambda rep: {"id": rep["id"]}},
    )
    return [people, reviews, media]
