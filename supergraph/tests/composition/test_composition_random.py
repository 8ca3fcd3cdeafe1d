"""Randomised cross-check: seeded random subgraph sets, composed by us and by Apollo, must agree.

Agreement means the same supergraph text when Apollo composes, and the same error messages when it does
not. The generator mixes entities (resolvable or not, `extend type` in Federation 1), shared, overridden,
@external/@requires and @inaccessible fields, interfaces, unions, enums and input types that differ per
subgraph. More seeds: COMPOSITION_RANDOM_SEEDS=500.
"""

from __future__ import annotations

import os
import random
import re

import pytest

from supergraph.composition import SubgraphSource, compose

SCALARS = ["Int", "String", "Float", "Boolean", "ID"]
LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", '
    '"@external", "@requires", "@provides", "@override", "@inaccessible"])'
)
SEEDS = range(int(os.environ.get("COMPOSITION_RANDOM_SEEDS", "60")))


def _field_catalogue(r: random.Random, entities: list[str], values: list[str]) -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {}
    for entity in entities:
        catalogue[entity] = {"id": "ID!"}
        for j in range(r.randint(1, 5)):
            base = r.choice(SCALARS + values + entities + ["Color"])
            catalogue[entity][f"f{j}"] = base + r.choice(["", "!", ""]) if r.random() < 0.8 else f"[{base}!]"
    for value in values:
        catalogue[value] = {f"x{j}": r.choice(SCALARS) for j in range(r.randint(1, 3))}
    return catalogue


def random_subgraphs(seed: int) -> list[SubgraphSource]:
    r = random.Random(seed)
    names = [f"s{i}" for i in range(r.randint(2, 4))]
    entities = [f"E{i}" for i in range(r.randint(1, 3))]
    values = [f"V{i}" for i in range(r.randint(0, 2))]
    catalogue = _field_catalogue(r, entities, values)
    types: dict[str, dict[str, dict[str, str]]] = {n: {} for n in names}
    stubs: dict[str, set[str]] = {n: set() for n in names}
    for entity in entities:
        owners = r.sample(names, r.randint(1, len(names)))
        for name in owners:
            types[name][entity] = {"id": "ID!"}
        for field in [f for f in catalogue[entity] if f != "id"]:
            for name in r.sample(owners, r.randint(1, len(owners))):
                types[name][entity][field] = catalogue[entity][field]
    for name in names:  # every referenced type must be defined where it is referenced
        changed = True
        while changed:
            changed = False
            for fields in list(types[name].values()):
                for type_ref in list(fields.values()):
                    base = type_ref.strip("[]!")
                    if base in values and base not in types[name]:
                        types[name][base] = dict(catalogue[base])
                        changed = True
                    if base in entities and base not in types[name]:
                        types[name][base] = {"id": "ID!"}
                        stubs[name].add(base)
                        changed = True
    subgraphs = []
    for name in names:
        fed1 = r.random() < 0.25
        lines = [LINK]
        root = []
        use_filter = r.random() < 0.5
        filter_fields = r.sample(["a: Int", "b: String", "c: Color", "d: [Int!]"], r.randint(1, 4))
        args = "(filter: Filter, limit: Int = 10)" if use_filter else ""
        here = [e for e in entities if e in types[name]]
        for entity in here:
            if r.random() < 0.7:
                root.append(f"  get{entity}{name}{args}: {entity}")
        implementers = [e for e in here if r.random() < 0.6]
        members = [e for e in here if r.random() < 0.6]
        if implementers:
            root.append(f"  node{name}: Node")
        if members:
            root.append(f"  search{name}: [Thing]")
        if r.random() < 0.4:
            root.append("  shared: Int @shareable")
        if not root:
            root.append(f"  ping{name}: Int")
        lines.append("type Query {\n" + "\n".join(root) + "\n}")
        needs_color = use_filter and any("Color" in f for f in filter_fields)
        for type_name, fields in types[name].items():
            is_entity = type_name in entities
            body = []
            for field, type_ref in fields.items():
                needs_color = needs_color or "Color" in type_ref
                directives = ""
                if is_entity and field != "id":
                    others = [o for o in names if o != name and field in types[o].get(type_name, {})]
                    if others:
                        roll = r.random()
                        if roll < 0.75:
                            directives = " @shareable"
                        elif roll < 0.85:
                            directives = f' @override(from: "{r.choice(others)}")'
                        elif roll < 0.95 and type_ref.strip("[]!") in SCALARS:
                            directives = " @external"
                            if not any(line.startswith("  req") for line in body):
                                body.append(f'  req{field}: Int @requires(fields: "{field}")')
                    if r.random() < 0.05:
                        directives += " @inaccessible"
                body.append(f"  {field}: {type_ref}{directives}")
            implements = " implements Node" if type_name in implementers else ""
            if is_entity:
                unresolvable = type_name in stubs[name] and not fed1 and r.random() < 0.5
                head = f'type {type_name}{implements} @key(fields: "id"{", resolvable: false" if unresolvable else ""})'
                if fed1 and r.random() < 0.5:
                    head = "extend " + head
                    body[0] = "  id: ID! @external"
            else:
                head = f"type {type_name} @shareable" if not fed1 else f"type {type_name}"
            lines.append(head + " {\n" + "\n".join(body) + "\n}")
        if implementers:
            lines.append("interface Node {\n  id: ID!\n}")
        if members:
            lines.append("union Thing = " + " | ".join(members))
        if use_filter:
            lines.append("input Filter {\n  " + "\n  ".join(filter_fields) + "\n}")
        if needs_color:
            colors = ["RED", "GREEN", "BLUE"]
            lines.append("enum Color { " + " ".join(r.sample(colors, r.randint(1, 3)) if r.random() < 0.3
                                                      else colors) + " }")
        sdl = "\n".join(lines)
        if fed1:  # no @link, and none of the Federation 2 directives
            sdl = re.sub(r' @(shareable|inaccessible)| @override\(from: "[^"]*"\)', "", sdl.split("\n", 1)[1])
        subgraphs.append(SubgraphSource(name, f"http://{name}/graphql", sdl))
    return subgraphs


@pytest.mark.parametrize("seed", SEEDS)
def test_composition_random_subgraphs_agree_with_apollo(seed, apollo_compose):
    subgraphs = random_subgraphs(seed)
    apollo = apollo_compose(subgraphs)
    ours = compose(subgraphs)
    if "errors" in apollo:
        assert ours.supergraph_sdl is None, f"Apollo refused: {apollo['errors']}"
        assert sorted(e.message for e in ours.errors) == sorted(apollo["errors"])
    else:
        assert [e.message for e in ours.errors] == []
        assert ours.supergraph_sdl == apollo["supergraphSdl"]


def test_composition_random_generator_covers_both_outcomes(apollo_compose):
    """The random sets must exercise both successful and refused compositions, or they prove little."""
    outcomes = {"errors" in apollo_compose(random_subgraphs(seed)) for seed in SEEDS}
    assert outcomes == {True, False}
