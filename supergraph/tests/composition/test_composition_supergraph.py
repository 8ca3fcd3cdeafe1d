"""What the composed supergraph says, checked directly (these run without node)."""

from __future__ import annotations

import re

from graphql import build_schema

from supergraph.composition import SubgraphSource, compose


def _field_line(sdl: str, type_name: str, field: str) -> str:
    block = re.search(rf"\n(type|interface|input) {type_name}\b[^{{]*\{{\n(.*?)\n\}}", sdl, re.S)
    assert block, f"type {type_name} not in supergraph"
    line = next((ln for ln in block.group(2).splitlines() if ln.strip().startswith(f"{field}")), None)
    assert line is not None, f"{type_name}.{field} not in supergraph"
    return line.strip()


def _compose(case_subgraphs, case: str) -> str:
    result = compose(case_subgraphs(case))
    assert result.errors == []
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


def test_composition_supergraph_is_a_valid_schema_with_its_graphs(case_subgraphs):
    sdl = _compose(case_subgraphs, "bench_shape")
    schema = build_schema(sdl)
    assert [v for v in schema.get_type("join__Graph").values] == ["ACCOUNTS", "INVENTORY", "PRODUCTS", "REVIEWS"]
    assert '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)' in sdl


def test_composition_records_requires_provides_and_external(case_subgraphs):
    sdl = _compose(case_subgraphs, "bench_shape")
    assert _field_line(sdl, "Product", "shippingEstimate") == (
        'shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price weight")'
    )
    assert _field_line(sdl, "Product", "price") == (
        "price: Int @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)"
    )
    assert _field_line(sdl, "Review", "author") == 'author: User @join__field(graph: REVIEWS, provides: "username")'


def test_composition_records_keys_compound_and_unresolvable(case_subgraphs):
    sdl = _compose(case_subgraphs, "entities")
    assert '@join__type(graph: ACCOUNTS, key: "email organisation { id }")' in sdl
    assert '@join__type(graph: INVENTORY, key: "id", resolvable: false)' in sdl
    assert '@join__type(graph: INVENTORY, key: "sku variant { id }")' in sdl


def test_composition_override_moves_the_field(case_subgraphs):
    sdl = _compose(case_subgraphs, "overrides_and_visibility")
    assert _field_line(sdl, "Customer", "tier") == 'tier: Int @join__field(graph: BILLING, override: "legacy")'
    # the overridden field stays known to legacy for its key, marked usedOverridden
    assert _field_line(sdl, "Invoice", "total") == (
        'total: Int! @join__field(graph: BILLING, override: "legacy") '
        "@join__field(graph: LEGACY, usedOverridden: true)"
    )


def test_composition_progressive_override_needs_join_v04(case_subgraphs):
    sdl = _compose(case_subgraphs, "progressive_override")
    assert '@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)' in sdl
    assert 'overrideLabel: "percent(25)"' in _field_line(sdl, "Book", "rating")


def test_composition_keeps_inaccessible_and_renamed_tags(case_subgraphs):
    sdl = _compose(case_subgraphs, "overrides_and_visibility")
    assert '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)' in sdl
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3", import: [{name: "@tag", as: "@label"}])' in sdl
    assert "INTERNAL @inaccessible @join__enumValue(graph: BILLING)" in sdl
    assert _field_line(sdl, "Invoice", "secret").startswith("secret(reason: String @inaccessible, kind: String)")


def test_composition_inputs_intersect_and_output_enums_unite(case_subgraphs):
    sdl = _compose(case_subgraphs, "enums_and_inputs")
    schema = build_schema(sdl)
    assert sorted(schema.get_type("BookFilter").fields) == ["genre", "publishedAfter", "title"]
    assert sorted(schema.get_type("SortOrder").values) == ["ASC", "DESC"]  # input only: common values
    assert sorted(schema.get_type("Format").values) == ["AUDIOBOOK", "EBOOK", "HARDCOVER", "PAPERBACK"]


def test_composition_federation1_extension_becomes_a_plain_entity(case_subgraphs):
    sdl = _compose(case_subgraphs, "federation1")
    assert '@join__type(graph: REVIEWS, key: "id")' in sdl
    assert "extension: true" not in sdl
    assert "unusedThing" not in sdl  # an unused Federation 1 @external is dropped


def test_composition_interface_object_fields_reach_the_implementations(case_subgraphs):
    sdl = _compose(case_subgraphs, "abstract_types")
    assert '@join__type(graph: RATINGS, key: "id", isInterfaceObject: true)' in sdl
    assert _field_line(sdl, "Book", "averageRating") == "averageRating: Float @join__field"


def test_composition_does_not_depend_on_subgraph_order(case_subgraphs):
    subgraphs = case_subgraphs("entities")
    assert compose(subgraphs).supergraph_sdl == compose(list(reversed(subgraphs))).supergraph_sdl


def test_composition_renames_root_types(case_subgraphs):
    sdl = _compose(case_subgraphs, "renamed_roots")
    schema = build_schema(sdl)
    assert sorted(schema.query_type.fields) == ["shelf", "shelves"]
    assert sorted(schema.mutation_type.fields) == ["addShelf", "removeShelf"]
    assert "RootQuery" not in sdl


def test_composition_strips_federation_machinery():
    sdl = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
           "scalar _Any\ntype _Service { sdl: String }\nunion _Entity = T\n"
           "type Query { _service: _Service! _entities(representations: [_Any!]!): [_Entity]! t: T }\n"
           'type T @key(fields: "id") { id: ID! }')
    result = compose([SubgraphSource("a", "http://a/graphql", sdl)])
    assert result.supergraph_sdl is not None
    for machinery in ("_Any", "_Service", "_Entity", "_service", "_entities", "federation__"):
        assert machinery not in result.supergraph_sdl


def test_composition_scopes_from_several_subgraphs_must_all_hold():
    """Each subgraph's @requiresScopes must be satisfied: they combine by conjunction, never by union."""
    link = ('extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", '
            'import: ["@shareable", "@requiresScopes"])\n')
    result = compose([
        SubgraphSource("a", "http://a/graphql",
                       link + 'type Query { t: Int @shareable @requiresScopes(scopes: [["a", "b"], ["c"]]) }'),
        SubgraphSource("b", "http://b/graphql",
                       link + 'type Query { t: Int @shareable @requiresScopes(scopes: [["d"], ["a"]]) }'),
    ])
    assert result.supergraph_sdl is not None
    assert _field_line(result.supergraph_sdl, "Query", "t") == (
        't: Int @requiresScopes(scopes: [["a", "b"], ["a", "c"], ["c", "d"]])'
    )
