"""Subgraph SDLs derived from the benchmark's supergraph (join v0.3).

Each `@join__type(graph:, key:)` becomes a `@key` in that subgraph, each `@join__field(graph:, external:,
requires:, provides:)` puts the field in that subgraph with `@external`/`@requires`/`@provides`, and a field
with no `@join__field` belongs to every subgraph its type joins, as the join spec says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    StringValueNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)

FEDERATION_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@external", "@requires", "@provides", "@shareable"])'
)

# Types that describe the supergraph itself, not the API.
_SPEC_PREFIXES = ("join__", "link__")


@dataclass(frozen=True)
class Graph:
    enum_value: str  # ACCOUNTS
    name: str  # accounts
    url: str


@dataclass
class _SubgraphField:
    definition: FieldDefinitionNode
    type_text: str
    directives: list[str] = field(default_factory=list)


@dataclass
class _SubgraphType:
    kind: str  # type | interface
    name: str
    keys: list[str] = field(default_factory=list)
    fields: list[_SubgraphField] = field(default_factory=list)


def _arguments(directive: DirectiveNode) -> dict[str, object]:
    values: dict[str, object] = {}
    for argument in directive.arguments or ():
        assert isinstance(argument, ArgumentNode)
        value = argument.value
        if isinstance(value, StringValueNode | EnumValueNode):
            values[argument.name.value] = value.value
        elif isinstance(value, BooleanValueNode):
            values[argument.name.value] = value.value
    return values


def _directives(node: object, name: str) -> list[dict[str, object]]:
    return [_arguments(d) for d in getattr(node, "directives", None) or () if d.name.value == name]


def graphs(document: DocumentNode) -> list[Graph]:
    """The subgraphs named by the `join__Graph` enum, in declaration order."""
    for definition in document.definitions:
        if isinstance(definition, EnumTypeDefinitionNode) and definition.name.value == "join__Graph":
            found = []
            for value in definition.values or ():
                (graph,) = _directives(value, "join__graph")
                found.append(Graph(value.name.value, str(graph["name"]), str(graph["url"])))
            return found
    raise ValueError("the supergraph has no join__Graph enum")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _field_signature(definition: FieldDefinitionNode, type_text: str) -> str:
    arguments = ""
    if definition.arguments:
        printed = []
        for argument in definition.arguments:
            text = f"{argument.name.value}: {print_ast(argument.type)}"
            if argument.default_value is not None:
                text += f" = {print_ast(argument.default_value)}"
            printed.append(text)
        arguments = "(" + ", ".join(printed) + ")"
    return f"{definition.name.value}{arguments}: {type_text}"


def _collect(document: DocumentNode) -> dict[str, dict[str, _SubgraphType]]:
    """Per graph enum value: the object and interface types it defines, with their fields."""
    per_graph: dict[str, dict[str, _SubgraphType]] = {g.enum_value: {} for g in graphs(document)}
    for definition in document.definitions:
        if not isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            continue
        name = definition.name.value
        if name.startswith(_SPEC_PREFIXES):
            continue
        kind = "type" if isinstance(definition, ObjectTypeDefinitionNode) else "interface"
        joins = _directives(definition, "join__type")
        type_graphs = [str(j["graph"]) for j in joins] or list(per_graph)
        for join in joins or [{"graph": g} for g in type_graphs]:
            subgraph_type = per_graph[str(join["graph"])].setdefault(name, _SubgraphType(kind, name))
            if join.get("key"):
                key = f"@key(fields: {_quoted(str(join['key']))}"
                key += ", resolvable: false)" if join.get("resolvable") is False else ")"
                subgraph_type.keys.append(key)
        for field_definition in definition.fields or ():
            field_joins = [j for j in _directives(field_definition, "join__field") if j.get("graph")]
            if not field_joins:
                field_joins = [{"graph": g} for g in type_graphs]
            for join in field_joins:
                directives = []
                if join.get("external"):
                    directives.append("@external")
                if join.get("requires"):
                    directives.append(f"@requires(fields: {_quoted(str(join['requires']))})")
                if join.get("provides"):
                    directives.append(f"@provides(fields: {_quoted(str(join['provides']))})")
                type_text = str(join.get("type") or print_ast(field_definition.type))
                per_graph[str(join["graph"])][name].fields.append(
                    _SubgraphField(field_definition, type_text, directives)
                )
    _mark_shareable(per_graph)
    return per_graph


def _key_fields(subgraph_type: _SubgraphType) -> set[str]:
    names: set[str] = set()
    for key in subgraph_type.keys:
        fields = key.split('"')[1]
        names.update(fields.replace("{", " ").replace("}", " ").split())
    return names


def _top_level_fields(field_set: str) -> list[str]:
    names, depth = [], 0
    for part in field_set.replace("{", " { ").replace("}", " } ").split():
        if part == "{":
            depth += 1
        elif part == "}":
            depth -= 1
        elif depth == 0:
            names.append(part)
    return names


def _mark_shareable(per_graph: dict[str, dict[str, _SubgraphType]]) -> None:
    """Federation 2 wants `@shareable` on a non-key field that several subgraphs resolve.

    A subgraph resolves its own fields, and the external fields it `@provides` on the provided path.
    """
    resolvers: dict[tuple[str, str], set[str]] = {}
    for graph, types in per_graph.items():
        for subgraph_type in types.values():
            for f in subgraph_type.fields:
                if "@external" not in f.directives:
                    resolvers.setdefault((subgraph_type.name, f.definition.name.value), set()).add(graph)
                for directive in f.directives:
                    if directive.startswith("@provides("):
                        target = f.type_text.strip("[]!")
                        for name in _top_level_fields(directive.split('"')[1]):
                            resolvers.setdefault((target, name), set()).add(graph)
    for types in per_graph.values():
        for subgraph_type in types.values():
            keys = _key_fields(subgraph_type)
            for f in subgraph_type.fields:
                coordinate = (subgraph_type.name, f.definition.name.value)
                if (
                    len(resolvers.get(coordinate, ())) > 1
                    and "@external" not in f.directives
                    and f.definition.name.value not in keys
                    and subgraph_type.name not in ("Query", "Mutation", "Subscription")
                ):
                    f.directives.append("@shareable")


def _other_definitions(document: DocumentNode, graph: str) -> list[str]:
    """Enums, scalars, unions and inputs the graph joins, without their join directives."""
    printed = []
    for definition in document.definitions:
        if not isinstance(
            definition,
            EnumTypeDefinitionNode
            | ScalarTypeDefinitionNode
            | UnionTypeDefinitionNode
            | InputObjectTypeDefinitionNode,
        ):
            continue
        if definition.name.value.startswith(_SPEC_PREFIXES):
            continue
        joined = {str(j["graph"]) for j in _directives(definition, "join__type")}
        if joined and graph not in joined:
            continue
        text = print_ast(definition)
        for directive in definition.directives or ():
            text = text.replace(" " + print_ast(directive), "")
        printed.append(text)
    return printed


@dataclass(frozen=True)
class SubgraphSdl:
    graph: Graph
    sdl: str  # what `_service { sdl }` answers
    entity_types: tuple[str, ...]  # types with a resolvable @key here
    query_fields: tuple[str, ...]


def derive(supergraph_sdl: str) -> dict[str, SubgraphSdl]:
    """Subgraph name -> its SDL, for every graph of the supergraph."""
    document = parse(supergraph_sdl)
    per_graph = _collect(document)
    result: dict[str, SubgraphSdl] = {}
    for graph in graphs(document):
        types = per_graph[graph.enum_value]
        blocks = [FEDERATION_LINK]
        entities = []
        query_fields: tuple[str, ...] = ()
        for subgraph_type in types.values():
            if not subgraph_type.fields:
                continue
            if any("resolvable: false" not in key for key in subgraph_type.keys):
                entities.append(subgraph_type.name)
            if subgraph_type.name == "Query":
                query_fields = tuple(f.definition.name.value for f in subgraph_type.fields)
            head = " ".join([subgraph_type.kind, subgraph_type.name, *subgraph_type.keys])
            lines = [
                "  " + " ".join([_field_signature(f.definition, f.type_text), *f.directives])
                for f in subgraph_type.fields
            ]
            blocks.append(head + " {\n" + "\n".join(lines) + "\n}")
        blocks.extend(_other_definitions(document, graph.enum_value))
        result[graph.name] = SubgraphSdl(graph, "\n\n".join(blocks) + "\n", tuple(entities), query_fields)
    return result
