"""`node` shared by two subgraphs that each hold some implementations' ids only as @external: the subgraph
answering each part must be the one that can, and an unanswerable selection is refused by the planner."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external"])\n')

SUBGRAPHS = {
    "people": LINK + """
type Query { node(id: ID!): Node @shareable person(id: String!): Person }
interface Node { id: ID! }
type Person implements Node @key(fields: "id") { id: ID! nick: String! }
type Room implements Node @key(fields: "id") { id: ID! @external owner: Person! }
""",
    "rooms": LINK + """
type Query { node(id: ID!): Node @shareable room(id: String!): Room }
interface Node { id: ID! }
type Person implements Node @key(fields: "id") { id: ID! @external rooms: [Room!]! }
type Room implements Node @key(fields: "id") { id: ID! topic: String! }
""",
}

PEOPLE = {"pe1": "ada"}
ROOMS = {"r1": ("books", "pe1")}


def build() -> list[FixtureSubgraph]:
    def people_node(_i, id):
        if id in PEOPLE:
            return {"__typename": "Person", "id": id, "nick": PEOPLE[id]}
        if id in ROOMS:  # this subgraph does not know room ids: what it would say is wrong
            return {"__typename": "Room", "id": "wrong", "owner": {"id": ROOMS[id][1], "nick": PEOPLE[ROOMS[id][1]]}}
        return None

    def rooms_node(_i, id):
        if id in ROOMS:
            return {"__typename": "Room", "id": id, "topic": ROOMS[id][0]}
        if id in PEOPLE:
            return {"__typename": "Person", "id": "wrong", "rooms": []}
        return None

    def person_in_rooms(pid):
        return {"id": pid, "rooms": [{"id": r, "topic": v[0]} for r, v in ROOMS.items() if v[1] == pid]}

    return [
        FixtureSubgraph(
            "people", SUBGRAPHS["people"],
            root={"node": people_node,
                  "person": lambda _i, id: {"id": id, "nick": PEOPLE[id]} if id in PEOPLE else None},
            entities={"Person": lambda rep: {"id": rep["id"], "nick": PEOPLE[rep["id"]]},
                      "Room": lambda rep: {"id": rep["id"], "owner": {"id": ROOMS[rep["id"]][1],
                                                                      "nick": PEOPLE[ROOMS[rep["id"]][1]]}}},
        ),
        FixtureSubgraph(
            "rooms", SUBGRAPHS["rooms"],
            root={"node": rooms_node,
                  "room": lambda _i, id: {"id": id, "topic": ROOMS[id][0]} if id in ROOMS else None},
            entities={"Person": lambda rep: person_in_rooms(rep["id"]),
                      "Room": lambda rep: {"id": rep["id"], "topic": ROOMS[rep["id"]][0]}},
        ),
    ]
