"""Mutations across subgraphs that must run in the order written (they share one counter), with entity fields
on their results."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'

SUBGRAPHS = {
    "adder": LINK + """
type Query { counter: Int! @shareable }
type Mutation { add(n: Int!): Int! addNote(text: String!): Note! }
type Note @key(fields: "id") { id: ID! text: String! }
""",
    "multiplier": LINK + """
type Query { counter: Int! @shareable }
type Mutation { multiply(by: Int!): Int! }
type Note @key(fields: "id") { id: ID! counterAtCreation: Int! length: Int! }
""",
}


def build() -> list[FixtureSubgraph]:
    state = {"counter": 0}
    notes: dict[str, dict] = {}

    def add(_i, n):
        state["counter"] += n
        return state["counter"]

    def multiply(_i, by):
        state["counter"] *= by
        return state["counter"]

    def add_note(_i, text):
        nid = f"n{len(notes) + 1}"
        notes[nid] = {"id": nid, "text": text, "counterAtCreation": state["counter"]}
        return notes[nid]

    def reset(_i):
        return state["counter"]

    adder = FixtureSubgraph(
        "adder", SUBGRAPHS["adder"], root={"counter": reset},
        mutation={"add": add, "addNote": add_note},
        entities={"Note": lambda rep: notes.get(rep["id"])},
        delay=0.05,  # slower than the multiplier: running out of order would show
    )
    multiplier = FixtureSubgraph(
        "multiplier", SUBGRAPHS["multiplier"], root={"counter": reset}, mutation={"multiply": multiply},
        entities={"Note": lambda rep: {**notes[rep["id"]], "length": len(notes[rep["id"]]["text"])}},
    )
    multiplier.state = state  # type: ignore[attr-defined]
    return [adder, multiplier]
