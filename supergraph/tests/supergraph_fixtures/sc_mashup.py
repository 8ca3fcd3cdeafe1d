"""Harder shapes: several keys converted through a chain of subgraphs, an interface that refers to itself across
subgraphs, a union whose members are completed elsewhere, and a root field shared by three subgraphs."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph


def _link(*names: str) -> str:
    imports = ", ".join(f'"@{n}"' for n in names)
    return f'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [{imports}])\n'


SUBGRAPHS = {
    "a": _link("key", "shareable", "external") + """
type Query { b: B shared: Shared @shareable items: [Item!]! }
type B @key(fields: "id") { id: ID! a: [A!]! }
type A @key(fields: "id") { id: ID! name: String! }
type Shared @key(fields: "id") { id: ID! fromA: String }
interface Node { id: ID! next: Node }
type Item implements Node @key(fields: "id") { id: ID! next: Node @shareable label: String }
union Thing = Item | Gadget
type Gadget @key(fields: "id") { id: ID! }
""",
    "b": _link("key", "shareable", "external") + """
type Query { shared: Shared @shareable things: [Thing!]! }
type B @key(fields: "id") @key(fields: "aid bid") { id: ID! aid: ID! bid: ID! nameInB: String }
type A @key(fields: "id") @key(fields: "pId compositeId { one two }") {
  id: ID! pId: ID! compositeId: CompositeID! nameInB: String
}
type CompositeID @shareable { one: ID! two: ID! }
type Shared @key(fields: "id") { id: ID! fromB: String }
union Thing = Item | Gadget
type Item @key(fields: "id") { id: ID! }
type Gadget @key(fields: "id") { id: ID! power: Int! }
""",
    "c": _link("key", "shareable") + """
type Query { shared: Shared @shareable }
type A @key(fields: "pId compositeId { one two }") { pId: ID! compositeId: CompositeID! nameInC: String }
type CompositeID @shareable { one: ID! two: ID! }
type B @key(fields: "aid bid") { aid: ID! bid: ID! nameInC: String }
type Shared @key(fields: "id") { id: ID! fromC: String }
interface Node { id: ID! next: Node }
type Item implements Node @key(fields: "id") { id: ID! next: Node @shareable weight: Int }
""",
}

A_ROWS = {"a1": ("p1", "x", "y"), "a2": ("p2", "x", "z")}
ITEMS = {"i1": ("first", 1, "i2"), "i2": ("second", 2, "i3"), "i3": ("third", 3, None)}


def build() -> list[FixtureSubgraph]:
    def item_a(iid):
        if iid is None:
            return None
        return {"__typename": "Item", "id": iid, "label": ITEMS[iid][0], "next": lambda _i: item_a(ITEMS[iid][2])}

    def item_c(iid):
        if iid is None:
            return None
        return {"__typename": "Item", "id": iid, "weight": ITEMS[iid][1], "next": lambda _i: item_c(ITEMS[iid][2])}

    def a_in_b(aid):
        p, one, two = A_ROWS[aid]
        return {"id": aid, "pId": p, "compositeId": {"one": one, "two": two}, "nameInB": f"{aid} in b"}

    def a_in_c(rep):
        aid = next((k for k, v in A_ROWS.items()
                    if v[0] == rep["pId"] and (v[1], v[2]) == (rep["compositeId"]["one"], rep["compositeId"]["two"])),
                   None)
        return {"pId": rep["pId"], "compositeId": rep["compositeId"], "nameInC": f"{aid} in c"} if aid else None

    return [
        FixtureSubgraph(
            "a", SUBGRAPHS["a"],
            root={"b": lambda _i: {"id": "b1", "a": [{"id": k, "name": k.upper()} for k in A_ROWS]},
                  "shared": lambda _i: {"id": "s1", "fromA": "from a"},
                  "items": lambda _i: [item_a("i1"), item_a("i3")]},
            entities={"B": lambda rep: {"id": rep["id"], "a": [{"id": k, "name": k.upper()} for k in A_ROWS]},
                      "A": lambda rep: {"id": rep["id"], "name": rep["id"].upper()},
                      "Shared": lambda rep: {"id": rep["id"], "fromA": "from a"},
                      "Item": lambda rep: item_a(rep["id"]),
                      "Gadget": lambda rep: {"id": rep["id"]}},
        ),
        FixtureSubgraph(
            "b", SUBGRAPHS["b"],
            root={"shared": lambda _i: {"id": "s1", "fromB": "from b"},
                  "things": lambda _i: [{"__typename": "Gadget", "id": "g1", "power": 9},
                                        {"__typename": "Item", "id": "i2"}]},
            entities={"B": lambda rep: {"id": "b1", "aid": "a1", "bid": "b1", "nameInB": "b1 in b"},
                      "A": lambda rep: a_in_b(rep["id"]) if "id" in rep else None,
                      "Shared": lambda rep: {"id": rep["id"], "fromB": "from b"},
                      "Item": lambda rep: {"id": rep["id"]},
                      "Gadget": lambda rep: {"id": rep["id"], "power": 9}},
        ),
        FixtureSubgraph(
            "c", SUBGRAPHS["c"],
            root={"shared": lambda _i: {"id": "s1", "fromC": "from c"}},
            entities={"A": a_in_c,
                      "B": lambda rep: {"aid": rep["aid"], "bid": rep["bid"], "nameInC": "b1 in c"},
                      "Shared": lambda rep: {"id": rep["id"], "fromC": "from c"},
                      "Item": lambda rep: item_c(rep["id"])},
        ),
    ]
