"""Interfaces and unions whose members differ per subgraph, partial unions, abstract types inside entities,
a child type whose nullability differs between subgraphs."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph

LINK = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@shareable", "@external"])\n')

SUBGRAPHS = {
    "inventory": LINK + """
type Query { items: [Item!]! search: [Result!]! owners: [Owner!]! }
interface Item { id: ID! name: String! }
type Book implements Item @key(fields: "id") { id: ID! name: String! @shareable pages: Int @shareable }
type Magazine implements Item @key(fields: "id") { id: ID! name: String! issue: Int! }
union Result = Book | Magazine
type Owner @key(fields: "id") { id: ID! name: String! }
""",
    "extras": LINK + """
type Query { extraItems: [Item!]! extraResults: [Result] }
interface Item { id: ID! name: String! }
type Book implements Item @key(fields: "id") { id: ID! name: String! @shareable pages: Int! @shareable price: Int! }
type Dvd implements Item @key(fields: "id") { id: ID! name: String! minutes: Int! }
union Result = Book | Dvd
type Owner @key(fields: "id") { id: ID! favorite: Item collection: [Result!]! }
""",
}

BOOKS = {"b1": {"name": "Dune", "pages": 412, "price": 10}, "b2": {"name": "Emma", "pages": 320, "price": 7}}
MAGAZINES = {"m1": {"name": "Wired", "issue": 7}}
DVDS = {"d1": {"name": "Alien", "minutes": 117}}
OWNERS = {"o1": {"name": "Ada", "favorite": "b2", "collection": ["d1", "b1"]},
          "o2": {"name": "Alan", "favorite": "d1", "collection": []}}


def _item(iid, fields):
    if iid in BOOKS:
        return {"__typename": "Book", "id": iid, **{k: v for k, v in BOOKS[iid].items() if k in fields}}
    if iid in MAGAZINES:
        return {"__typename": "Magazine", "id": iid, **MAGAZINES[iid]}
    if iid in DVDS:
        return {"__typename": "Dvd", "id": iid, **DVDS[iid]}
    return None


def build() -> list[FixtureSubgraph]:
    inv_fields = {"name", "pages"}
    ext_fields = {"name", "pages", "price"}
    inventory = FixtureSubgraph(
        "inventory", SUBGRAPHS["inventory"],
        root={
            "items": lambda _i: [_item(i, inv_fields) for i in ("b1", "m1", "b2")],
            "search": lambda _i: [_item(i, inv_fields) for i in ("m1", "b1")],
            "owners": lambda _i: [{"id": k, "name": v["name"]} for k, v in OWNERS.items()],
        },
        entities={
            "Book": lambda rep: _item(rep["id"], inv_fields),
            "Magazine": lambda rep: _item(rep["id"], inv_fields),
            "Owner": lambda rep: {"id": rep["id"], "name": OWNERS[rep["id"]]["name"]},
        },
    )
    extras = FixtureSubgraph(
        "extras", SUBGRAPHS["extras"],
        root={
            "extraItems": lambda _i: [_item(i, ext_fields) for i in ("d1", "b1")],
            "extraResults": lambda _i: [_item("d1", ext_fields), None],
        },
        entities={
            "Book": lambda rep: _item(rep["id"], ext_fields),
            "Dvd": lambda rep: _item(rep["id"], ext_fields),
            "Owner": lambda rep: {
                "id": rep["id"],
                "favorite": _item(OWNERS[rep["id"]]["favorite"], ext_fields),
                "collection": [_item(i, ext_fields) for i in OWNERS[rep["id"]]["collection"]],
            },
        },
    )
    return [inventory, extras]
