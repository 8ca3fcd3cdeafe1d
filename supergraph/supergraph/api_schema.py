"""The API schema: what clients see. The supergraph minus the link/join machinery and minus @inaccessible elements."""

from __future__ import annotations

from graphql import GraphQLDeferDirective, GraphQLSchema, GraphQLStreamDirective, build_ast_schema
from graphql.language import (
    REMOVE,
    DirectiveDefinitionNode,
    DocumentNode,
    NamedTypeNode,
    Visitor,
    parse,
    visit,
)
from graphql.language import ast as gast
from graphql.utilities import print_schema as print_schema_of

from .loading import read_links

_TYPE_DEFS = (
    gast.ObjectTypeDefinitionNode,
    gast.ObjectTypeExtensionNode,
    gast.InterfaceTypeDefinitionNode,
    gast.UnionTypeDefinitionNode,
    gast.EnumTypeDefinitionNode,
    gast.InputObjectTypeDefinitionNode,
    gast.ScalarTypeDefinitionNode,
)


class _Strip(Visitor):
    def __init__(self, machinery_directives: set[str], machinery_types: set[str], inaccessible: str,
                 hidden_types: set[str]):
        super().__init__()
        self.machinery_directives = machinery_directives
        self.machinery_types = machinery_types
        self.inaccessible = inaccessible
        self.hidden_types = hidden_types

    def _hidden(self, node: gast.Node) -> bool:
        return any(d.name.value == self.inaccessible for d in getattr(node, "directives", None) or ())

    def enter(self, node, key, parent, path, ancestors):  # type: ignore[override]
        if isinstance(node, _TYPE_DEFS):
            name = node.name.value  # type: ignore[attr-defined]
            if name in self.machinery_types or name in self.hidden_types:
                return REMOVE
        elif isinstance(node, DirectiveDefinitionNode):
            if node.name.value in self.machinery_directives:
                return REMOVE
        elif isinstance(
            node,
            gast.FieldDefinitionNode
            | gast.InputValueDefinitionNode
            | gast.EnumValueDefinitionNode,
        ):
            if self._hidden(node):
                return REMOVE
            if isinstance(node, gast.FieldDefinitionNode | gast.InputValueDefinitionNode):
                if _named(node.type) in self.hidden_types:
                    return REMOVE
        elif isinstance(node, gast.DirectiveNode):
            if node.name.value in self.machinery_directives:
                return REMOVE
        elif isinstance(node, NamedTypeNode) and len(path) >= 2 and path[-2] in ("interfaces", "types"):
            if node.name.value in self.hidden_types:
                return REMOVE
        return None


def _named(type_node: gast.TypeNode) -> str:
    while not isinstance(type_node, NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def api_document(supergraph_sdl: str) -> DocumentNode:
    doc = parse(supergraph_sdl, no_location=True)
    links = read_links(doc)
    machinery_directives = {"link"}
    machinery_types: set[str] = set()
    prefixes = {"link"}
    inaccessible = "inaccessible"
    for lf in links:
        if not lf.url.startswith(("https://specs.apollo.dev/", "http://specs.apollo.dev/")):
            continue  # a custom feature kept by @composeDirective: its executable directives stay usable
        prefixes.add(lf.prefix)
        machinery_directives.add(lf.prefix)
        for spec_name, local in lf.imports.items():
            machinery_directives.add(local)
            if spec_name == "inaccessible":
                inaccessible = local
        if lf.name == "inaccessible":
            inaccessible = lf.directive(None)
    for definition in doc.definitions:
        name_node = getattr(definition, "name", None)
        if name_node is None:
            continue
        name = name_node.value
        if any(name.startswith(f"{p}__") for p in prefixes):
            if isinstance(definition, DirectiveDefinitionNode):
                machinery_directives.add(name)
            else:
                machinery_types.add(name)
    hidden_types = {
        d.name.value
        for d in doc.definitions
        if isinstance(d, _TYPE_DEFS)
        and any(x.name.value == inaccessible for x in getattr(d, "directives", None) or ())
    }
    return visit(doc, _Strip(machinery_directives, machinery_types, inaccessible, hidden_types))


def build_api_schema(supergraph_sdl: str) -> GraphQLSchema:
    return build_ast_schema(api_document(supergraph_sdl), assume_valid_sdl=True)


def serving_schema(supergraph_sdl: str) -> GraphQLSchema:
    """The API schema as the gateway validates against: also accepting @defer and @stream, which it answers in
    one response (the incremental delivery proposal lets a server deliver deferred parts right away)."""
    schema = build_api_schema(supergraph_sdl)
    names = {d.name for d in schema.directives}
    extra = tuple(d for d in (GraphQLDeferDirective, GraphQLStreamDirective) if d.name not in names)
    if not extra:
        return schema
    return GraphQLSchema(**{**schema.to_kwargs(), "directives": (*schema.directives, *extra)})


def print_api_schema(supergraph_sdl: str) -> str:
    return print_schema_of(build_api_schema(supergraph_sdl))


__all__ = ["api_document", "build_api_schema", "print_api_schema"]
