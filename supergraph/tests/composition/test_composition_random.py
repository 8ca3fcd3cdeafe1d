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


LINK_WITH_INTERFACE_OBJECT = LINK.replace('"@inaccessible"', '"@inaccessible", "@tag", "@interfaceObject"')


def random_entity_subgraphs(seed: int) -> list[SubgraphSource]:
    """Compound and multiple keys, @provides, @interfaceObject with @requires, @tag, @deprecated, arguments and
    nullability that differ per subgraph, Federation 2 `extend type`, mutations with input types."""
    r = random.Random(seed)
    names = [f"s{i}" for i in range(r.randint(2, 3))]
    parts: dict[str, list[str]] = {n: [LINK_WITH_INTERFACE_OBJECT] for n in names}
    roots: dict[str, list[str]] = {n: [] for n in names}
    mutations: dict[str, list[str]] = {n: [] for n in names}

    def description() -> str:
        return f'"{r.choice(["Some thing", "Another", "Described here"])}"\n  ' if r.random() < 0.2 else ""

    def tag() -> str:
        return f' @tag(name: "{r.choice(["a", "b"])}")' if r.random() < 0.15 else ""

    def deprecated() -> str:
        return ' @deprecated(reason: "old")' if r.random() < 0.08 else ""

    org_owner = r.choice(names)
    for name in names:
        org_name = "  name: String\n" if name == org_owner else ""
        parts[name].append('type Org @key(fields: "id") {\n  id: ID!\n' + org_name + "}")
    holders = r.sample(names, r.randint(1, len(names)))
    fields = {f"g{i}": r.choice(["Int", "String", "Float"]) for i in range(r.randint(1, 4))}
    for name in holders:
        body = ["  id: ID!", "  org: Org! @shareable"]
        for field, type_name in fields.items():
            if r.random() < 0.6:
                type_ref = type_name + ("!" if r.random() < 0.3 else "")
                args = ""
                if r.random() < 0.3:
                    args = "(" + ", ".join(r.sample(["x: Int", 'y: String = "d"', "z: Boolean"], r.randint(1, 2))) + ")"
                body.append(f"  {description()}{field}{args}: {type_ref} @shareable{tag()}{deprecated()}")
        keys = r.choice(['@key(fields: "id")', '@key(fields: "id") @key(fields: "id org { id }")'])
        extend = "extend " if r.random() < 0.2 else ""
        parts[name].append(f"{extend}type Ent {keys}{tag()} {{\n" + "\n".join(body) + "\n}")
        roots[name].append(f"  ent{name}: Ent")
    outsiders = [n for n in names if n not in holders]
    if outsiders and r.random() < 0.5:
        provider = r.choice(outsiders)
        field = r.choice(list(fields))
        parts[provider].append(f'type Ent @key(fields: "id") {{\n  id: ID!\n  {field}: {fields[field]} @external\n}}')
        roots[provider].append(f'  provided{provider}: Ent @provides(fields: "{field}")')
    if r.random() < 0.6:
        owner = r.choice(names)
        parts[owner].append('interface Media @key(fields: "id") {\n  id: ID!\n  title: String\n}')
        for media in [f"M{i}" for i in range(r.randint(1, 3))]:
            parts[owner].append(f'type {media} implements Media @key(fields: "id") {{\n  id: ID!\n  title: String\n'
                                f"  only{media}: Int\n}}")
        roots[owner].append("  media: [Media]")
        for name in names:
            if name != owner and r.random() < 0.6:
                choices = ["rating: Float", "tags: [String!]",
                           'title: String @external\n  fancy: String @requires(fields: "title")']
                extra = r.sample(choices, r.randint(1, 2))
                parts[name].append('type Media @key(fields: "id") @interfaceObject {\n  id: ID!\n  '
                                   + "\n  ".join(extra) + "\n}")
                roots[name].append(f"  media{name}: [Media]")
    for name in names:
        if r.random() < 0.4:
            mutations[name].append(f"  do{name}(input: In{name}): Int")
            parts[name].append(f"input In{name} {{\n  a: Int\n  b: [String!]\n}}")
        parts[name].append("type Query {\n" + "\n".join(roots[name] or [f"  ping{name}: Int"]) + "\n}")
        if mutations[name]:
            parts[name].append("type Mutation {\n" + "\n".join(mutations[name]) + "\n}")
    return [SubgraphSource(n, f"http://{n}/graphql", "\n".join(parts[n])) for n in names]


def random_reachability_subgraphs(seed: int) -> list[SubgraphSource]:
    """Entities and value types whose fields, keys (resolvable or not) and root fields are spread so that some
    fields can and some cannot be reached from the roots: exercises the satisfiability check."""
    r = random.Random(seed)
    link = LINK.replace(', "@override", "@inaccessible"', "")
    subgraphs = []
    for name in [f"s{i}" for i in range(r.randint(2, 3))]:
        lines = [link]
        roots = []
        for type_name in ("E", "F"):
            if r.random() >= 0.8:
                continue
            fields = ["id: ID!"] + [f"{f}: Int @shareable" for f in ("a", "b", "c") if r.random() < 0.5]
            if type_name == "E" and r.random() < 0.4:
                fields.append("f: F @shareable")
            if type_name == "E" and r.random() < 0.3:
                fields.append("v: V @shareable")
            roll = r.random()
            if roll < 0.6:
                head = f'type {type_name} @key(fields: "id")'
            elif roll < 0.75:
                head = f'type {type_name} @key(fields: "id", resolvable: false)'
            elif roll < 0.85 and any(f.startswith("a:") for f in fields):
                head = f'type {type_name} @key(fields: "a")'
            else:
                head = f"type {type_name} @shareable"
                fields = [f.replace(" @shareable", "") for f in fields]
            lines.append(head + " { " + " ".join(fields) + " }")
            if r.random() < 0.6:
                roots.append(f"q{type_name}{name}: {type_name}")
        text = "\n".join(lines)
        if "v: V" in text:
            lines.append("type V @shareable { x: Int" + (" y: Int" if r.random() < 0.7 else "") + " }")
        if "f: F" in text and "type F" not in text:
            lines.append('type F @key(fields: "id", resolvable: false) { id: ID! }')
        lines.append("type Query { " + (" ".join(roots) or f"p{name}: Int") + " }")
        subgraphs.append(SubgraphSource(name, f"http://{name}/graphql", "\n".join(lines)))
    return subgraphs


@pytest.mark.parametrize("seed", SEEDS)
def test_composition_random_reachability_agrees_with_apollo(seed, apollo_compose):
    """Same verdict as Apollo, and the same supergraph when both accept; when both refuse because some field
    cannot be reached, the same fields are named (Apollo may word the path through another root field)."""
    subgraphs = random_reachability_subgraphs(seed)
    apollo = apollo_compose(subgraphs)
    ours = compose(subgraphs)
    if "errors" not in apollo:
        assert [e.message for e in ours.errors] == []
        assert ours.supergraph_sdl == apollo["supergraphSdl"]
        return
    assert ours.supergraph_sdl is None, f"Apollo refused: {apollo['errors']}"
    unreachable = set()
    other_errors = []
    for message in apollo["errors"]:
        found = re.search(r'cannot find field "([^"]+)"', message)
        if found:
            unreachable.add(found.group(1))
        else:
            other_errors.append(message)
    assert {f"{e.type}.{e.field}" for e in ours.errors if e.code == "SATISFIABILITY_ERROR"} == unreachable
    assert sorted(e.message for e in ours.errors if e.code != "SATISFIABILITY_ERROR") == sorted(other_errors)


def random_requires_subgraphs(seed: int) -> list[SubgraphSource]:
    """Nested and fragment @requires, nested @provides, input-object defaults, deprecated enum values, unions
    that differ per subgraph, described types."""
    r = random.Random(seed)
    link = LINK.replace(', "@override"', "").replace('"@inaccessible"', '"@inaccessible", "@tag"')
    names = ["a", "b", "c"][: r.randint(2, 3)]
    parts: dict[str, list[str]] = {n: [link] for n in names}
    roots: dict[str, list[str]] = {n: [] for n in names}
    owner = names[0]
    label = "label: String " if r.random() < 0.5 else ""
    parts[owner].append(f'"""Where"""\ntype Loc @shareable {{ lat: Float lng: Float {label}}}')
    parts[owner].append('type Shop @key(fields: "id") { id: ID! loc: Loc @shareable kind: Kind '
                        "tags: [String!] @shareable }")
    old = ' OLD @deprecated(reason: "gone")' if r.random() < 0.5 else ""
    parts[owner].append(f"enum Kind {{ BIG SMALL{old} }}")
    first = ", first: Int = 10" if r.random() < 0.5 else ""
    roots[owner].append(f"shops(filter: ShopFilter = {{kind: BIG}}{first}): [Shop]")
    parts[owner].append("input ShopFilter { kind: Kind " + ("near: Float" if r.random() < 0.5 else "") + " }")
    for name in names[1:]:
        selection = r.choice(["loc { lat lng }", "loc { lat }", "loc { ... on Loc { lat } }", "tags loc { lng }"])
        fields = ["id: ID!"]
        if "loc" in selection:
            fields.append("loc: Loc @external")
        if "tags" in selection:
            fields.append("tags: [String!] @external")
        unit = '(unit: String = "km")' if r.random() < 0.4 else ""
        fields.append(f'distance{unit}: Float @requires(fields: "{selection}")')
        parts[name].append('type Shop @key(fields: "id") { ' + " ".join(fields) + " }")
        parts[name].append("type Loc @shareable { lat: Float lng: Float }")
        if r.random() < 0.5:
            parts[name].append('type Visit @key(fields: "id") { id: ID! shop: Shop @provides(fields: "loc { lat }") '
                               "note: String }")
            roots[name].append("visits: [Visit]")
        if r.random() < 0.5:
            candidates = ["Shop", "Visit"] if "type Visit" in "\n".join(parts[name]) else ["Shop"]
            parts[name].append(f"union Found = {' | '.join(r.sample(candidates, 1))}")
            roots[name].append(f"find{name}: [Found]")
    for name in names:
        parts[name].append("type Query { " + (" ".join(roots[name]) or f"p{name}: Int") + " }")
    return [SubgraphSource(n, f"http://{n}/graphql", "\n".join(parts[n])) for n in names]


@pytest.mark.parametrize("seed", SEEDS)
def test_composition_random_requires_and_provides_agree_with_apollo(seed, apollo_compose):
    subgraphs = random_requires_subgraphs(seed)
    _assert_agree(subgraphs, apollo_compose(subgraphs))


def _assert_agree(subgraphs: list[SubgraphSource], apollo: dict) -> None:
    ours = compose(subgraphs)
    if "errors" in apollo:
        assert ours.supergraph_sdl is None, f"Apollo refused: {apollo['errors']}"
        assert sorted(e.message for e in ours.errors) == sorted(apollo["errors"])
    else:
        assert [e.message for e in ours.errors] == []
        assert ours.supergraph_sdl == apollo["supergraphSdl"]


@pytest.mark.parametrize("seed", SEEDS)
def test_composition_random_entities_and_interfaces_agree_with_apollo(seed, apollo_compose):
    subgraphs = random_entity_subgraphs(seed)
    _assert_agree(subgraphs, apollo_compose(subgraphs))


@pytest.mark.parametrize("seed", SEEDS)
def test_composition_random_subgraphs_agree_with_apollo(seed, apollo_compose):
    subgraphs = random_subgraphs(seed)
    _assert_agree(subgraphs, apollo_compose(subgraphs))


def test_composition_random_generator_covers_both_outcomes(apollo_compose):
    """The random sets must exercise both successful and refused compositions, or they prove little."""
    for generate in (random_subgraphs, random_entity_subgraphs, random_reachability_subgraphs,
                     random_requires_subgraphs):
        outcomes = {"errors" in apollo_compose(generate(seed)) for seed in SEEDS}
        assert outcomes == {True, False}, generate.__name__
