"""Our supergraph against Apollo's (@apollo/composition 2.14) for every fixture set of subgraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse, print_ast
from graphql.language import (
    EnumTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
)

from supergraph.composition import compose

CASES = sorted(p.name for p in (Path(__file__).parent / "fixtures").iterdir() if p.is_dir())


def join_meaning(supergraph_sdl: str) -> dict[str, object]:
    """Every element's type and directives (order-insensitive): what the join directives say, per element."""
    meaning: dict[str, object] = {}
    for node in parse(supergraph_sdl).definitions:
        if isinstance(node, SchemaDefinitionNode):
            meaning["schema"] = sorted(print_ast(d) for d in node.directives or ())
            continue
        if not isinstance(node, TypeDefinitionNode):
            continue
        name = node.name.value
        meaning[name] = sorted(print_ast(d) for d in node.directives or ())
        for field in getattr(node, "fields", None) or ():
            args = sorted(print_ast(a) for a in getattr(field, "arguments", None) or ())
            meaning[f"{name}.{field.name.value}"] = (
                print_ast(field.type), args, sorted(print_ast(d) for d in field.directives or ())
            )
        if isinstance(node, UnionTypeDefinitionNode):
            meaning[f"{name}|members"] = sorted(t.name.value for t in node.types or ())
        if isinstance(node, EnumTypeDefinitionNode):
            for value in node.values or ():
                meaning[f"{name}.{value.name.value}"] = sorted(print_ast(d) for d in value.directives or ())
    return meaning


@pytest.mark.parametrize("case", CASES)
def test_composition_api_schema_matches_apollo(case, case_subgraphs, apollo_compose, api_schema_of, normalised_api):
    subgraphs = case_subgraphs(case)
    apollo = apollo_compose(subgraphs)
    assert "errors" not in apollo, f"fixture {case} does not compose with Apollo: {apollo['errors']}"
    ours = compose(subgraphs)
    assert ours.errors == []
    assert ours.supergraph_sdl is not None
    assert api_schema_of(ours.supergraph_sdl) == normalised_api(apollo["apiSchema"])


@pytest.mark.parametrize("case", CASES)
def test_composition_join_directives_match_apollo(case, case_subgraphs, apollo_compose):
    subgraphs = case_subgraphs(case)
    apollo = apollo_compose(subgraphs)
    ours = compose(subgraphs)
    assert ours.supergraph_sdl is not None, [str(e) for e in ours.errors]
    expected = join_meaning(apollo["supergraphSdl"])
    actual = join_meaning(ours.supergraph_sdl)
    differing = {k: (expected.get(k), actual.get(k)) for k in expected.keys() | actual.keys()
                 if expected.get(k) != actual.get(k)}
    assert differing == {}


@pytest.mark.parametrize("case", CASES)
def test_composition_supergraph_text_is_apollos(case, case_subgraphs, apollo_compose):
    """Byte for byte, so a supergraph checked into the repo does not churn between the two tools."""
    subgraphs = case_subgraphs(case)
    apollo = apollo_compose(subgraphs)
    assert compose(subgraphs).supergraph_sdl == apollo["supergraphSdl"]
