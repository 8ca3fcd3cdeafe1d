"""Subgraphs that must not compose: the error says what is wrong and where (subgraph, type, field).

Each case is also given to Apollo's composition, which must refuse it too, naming the same type.
"""

from __future__ import annotations

import pytest

from supergraph.composition import SubgraphSource, compose

FED2 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", '
    '"@external", "@requires", "@provides", "@override", "@interfaceObject", "@inaccessible", "@tag"])\n'
)
QUERY = "type Query { ping: Int }\n"

# (id, {subgraph: sdl}, code, subgraph named, type, field)
CASES = [
    ("non-shareable field in two subgraphs",
     {"a": FED2 + "type Query { books: [String] }", "b": FED2 + "type Query { books: [String] }"},
     "INVALID_FIELD_SHARING", "a", "Query", "books"),
    ("non-shareable against a shareable definition",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! name: String @shareable }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! name: String }'},
     "INVALID_FIELD_SHARING", "b", "T", "name"),
    ("incompatible field types",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: String @shareable }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! v: Int @shareable }'},
     "FIELD_TYPE_MISMATCH", "a", "T", "v"),
    ("key naming a missing field",
     {"a": FED2 + QUERY + 'type T @key(fields: "uuid") { id: ID! }'},
     "KEY_INVALID_FIELDS", "a", "T", None),
    ("key selecting a field of interface type",
     {"a": FED2 + QUERY + 'interface I { x: Int } type A implements I { x: Int } '
                          'type T @key(fields: "i { x }") { id: ID! i: I }'},
     "KEY_FIELDS_SELECT_INVALID_TYPE", "a", "T", "i"),
    ("federation 1 key naming a missing field",
     {"a": "type Query { t: T } type T @key(fields: \"uuid\") { id: ID! }"},
     "KEY_INVALID_FIELDS", "a", "T", None),
    ("requires naming a missing field",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! cost: Int @requires(fields: "weight") }'},
     "REQUIRES_INVALID_FIELDS", "a", "T", "cost"),
    ("requires of a field that is not external",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! weight: Int cost: Int @requires(fields: "weight") }'},
     "REQUIRES_FIELDS_MISSING_EXTERNAL", "a", "T", "cost"),
    ("provides naming a missing field",
     {"a": FED2 + 'type Query { t: T @provides(fields: "nam") } type T @key(fields: "id") { id: ID! }'},
     "PROVIDES_INVALID_FIELDS", "a", "Query", "t"),
    ("provides of a field that is not external",
     {"a": FED2 + 'type Query { t: T @provides(fields: "name") } type T @key(fields: "id") { id: ID! name: String }'},
     "PROVIDES_FIELDS_MISSING_EXTERNAL", "a", "Query", "t"),
    ("provides on a scalar field",
     {"a": FED2 + 'type Query { n: Int @provides(fields: "x") }'},
     "PROVIDES_ON_NON_OBJECT_FIELD", "a", "Query", "n"),
    ("external nothing uses",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! weight: Int }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! weight: Int @external }'},
     "EXTERNAL_UNUSED", "b", "T", "weight"),
    ("external everywhere",
     {"a": FED2 + 'type Query { t: T @provides(fields: "w") } type T @key(fields: "id") { id: ID! w: Int @external }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! w: Int @external x: Int @requires(fields: "w") }'},
     "EXTERNAL_MISSING_ON_BASE", None, "T", "w"),
    ("override whose source overrides back",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "b") }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "a") }'},
     "OVERRIDE_SOURCE_HAS_OVERRIDE", "a", "T", "v"),
    ("override from itself",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "a") }'},
     "OVERRIDE_FROM_SELF_ERROR", "a", "T", "v"),
    ("override of a field the source computes with requires",
     {"a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "b") }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! w: Int @external v: Int @requires(fields: "w") }',
      "c": FED2 + 'type T @key(fields: "id") { id: ID! w: Int }'},
     "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", "a", "T", "v"),
    ("override from a misspelt subgraph",
     {"accounts": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: Int }',
      "billing": FED2 + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "acounts") }'},
     "INVALID_FIELD_SHARING", "accounts", "T", "v"),
    ("same type name with different kinds",
     {"a": FED2 + "type Query { x: Thing } type Thing { v: Int }", "b": FED2 + "interface Thing { v: Int }"},
     "TYPE_KIND_MISMATCH", None, "Thing", None),
    ("enum used as input and output with differing values",
     {"a": FED2 + "enum E { A B } type Query { e(arg: E): E @shareable }",
      "b": FED2 + "enum E { A } type Query { e(arg: E): E @shareable }"},
     "ENUM_VALUE_MISMATCH", None, "E", "B"),
    ("required input field missing in a subgraph",
     {"a": FED2 + "input F { a: Int! b: Int } type Query { f(f: F): Int @shareable }",
      "b": FED2 + "input F { b: Int } type Query { f(f: F): Int @shareable }"},
     "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH", None, "F", "a"),
    ("input type with no common field",
     {"a": FED2 + "input F { a: Int } type Query { f(f: F): Int @shareable }",
      "b": FED2 + "input F { b: Int } type Query { f(f: F): Int @shareable }"},
     "EMPTY_MERGED_INPUT_TYPE", None, "F", None),
    ("required argument missing in a subgraph",
     {"a": FED2 + "type Query { f(x: Int!): Int @shareable }", "b": FED2 + "type Query { f: Int @shareable }"},
     "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH", None, "Query", "f"),
    ("interfaceObject with no interface anywhere",
     {"a": FED2 + QUERY + 'type I @key(fields: "id") @interfaceObject { id: ID! }'},
     "INTERFACE_OBJECT_USAGE_ERROR", None, "I", None),
    ("interface key without all implementations",
     {"a": FED2 + 'type Query { i: I } interface I @key(fields: "id") { id: ID! } '
                  'type A implements I @key(fields: "id") { id: ID! }',
      "b": FED2 + 'interface I { id: ID! } type B implements I @key(fields: "id") { id: ID! }'},
     "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE", "a", "I", None),
    ("interface field a subgraph's implementation lacks",
     {"a": FED2 + "type Query { i: I @shareable } interface I { id: ID! } type A implements I { id: ID! }",
      "b": FED2 + "type Query { i: I @shareable } interface I { id: ID! extra: Int } "
                  "type B implements I { id: ID! extra: Int }"},
     "INTERFACE_FIELD_NO_IMPLEM", None, "A", "extra"),
    ("extension with no definition",
     {"a": FED2 + QUERY + 'extend type T @key(fields: "id") { id: ID! }'},
     "EXTENSION_WITH_NO_BASE", "a", "T", None),
    ("tag imported under two names",
     {"a": FED2 + 'type Query { x: Int @tag(name: "a") @shareable }',
      "b": FED2.replace('"@tag"', '{name: "@tag", as: "@label"}')
      + 'type Query { x: Int @label(name: "b") @shareable }'},
     "LINK_IMPORT_NAME_MISMATCH", None, None, None),
    ("directive that was not imported",
     {"a": FED2 + 'type Query { t: T } type T @key(fields: "id") { id: ID! name: String @sharable }'},
     "INVALID_GRAPHQL", "a", "T", "name"),
    ("shareable on an interface field",
     {"a": FED2 + "type Query { i: I } interface I { x: Int @shareable } type A implements I { x: Int }"},
     "INVALID_SHAREABLE_USAGE", "a", "I", "x"),
    ("override of a field marked external",
     {"a": FED2 + 'type Query { t: T } type T @key(fields: "id") { id: ID! v: Int }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! v: Int @external @override(from: "a") '
                  'w: Int @requires(fields: "v") }'},
     "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE", "b", "T", "v"),
    ("a type named Query that is not the query root",
     {"a": FED2 + "schema { query: RootQuery } type RootQuery { x: Int } type Query { y: Int }"},
     "ROOT_QUERY_USED", "a", "Query", None),
    ("type-level external reaching a field added by an extension",
     {"a": FED2 + 'type Query { t: T } type T @key(fields: "id") { id: ID! a: Int b: Int }',
      "b": FED2 + 'type T @key(fields: "id") @external { id: ID! a: Int } '
                  'extend type T { c: Int @requires(fields: "a") }'},
     "EXTERNAL_UNUSED", "b", "T", "c"),
    ("value type field unreachable from the subgraph returning the type",
     {"a": FED2 + "type Query { p: P } type P @shareable { x: Int }",
      "b": FED2 + "type Query { q: Int } type P @shareable { x: Int y: Int }"},
     "SATISFIABILITY_ERROR", "a", "P", "y"),
    ("entity field only in a subgraph whose key is not resolvable",
     {"a": FED2 + 'type Query { t: T } type T @key(fields: "id") { id: ID! }',
      "b": FED2 + 'type T @key(fields: "id", resolvable: false) { id: ID! extra: Int }'},
     "SATISFIABILITY_ERROR", "a", "T", "extra"),
    ("shared field whose abstract type has no runtime type in common",
     {"a": FED2 + "interface Node { id: ID! } type Book implements Node { id: ID! } "
                  "type Query { node(id: ID!): Node @shareable }",
      "b": FED2 + "interface Node { id: ID! } type Person implements Node { id: ID! } "
                  "type Query { node(id: ID!): Node @shareable }"},
     "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES", "a", "Query", "node"),
    ("fromContext naming a context no type sets",
     {"a": FED2.replace("v2.3", "v2.8").replace('"@tag"', '"@tag", "@context", "@fromContext"')
      + 'type Query { t: T } type T @key(fields: "id") { id: ID! v(x: Int @fromContext(field: "$nope { id }")): Int }'},
     "CONTEXT_NOT_SET", "a", "T", "v"),
    ("external with a different type",
     {"a": FED2 + 'type Query { t: T } type T @key(fields: "id") { id: ID! w: Int }',
      "b": FED2 + 'type T @key(fields: "id") { id: ID! w: String @external x: Int @requires(fields: "w") }'},
     "EXTERNAL_TYPE_MISMATCH", "b", "T", "w"),
]


def _sources(sdls: dict[str, str]) -> list[SubgraphSource]:
    return [SubgraphSource(name, f"http://{name}/graphql", sdl) for name, sdl in sdls.items()]


@pytest.mark.parametrize(("sdls", "code", "subgraph", "type_name", "field"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_composition_refuses_with_error(sdls, code, subgraph, type_name, field):
    result = compose(_sources(sdls))
    assert result.supergraph_sdl is None
    matching = [e for e in result.errors if e.code == code]
    assert matching, [str(e) for e in result.errors]
    error = matching[0]
    if subgraph is not None:
        assert subgraph in (error.subgraph or "").split(", ")
    assert error.type == type_name
    assert error.field == field
    if type_name is not None:
        assert type_name in error.message


@pytest.mark.parametrize(("sdls", "subgraph", "type_name"), [(c[1], c[3], c[4]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_composition_apollo_refuses_the_same_subgraphs(sdls, subgraph, type_name, apollo_compose):
    apollo = apollo_compose(_sources(sdls))
    assert "errors" in apollo
    if type_name is not None:
        mentions = [f'"{type_name}', f" {type_name}.", f"[{subgraph}]"]
        assert any(m in message for m in mentions for message in apollo["errors"]), apollo["errors"]


def test_composition_syntax_error_names_the_subgraph():
    result = compose(_sources({"good": FED2 + QUERY, "broken": "type Query { x: }"}))
    assert result.supergraph_sdl is None
    assert [(e.code, e.subgraph) for e in result.errors] == [("INVALID_GRAPHQL", "broken")]


def test_composition_override_of_a_missing_field_composes_with_a_hint():
    """Like Apollo: an @override whose source no longer has the field is harmless, but is pointed out."""
    result = compose(_sources({
        "a": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "b") }',
        "b": FED2 + 'type T @key(fields: "id") { id: ID! }',
    }))
    assert result.errors == []
    assert [(h.code, h.type, h.field) for h in result.hints] == [("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED", "T", "v")]


def test_composition_override_from_unknown_subgraph_is_pointed_out():
    result = compose(_sources({
        "accounts": FED2 + QUERY + 'type T @key(fields: "id") { id: ID! v: Int }',
        "billing": FED2 + 'type T @key(fields: "id") { id: ID! v: Int @override(from: "acounts") }',
    }))
    assert [h.code for h in result.hints] == ["FROM_SUBGRAPH_DOES_NOT_EXIST"]
    assert 'Did you mean "accounts"?' in result.hints[0].message
    sharing = next(e for e in result.errors if e.code == "INVALID_FIELD_SHARING")
    assert "misspelling the @override(from:) argument" in sharing.message


def test_composition_empty_input_is_refused():
    assert [e.code for e in compose([]).errors] == ["NO_SUBGRAPHS"]


MALFORMED = [
    ("key fields not a string", 'type Query { t: T } type T @key(fields: 123) { id: ID! }'),
    ("key without fields", 'type Query { t: T } type T @key { id: ID! }'),
    ("override from not a string",
     'type Query { t: T } type T @key(fields: "id") { id: ID! v: Int @override(from: 1) }'),
    ("tag without a name", "type Query { x: Int @tag }"),
    ("requires with an empty field set",
     'type Query { t: T } type T @key(fields: "id") { id: ID! w: Int @external v: Int @requires(fields: "") }'),
    ("provides with a syntax error",
     'type Query { t: T @provides(fields: "a {") } type T @key(fields: "id") { id: ID! }'),
    ("union of a scalar", "type Query { u: U } union U = String"),
    ("implementing a scalar", "type Query { t: T } type T implements Int { x: Int }"),
    ("a type defined twice", "type Query { x: Int } type Query { y: Int }"),
    ("an enum extended as an object", "type Query { t: T } enum T { A } extend type T { x: Int }"),
]


@pytest.mark.parametrize("sdl", [m[1] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_composition_malformed_subgraph_is_refused_not_crashed(sdl, apollo_compose):
    subgraphs = _sources({"a": FED2 + sdl})
    result = compose(subgraphs)
    assert result.supergraph_sdl is None
    assert result.errors and all(e.subgraph == "a" for e in result.errors), result.errors
    assert "errors" in apollo_compose(subgraphs)


def test_composition_link_with_unknown_import_is_refused():
    sdl = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@nope"])\n'
    result = compose(_sources({"a": sdl + "type Query { x: Int }"}))
    assert [(e.code, e.subgraph) for e in result.errors] == [("INVALID_LINK_DIRECTIVE_USAGE", "a")]
    assert '"@nope"' in result.errors[0].message


def test_composition_compose_directive_needs_a_linked_spec(apollo_compose):
    link = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@composeDirective"]) '
            '@composeDirective(name: "@audit")\n')
    subgraphs = _sources({"a": link + "directive @audit on FIELD_DEFINITION\ntype Query { x: Int @audit }"})
    result = compose(subgraphs)
    assert [(e.code, e.subgraph) for e in result.errors] == [("DIRECTIVE_COMPOSITION_ERROR", "a")]
    assert [e.message for e in result.errors] == apollo_compose(subgraphs)["errors"]
