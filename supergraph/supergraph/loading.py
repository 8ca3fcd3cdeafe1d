"""Reading a supergraph SDL in Apollo's format (@link v1.0 + join v0.2-v0.5) into the planner's model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import build_ast_schema, is_abstract_type
from graphql.language import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    SelectionSetNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)
from graphql.language import ast as gast
from graphql.utilities import value_from_ast_untyped

from .model import FieldDef, FieldInGraph, Graph, Key, Supergraph, TypeDef, TypeInGraph


class SupergraphError(ValueError):
    """The supergraph cannot be served (malformed, or links a feature this gateway does not implement)."""


# Features the gateway understands. Anything else linked `for: SECURITY` or `for: EXECUTION` is refused,
# because serving it while ignoring it would either leak data or answer wrongly.
IMPLEMENTED_FEATURES = {
    "link": {"1.0"},
    "join": {"0.2", "0.3", "0.4", "0.5"},
    "inaccessible": {"0.1", "0.2"},
    "tag": {"0.1", "0.2", "0.3"},
    "authenticated": {"0.1"},
    "requiresScopes": {"0.1"},
    "cost": {"0.1"},
    "listSize": {"0.1"},
}

_PERCENT = re.compile(r"^percent\((\d+(?:\.\d+)?)\)$")
_LINK_URL = re.compile(r"^https?://[^/]+(?:/.*)?/(?P<name>[A-Za-z_][A-Za-z0-9_-]*)/v(?P<version>\d+\.\d+)/?$")


@dataclass
class LinkedFeature:
    url: str
    name: str
    version: str
    prefix: str
    purpose: str | None
    imports: dict[str, str] = field(default_factory=dict)  # spec directive name (no @) -> local name

    def directive(self, element: str | None) -> str:
        """Local name of the feature's directive: element None is the main directive (e.g. @inaccessible)."""
        if element is None and self.name in self.imports:
            return self.imports[self.name]
        if element is None:
            return self.prefix
        return f"{self.prefix}__{element}"


def parse_field_set(text: str) -> SelectionSetNode:
    try:
        doc = parse("{" + text + "}", no_location=True)
    except Exception as exc:  # noqa: BLE001 - re-raised with the offending text
        raise SupergraphError(f"invalid field set {text!r}: {exc}") from exc
    op = doc.definitions[0]
    assert isinstance(op, gast.OperationDefinitionNode)
    return op.selection_set


def _args(directive: DirectiveNode) -> dict[str, object]:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _named_type(type_node: gast.TypeNode) -> str:
    while not isinstance(type_node, gast.NamedTypeNode):
        type_node = type_node.type  # type: ignore[attr-defined]
    return type_node.name.value


def read_links(doc: DocumentNode) -> list[LinkedFeature]:
    links: list[LinkedFeature] = []
    for definition in doc.definitions:
        if not isinstance(definition, SchemaDefinitionNode | gast.SchemaExtensionNode):
            continue
        for d in definition.directives or ():
            if d.name.value != "link":
                continue
            args = _args(d)
            url = str(args.get("url") or "")
            m = _LINK_URL.match(url)
            if not m:
                links.append(LinkedFeature(url, url, "", url, args.get("for")))  # type: ignore[arg-type]
                continue
            name, version = m.group("name"), m.group("version")
            imports: dict[str, str] = {}
            raw_imports = args.get("import") or []
            for imp in raw_imports if isinstance(raw_imports, list) else []:
                if isinstance(imp, str):
                    imports[imp.lstrip("@")] = imp.lstrip("@")
                elif isinstance(imp, dict) and "name" in imp:
                    imports[str(imp["name"]).lstrip("@")] = str(imp.get("as") or imp["name"]).lstrip("@")
            prefix = str(args.get("as") or name)
            links.append(LinkedFeature(url, name, version, prefix, args.get("for"), imports))  # type: ignore[arg-type]
    return links


def check_links(links: list[LinkedFeature]) -> None:
    if not any(lf.name == "join" for lf in links):
        raise SupergraphError("not a supergraph: it does not @link the join spec (https://specs.apollo.dev/join)")
    for lf in links:
        if lf.purpose not in ("SECURITY", "EXECUTION"):
            continue
        if lf.version not in IMPLEMENTED_FEATURES.get(lf.name, set()):
            raise SupergraphError(
                f"cannot serve this supergraph: it links {lf.url} for {lf.purpose}, "
                "a feature this gateway does not implement"
            )


class _Names:
    """Local directive names for the features we read, taking `as:` and imports into account."""

    def __init__(self, links: list[LinkedFeature]):
        by_name = {lf.name: lf for lf in links}
        join = by_name["join"]
        self.join_version = join.version
        self.join_type = join.directive("type")
        self.join_field = join.directive("field")
        self.join_graph = join.directive("graph")
        self.join_implements = join.directive("implements")
        self.join_union_member = join.directive("unionMember")
        self.join_enum_value = join.directive("enumValue")
        self.join_prefix = join.prefix
        self.inaccessible = by_name["inaccessible"].directive(None) if "inaccessible" in by_name else "inaccessible"
        self.authenticated = by_name["authenticated"].directive(None) if "authenticated" in by_name else None
        self.requires_scopes = by_name["requiresScopes"].directive(None) if "requiresScopes" in by_name else None


def _directives(node: gast.Node, name: str | None) -> list[DirectiveNode]:
    if name is None:
        return []
    return [d for d in getattr(node, "directives", None) or () if d.name.value == name]


def _scopes(node: gast.Node, name: str | None) -> list[list[str]]:
    result: list[list[str]] = []
    for d in _directives(node, name):
        scopes = _args(d).get("scopes") or []
        for group in scopes if isinstance(scopes, list) else []:
            result.append([str(s) for s in group] if isinstance(group, list) else [str(group)])
    return result


def load_supergraph(sdl: str) -> Supergraph:
    """Parse and check a supergraph SDL; raises SupergraphError with a readable message when it cannot be served."""
    try:
        doc = parse(sdl, no_location=True)
    except Exception as exc:  # noqa: BLE001
        raise SupergraphError(f"the supergraph SDL does not parse: {exc}") from exc
    links = read_links(doc)
    check_links(links)
    names = _Names(links)

    graphs: dict[str, Graph] = {}
    types: dict[str, TypeDef] = {}
    override_labels: dict[str, float | None] = {}
    query_type, mutation_type, subscription_type = "Query", None, None

    for definition in doc.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            for op in definition.operation_types:
                kind = op.operation.value
                if kind == "query":
                    query_type = op.type.name.value
                elif kind == "mutation":
                    mutation_type = op.type.name.value
                elif kind == "subscription":
                    subscription_type = op.type.name.value

    for definition in doc.definitions:
        if isinstance(definition, EnumTypeDefinitionNode) and definition.name.value == f"{names.join_prefix}__Graph":
            for value in definition.values or ():
                for d in _directives(value, names.join_graph):
                    args = _args(d)
                    graphs[value.name.value] = Graph(value.name.value, str(args["name"]), str(args["url"]))

    for definition in doc.definitions:
        if isinstance(definition, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            kind = "OBJECT"
        elif isinstance(definition, InterfaceTypeDefinitionNode):
            kind = "INTERFACE"
        elif isinstance(definition, UnionTypeDefinitionNode):
            kind = "UNION"
        elif isinstance(definition, EnumTypeDefinitionNode):
            kind = "ENUM"
        elif isinstance(definition, InputObjectTypeDefinitionNode):
            kind = "INPUT_OBJECT"
        elif isinstance(definition, ScalarTypeDefinitionNode):
            kind = "SCALAR"
        else:
            continue
        name = definition.name.value
        if name.startswith(f"{names.join_prefix}__") or name.startswith("link__"):
            continue
        td = types.get(name) or TypeDef(name=name, kind=kind)
        types[name] = td
        td.inaccessible = td.inaccessible or bool(_directives(definition, names.inaccessible))
        td.authenticated = td.authenticated or bool(_directives(definition, names.authenticated))
        td.requires_scopes += _scopes(definition, names.requires_scopes)
        for d in _directives(definition, names.join_type):
            args = _args(d)
            graph = str(args["graph"])
            tig = td.graphs.get(graph) or TypeInGraph(graph=graph)
            td.graphs[graph] = tig
            if args.get("extension"):
                tig.extension = True
            if args.get("isInterfaceObject"):
                tig.is_interface_object = True
            if args.get("key"):
                key_text = str(args["key"])
                resolvable = args.get("resolvable", True) is not False
                tig.keys.append(Key(key_text, parse_field_set(key_text), resolvable))
        for d in _directives(definition, names.join_implements):
            args = _args(d)
            td.implements_in.setdefault(str(args["graph"]), set()).add(str(args["interface"]))
        for d in _directives(definition, names.join_union_member):
            args = _args(d)
            td.union_members_in.setdefault(str(args["graph"]), set()).add(str(args["member"]))
        if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
            td.interfaces = [i.name.value for i in definition.interfaces or ()]
        if isinstance(definition, EnumTypeDefinitionNode):
            for value in definition.values or ():
                td.enum_values_in[value.name.value] = {
                    str(_args(d)["graph"]) for d in _directives(value, names.join_enum_value)
                }
        for fnode in getattr(definition, "fields", None) or ():
            fd = FieldDef(
                name=fnode.name.value,
                type_name=_named_type(fnode.type),
                type_text=print_ast(fnode.type),
                inaccessible=bool(_directives(fnode, names.inaccessible)),
                authenticated=bool(_directives(fnode, names.authenticated)),
                requires_scopes=_scopes(fnode, names.requires_scopes),
            )
            join_fields = _directives(fnode, names.join_field)
            if join_fields:
                fd.graphs = {}
                for d in join_fields:
                    args = _args(d)
                    if args.get("graph") is None:
                        continue  # resolved through an @interfaceObject only
                    graph = str(args["graph"])
                    fd.graphs[graph] = FieldInGraph(
                        graph=graph,
                        requires=parse_field_set(str(args["requires"])) if args.get("requires") else None,
                        provides=parse_field_set(str(args["provides"])) if args.get("provides") else None,
                        external=bool(args.get("external")),
                        override=str(args["override"]) if args.get("override") else None,
                        used_overridden=bool(args.get("usedOverridden")),
                        type=str(args["type"]) if args.get("type") else None,
                        override_label=str(args["overrideLabel"]) if args.get("overrideLabel") else None,
                    )
                    label = args.get("overrideLabel")
                    if label:
                        m = _PERCENT.match(str(label))
                        override_labels[str(label)] = float(m.group(1)) if m else None
            td.fields[fd.name] = fd

    if not graphs:
        raise SupergraphError("the supergraph declares no subgraphs (join__Graph has no values)")

    schema = build_ast_schema(doc, assume_valid_sdl=True)
    possible: dict[str, list[str]] = {}
    for name, gtype in schema.type_map.items():
        if is_abstract_type(gtype):
            possible[name] = [t.name for t in schema.get_possible_types(gtype)]  # type: ignore[arg-type]

    return Supergraph(
        sdl=sdl,
        graphs=graphs,
        types=types,
        query_type=query_type,
        mutation_type=mutation_type,
        subscription_type=subscription_type,
        join_version=names.join_version,
        possible_types=possible,
        override_labels=override_labels,
    )
