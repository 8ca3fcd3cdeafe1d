"""Printing a composed supergraph in Apollo's format (`@link` v1.0 and the join spec)."""

from __future__ import annotations

from graphql import print_ast
from graphql.language import StringValueNode, ValueNode

from .model import ENUM, INPUT_OBJECT, INTERFACE, OBJECT, SCALAR, UNION, AppliedDirective
from .supergraph_model import JoinField, JoinType, MergedArgument, MergedField, MergedType, Supergraph
from .values import print_value

_LINK_PURPOSE = '''enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''

_ALL_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | "
    "INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_ACCESS_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"

# canonical name -> (spec url, purpose, definition with {name}, extra types)
_FEATURES: dict[str, tuple[str, str | None, str, list[str]]] = {
    "tag": ("https://specs.apollo.dev/tag/v0.3", None,
            "directive @{name}(name: String!) repeatable on " + _ALL_LOCATIONS + " | SCHEMA", []),
    "inaccessible": ("https://specs.apollo.dev/inaccessible/v0.2", "SECURITY",
                     "directive @{name} on " + _ALL_LOCATIONS, []),
    "authenticated": ("https://specs.apollo.dev/authenticated/v0.1", "SECURITY",
                      "directive @{name} on " + _ACCESS_LOCATIONS, []),
    "requiresScopes": ("https://specs.apollo.dev/requiresScopes/v0.1", "SECURITY",
                       "directive @{name}(scopes: [[requiresScopes__Scope!]!]!) on " + _ACCESS_LOCATIONS,
                       ["scalar requiresScopes__Scope"]),
    "policy": ("https://specs.apollo.dev/policy/v0.1", "SECURITY",
               "directive @{name}(policies: [[policy__Policy!]!]!) on " + _ACCESS_LOCATIONS,
               ["scalar policy__Policy"]),
}


def _string(value: str) -> str:
    return print_ast(StringValueNode(value=value))


def _description(text: str | None, indent: str) -> list[str]:
    """A block-string description the way Apollo's printer writes it."""
    if text is None:
        return []
    single = "\n" not in text
    multi = not single or text.endswith(('"', "\\")) or len(text) > 70
    body = ""
    if multi and not (single and text[:1] in (" ", "\t")):
        body += "\n"
    body += text
    if multi:
        body += "\n"
    block = '"""' + body.replace('"""', '\\"""') + '"""'
    return [indent + block.replace("\n", "\n" + indent)]


def _args(pairs: list[tuple[str, str | None]]) -> str:
    present = [f"{k}: {v}" for k, v in pairs if v is not None]
    return "(" + ", ".join(present) + ")" if present else ""


def _applied(directive: AppliedDirective, names: dict[str, str]) -> str:
    args = [(k, print_value(v)) for k, v in directive.args.items()]
    return f"@{names.get(directive.name, directive.name)}{_args(args)}"


def _join_type(join: JoinType) -> str:
    return "@join__type" + _args([
        ("graph", join.graph),
        ("key", _string(join.key) if join.key is not None else None),
        ("extension", "true" if join.extension else None),
        ("resolvable", "false" if not join.resolvable else None),
        ("isInterfaceObject", "true" if join.is_interface_object else None),
    ])


def _join_field(join: JoinField) -> str:
    return "@join__field" + _args([
        ("graph", join.graph),
        ("requires", _string(join.requires) if join.requires is not None else None),
        ("provides", _string(join.provides) if join.provides is not None else None),
        ("type", _string(join.type) if join.type is not None else None),
        ("external", "true" if join.external else None),
        ("override", _string(join.override) if join.override is not None else None),
        ("usedOverridden", "true" if join.used_overridden else None),
        ("overrideLabel", _string(join.override_label) if join.override_label is not None else None),
        ("contextArguments", "[" + ", ".join(
            f"{{context: {_string(c)}, name: {_string(n)}, type: {_string(t)}, selection: {_string(s)}}}"
            for c, n, t, s in join.context_arguments
        ) + "]" if join.context_arguments else None),
    ])


def _value(value: ValueNode | None) -> str:
    return "" if value is None else " = " + print_value(value)


def _split(directives: list[AppliedDirective]) -> tuple[list[AppliedDirective], list[AppliedDirective]]:
    """@inaccessible is printed before the join directives, the others after (as Apollo does)."""
    first = [d for d in directives if d.name == "inaccessible"]
    return first, [d for d in directives if d.name != "inaccessible"]


def _arguments(args: dict[str, MergedArgument], names: dict[str, str], indent: str) -> str:
    if not args:
        return ""

    def one(arg: MergedArgument) -> str:
        applied = "".join(" " + _applied(d, names) for d in arg.directives)
        return f"{arg.name}: {arg.type}{_value(arg.default)}{applied}"

    if not any(a.description for a in args.values()):
        return "(" + ", ".join(one(a) for a in args.values()) + ")"
    lines = ["("]
    for i, arg in enumerate(args.values()):
        if arg.description and i:
            lines.append("")
        lines.extend(_description(arg.description or None, indent + "  "))
        lines.append(indent + "  " + one(arg))
    lines.append(indent + ")")
    return "\n".join(lines)


def _field(field: MergedField, names: dict[str, str], is_input: bool) -> list[str]:
    first, rest = _split(field.directives)
    parts = [_applied(d, names) for d in first]
    parts += [_join_field(j) for j in field.join_fields]
    parts += [_applied(d, names) for d in rest]
    default = _value(field.default) if is_input else ""
    line = f"  {field.name}{_arguments(field.args, names, '  ')}: {field.type}{default}"
    return [*_description(field.description, "  "), line + "".join(" " + p for p in parts)]


def _type(merged: MergedType, names: dict[str, str]) -> str:
    keyword = {OBJECT: "type", INTERFACE: "interface", UNION: "union", ENUM: "enum",
               INPUT_OBJECT: "input", SCALAR: "scalar"}[merged.kind]
    header = f"{keyword} {merged.name}"
    if merged.interfaces:
        header += " implements " + " & ".join(merged.interfaces)
    first, rest = _split(merged.directives)
    directives = [f"@join__implements(graph: {g}, interface: {_string(i)})" for g, i in merged.join_implements]
    directives += [_join_type(j) for j in merged.join_types]
    directives += [_applied(d, names) for d in first]
    directives += [f"@join__unionMember(graph: {g}, member: {_string(m)})" for g, m in merged.join_members]
    directives += [_applied(d, names) for d in rest]
    lines = _description(merged.description, "")
    lines.append(header)
    lines.extend("  " + d for d in directives)
    if merged.kind == SCALAR:
        return "\n".join(lines)
    if merged.kind == UNION:
        lines.append(" = " + " | ".join(merged.members))
        return "\n".join(lines)
    body: list[str] = []
    if merged.kind == ENUM:
        for value in merged.values.values():
            v_first, v_rest = _split(value.directives)
            parts = [_applied(d, names) for d in v_first]
            parts += [f"@join__enumValue(graph: {g})" for g in value.graphs]
            parts += [_applied(d, names) for d in v_rest]
            if value.description is not None and body:
                body.append("")
            body.extend(_description(value.description, "  "))
            body.append(f"  {value.name}" + "".join(" " + p for p in parts))
    else:
        for field in merged.fields.values():
            if field.description is not None and body:
                body.append("")  # graphql-js separates described fields with a blank line
            body.extend(_field(field, names, merged.kind == INPUT_OBJECT))
    if directives:
        lines.append("{")
    else:
        lines[-1] += " {"
    return "\n".join([*lines, *body, "}"])


def _join_definitions(version: tuple[int, int]) -> tuple[list[str], list[str]]:
    field_args = ("graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
                  "external: Boolean, override: String, usedOverridden: Boolean")
    if version >= (0, 4):
        field_args += ", overrideLabel: String"
    if version >= (0, 5):
        field_args += ", contextArguments: [join__ContextArgument!]"
    directives = [
        "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
        f"directive @join__field({field_args}) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
        "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, "
        "resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | "
        "UNION | ENUM | INPUT_OBJECT | SCALAR",
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
        "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on "
        "SCHEMA",
    ]
    types = ["scalar join__FieldSet", "scalar link__Import", _LINK_PURPOSE]
    if version >= (0, 4):
        directives.append(
            "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) "
            "repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
        )
        types.append("scalar join__DirectiveArguments")
    if version >= (0, 5):
        types.append("input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n"
                     "  selection: join__FieldValue!\n}")
        types.append("scalar join__FieldValue")
    return directives, types


def _definition_name(text: str) -> str:
    return text.split()[1].lstrip("@").split("(")[0]


def print_supergraph(supergraph: Supergraph) -> str:
    names = supergraph.directive_names
    version = supergraph.join_version
    links = ['@link(url: "https://specs.apollo.dev/link/v1.0")',
             f'@link(url: "https://specs.apollo.dev/join/v{version[0]}.{version[1]}", for: EXECUTION)']
    directives, types = _join_definitions(version)
    directives.extend(supergraph.executable_directives)
    for canonical, (url, purpose, definition, extra_types) in _FEATURES.items():
        if canonical not in names:
            continue
        local = names[canonical]
        args = [f'url: "{url}"']
        if local != canonical:
            args.append(f'import: [{{name: "@{canonical}", as: "@{local}"}}]')
        if purpose:
            args.append(f"for: {purpose}")
        links.append("@link(" + ", ".join(args) + ")")
        directives.append(definition.format(name=local))
        types.extend(extra_types)
    if supergraph.uses_context:
        links.append('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)')
        directives.append("directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION")
        directives.append(
            "directive @context__fromContext(field: context__ContextFieldValue) on ARGUMENT_DEFINITION"
        )
        types.append("scalar context__ContextFieldValue")
    if "cost" in names or "listSize" in names:
        list_size = names.get("listSize", "cost__listSize")
        imported = f', import: ["@{list_size}"]' if "listSize" in names else ""
        links.append(f'@link(url: "https://specs.apollo.dev/cost/v0.1"{imported})')
        directives.append(f"directive @{names.get('cost', 'cost')}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | "
                          "FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR")
        directives.append(f"directive @{list_size}(assumedSize: Int, slicingArguments: [String!], sizedFields: "
                          "[String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION")
    imports_by_url: dict[str, list[str]] = {}
    for composed in supergraph.composed_directives:
        imported = (f'"@{composed.name}"' if composed.name == composed.original
                    else f'{{name: "@{composed.original}", as: "@{composed.name}"}}')
        imports_by_url.setdefault(composed.url, []).append(imported)
        directives.append(composed.definition)
    for url, imports in imports_by_url.items():
        links.append(f"@link(url: {_string(url)}, import: [{', '.join(imports)}])")
    graphs = "enum join__Graph {\n" + "\n".join(
        f"  {g.enum_name} @join__graph(name: {_string(g.name)}, url: {_string(g.url)})" for g in supergraph.graphs
    ) + "\n}"
    types.append(graphs)
    named = [(_definition_name(t), t) for t in types]
    named.extend((t.name, _type(t, names)) for t in supergraph.types.values())
    roots = "\n".join(f"  {op}: {name}" for op, name in supergraph.root_types.items())
    schema = "schema\n" + "\n".join("  " + link for link in links) + "\n{\n" + roots + "\n}"
    directives.sort(key=_definition_name)
    named.sort(key=lambda pair: (pair[0].lower(), pair[0]))
    return "\n\n".join([schema, *directives, *(text for _, text in named)])
