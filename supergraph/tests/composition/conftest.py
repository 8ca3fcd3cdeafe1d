"""Shared helpers for the composition tests: fixture subgraphs, Apollo's composition, API schemas."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from graphql import build_schema, lexicographic_sort_schema, parse, print_ast, print_schema
from graphql.language import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
)

from supergraph.composition import SubgraphSource

FIXTURES = Path(__file__).parent / "fixtures"
EXECUTABLE_LOCATIONS = {
    "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
}
REPO = Path(__file__).resolve().parents[3]
FEDERATION_TOOL = REPO / "tools" / "federation"


def load_case(case: str) -> list[SubgraphSource]:
    return [
        SubgraphSource(path.stem, f"http://{path.stem}:4000/graphql", path.read_text())
        for path in sorted((FIXTURES / case).glob("*.graphql"))
    ]


def fixture_cases() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def _apollo_unavailable_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (FEDERATION_TOOL / "node_modules" / "@apollo" / "composition").is_dir():
        return "tools/federation/node_modules is missing (run npm ci in tools/federation)"
    return None


ApolloCompose = Callable[[list[SubgraphSource]], dict]


@pytest.fixture(scope="session")
def apollo_compose() -> Iterator[ApolloCompose]:
    """Apollo's @apollo/composition on subgraphs: {supergraphSdl, apiSchema} or {errors}.

    One node process serves the whole session (see apollo_compose_server.mjs); answers are cached.
    """
    reason = _apollo_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Apollo composition is required on CI: {reason}")
        pytest.skip(reason)
    process = subprocess.Popen(
        ["node", str(Path(__file__).parent / "apollo_compose_server.mjs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    cache: dict[str, dict] = {}

    def run(subgraphs: list[SubgraphSource]) -> dict:
        payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs])
        if payload not in cache:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(payload + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
            if not answer:
                raise AssertionError(f"Apollo composition process exited with {process.wait()}")
            cache[payload] = json.loads(answer)
        return cache[payload]

    yield run
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _has_inaccessible(node) -> bool:
    return any(d.name.value == "inaccessible" for d in node.directives or ())


def _keep_directives(node):
    kept = tuple(d for d in node.directives or () if d.name.value in ("deprecated", "specifiedBy", "oneOf"))
    return kept


def api_schema_from_supergraph(supergraph_sdl: str) -> str:
    """The API schema of a supergraph: no join/link machinery, no @inaccessible elements, sorted and printed."""
    document = parse(supergraph_sdl)
    inaccessible_types = {
        d.name.value for d in document.definitions if isinstance(d, TypeDefinitionNode) and _has_inaccessible(d)
    }
    definitions = []
    for node in document.definitions:
        if isinstance(node, DirectiveDefinitionNode):
            if all(loc.value in EXECUTABLE_LOCATIONS for loc in node.locations):
                definitions.append(node)  # directives for operations are part of the API
            continue
        if isinstance(node, SchemaDefinitionNode):
            continue
        if not isinstance(node, TypeDefinitionNode):
            continue
        name = node.name.value
        if "__" in name or name in inaccessible_types:
            continue  # join__*, link__*, requiresScopes__* ... are machinery
        changes: dict = {"directives": _keep_directives(node)}
        if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode | InputObjectTypeDefinitionNode):
            fields = []
            for field in node.fields or ():
                if _has_inaccessible(field):
                    continue
                field_changes: dict = {"directives": _keep_directives(field)}
                if isinstance(field, FieldDefinitionNode):
                    field_changes["arguments"] = tuple(
                        arg.__class__(**{**{k: getattr(arg, k) for k in arg.keys}, "directives": _keep_directives(arg)})
                        for arg in field.arguments or ()
                        if not _has_inaccessible(arg)
                    )
                fields.append(field.__class__(**{**{k: getattr(field, k) for k in field.keys}, **field_changes}))
            changes["fields"] = tuple(fields)
            if not isinstance(node, InputObjectTypeDefinitionNode):
                interfaces = node.interfaces or ()
                changes["interfaces"] = tuple(i for i in interfaces if i.name.value not in inaccessible_types)
        if isinstance(node, UnionTypeDefinitionNode):
            changes["types"] = tuple(t for t in node.types or () if t.name.value not in inaccessible_types)
        if isinstance(node, EnumTypeDefinitionNode):
            changes["values"] = tuple(
                EnumValueDefinitionNode(**{**{k: getattr(v, k) for k in v.keys}, "directives": _keep_directives(v)})
                for v in node.values or ()
                if not _has_inaccessible(v)
            )
        definitions.append(node.__class__(**{**{k: getattr(node, k) for k in node.keys}, **changes}))
    schema_node = next(d for d in document.definitions if isinstance(d, SchemaDefinitionNode))
    definitions.append(SchemaDefinitionNode(directives=(), operation_types=schema_node.operation_types))
    return normalise_api_schema(print_ast(DocumentNode(definitions=tuple(definitions))))


def normalise_api_schema(sdl: str) -> str:
    return print_schema(lexicographic_sort_schema(build_schema(sdl)))


@pytest.fixture(scope="session")
def api_schema_of() -> Callable[[str], str]:
    return api_schema_from_supergraph


@pytest.fixture(scope="session")
def normalised_api() -> Callable[[str], str]:
    return normalise_api_schema


@pytest.fixture(scope="session")
def case_subgraphs() -> Callable[[str], list[SubgraphSource]]:
    return load_case
