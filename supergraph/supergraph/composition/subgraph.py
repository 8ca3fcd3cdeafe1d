"""Reading one subgraph's SDL into the composition model, with federation directives resolved."""

from __future__ import annotations

from graphql import GraphQLSyntaxError, parse, print_ast
from graphql.language import (
    BooleanValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
)

from .errors import CompositionError, SubgraphErrors
from .links import FederationLink, resolve_links
from .model import (
    ENUM,
    INPUT_OBJECT,
    INTERFACE,
    OBJECT,
    SCALAR,
    UNION,
    AppliedDirective,
    Argument,
    ComposedDirective,
    EnumValue,
    ExecutableDirective,
    Field,
    Key,
    Subgraph,
    TypeDef,
)
from .typerefs import named_type, print_type

ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
# Federation plumbing that never reaches the supergraph.
FEDERATION_TYPES = {"_Any", "_Entity", "_Service", "_FieldSet", "_Entities"}
FEDERATION_ROOT_FIELDS = {"_service", "_entities"}
# Directives composition carries into the supergraph.
CARRIED_DIRECTIVES = ("tag", "inaccessible", "authenticated", "requiresScopes", "policy", "cost", "listSize")
# Federation features this composition does not implement: refused rather than silently composed wrong
# (argument, required) of the federation directives whose arguments are strings
_STRING_ARGUMENTS = {
    "key": (("fields", True),),
    "requires": (("fields", True),),
    "provides": (("fields", True),),
    "override": (("from", True), ("label", False)),
    "tag": (("name", True),),
}
EXECUTABLE_LOCATIONS = {
    "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
}
BUILT_IN_DIRECTIVES = {"deprecated", "specifiedBy", "oneOf", "include", "skip"}
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}

_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: OBJECT,
    ObjectTypeExtensionNode: OBJECT,
    InterfaceTypeDefinitionNode: INTERFACE,
    InterfaceTypeExtensionNode: INTERFACE,
    UnionTypeDefinitionNode: UNION,
    UnionTypeExtensionNode: UNION,
    EnumTypeDefinitionNode: ENUM,
    EnumTypeExtensionNode: ENUM,
    InputObjectTypeDefinitionNode: INPUT_OBJECT,
    InputObjectTypeExtensionNode: INPUT_OBJECT,
    ScalarTypeDefinitionNode: SCALAR,
    ScalarTypeExtensionNode: SCALAR,
}


def field_set_argument(value: ValueNode | None) -> str | None:
    """`fields:` is a string; Federation 1 subgraphs also wrote it as an enum value or a list of strings."""
    if isinstance(value, StringValueNode):
        return value.value
    if isinstance(value, EnumValueNode):
        return value.value
    if isinstance(value, ListValueNode) and all(isinstance(v, StringValueNode) for v in value.values):
        return " ".join(v.value for v in value.values)  # type: ignore[union-attr]
    return None


class _Reader:
    def __init__(self, name: str, url: str, link: FederationLink) -> None:
        self.name = name
        self.link = link
        self.errors: list[CompositionError] = list(link.errors)
        self.subgraph = Subgraph(name=name, url=url, fed2=link.fed2, version=link.version)
        self.renames: dict[str, str] = {}
        for canonical in CARRIED_DIRECTIVES:
            local = link.local_name(canonical)
            if local is not None:
                self.subgraph.directive_names[canonical] = local

    def error(self, code: str, message: str, type_name: str | None = None, field: str | None = None) -> None:
        self.errors.append(
            CompositionError(code, f"[{self.name}] {message}", subgraph=self.name, type=type_name, field=field)
        )

    def canonical(self, directive: DirectiveNode) -> str | None:
        return self.link.names.get(directive.name.value)

    def rename(self, type_name: str) -> str:
        return self.renames.get(type_name, type_name)

    def read_composed_directives(self, definitions: list) -> None:
        """@composeDirective(name: "@x"): keep @x (linked from its own spec) in the supergraph."""
        schema_nodes = [d for d in definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)]
        requested: list[str] = []
        linked: dict[str, tuple[str, str]] = {}  # local name -> (spec url, name in the spec)
        for node in schema_nodes:
            for directive in node.directives or ():
                args = {a.name.value: a.value for a in directive.arguments or ()}
                if self.canonical(directive) == "composeDirective":
                    name = args.get("name")
                    if isinstance(name, StringValueNode):
                        requested.append(name.value.lstrip("@"))
                elif directive.name.value == "link":
                    url = args.get("url")
                    imports = args.get("import")
                    if not isinstance(url, StringValueNode) or not isinstance(imports, ListValueNode):
                        continue
                    for item in imports.values:
                        if isinstance(item, StringValueNode) and item.value.startswith("@"):
                            linked[item.value[1:]] = (url.value, item.value[1:])
                        elif isinstance(item, ObjectValueNode):
                            fields = {f.name.value: f.value for f in item.fields}
                            original, alias = fields.get("name"), fields.get("as", fields.get("name"))
                            if isinstance(original, StringValueNode) and isinstance(alias, StringValueNode):
                                linked[alias.value.lstrip("@")] = (url.value, original.value.lstrip("@"))
        defined = {d.name.value: d for d in definitions if isinstance(d, DirectiveDefinitionNode)}
        for name in requested:
            if name not in linked or "specs.apollo.dev/federation/" in linked[name][0]:
                self.errors.append(CompositionError(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Directive "@{name}" in subgraph "{self.name}" cannot be composed because it is not a member '
                    "of a core feature", subgraph=self.name))
                continue
            if name not in defined:
                self.errors.append(CompositionError(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Could not find matching directive definition for argument to @composeDirective "@{name}" in '
                    f'subgraph "{self.name}".', subgraph=self.name))
                continue
            definition = defined[name]
            self.subgraph.composed_directives[name] = ComposedDirective(
                name=name,
                url=linked[name][0],
                original=linked[name][1],
                definition=print_ast(definition.__class__(
                    **{**{k: getattr(definition, k) for k in definition.keys}, "description": None}
                )),
                repeatable=definition.repeatable,
            )

    def carried(self, directives: tuple[DirectiveNode, ...] | None) -> list[AppliedDirective]:
        carried = []
        for directive in directives or ():
            if directive.name.value in self.subgraph.composed_directives:
                args = {a.name.value: a.value for a in directive.arguments or ()}
                carried.append(AppliedDirective(directive.name.value, args))
                continue
            canonical = self.canonical(directive)
            if directive.name.value in ("deprecated", "specifiedBy"):
                canonical = directive.name.value
            if canonical in CARRIED_DIRECTIVES or canonical in ("deprecated", "specifiedBy"):
                args = {a.name.value: a.value for a in directive.arguments or ()}
                carried.append(AppliedDirective(canonical, args))
        return carried

    def read_roots(self, definitions: list) -> None:
        for node in definitions:
            if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
                for op in node.operation_types or ():
                    operation = op.operation.value
                    local = op.type.name.value
                    self.renames[local] = ROOT_NAMES[operation]
        for operation, name in ROOT_NAMES.items():
            self.subgraph.root_types[operation] = name
        # a type named like a root but used for another root would be ambiguous; keep it simple and rename

    def skip_type(self, name: str) -> bool:
        if name in FEDERATION_TYPES or name.startswith(("link__", "federation__")):
            return True
        return self.link.fed2 and name == "FieldSet"

    def read(self, document: DocumentNode) -> Subgraph:
        definitions = list(document.definitions)
        self.external_types: set[str] = set()
        self.original_names: set[str] = set()
        self.defined: set[str] = set()
        self.read_roots(definitions)
        self.read_composed_directives(definitions)
        for node in definitions:
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                self.read_type(node)
        types = self.subgraph.types
        # drop root types declared but left empty by removing the federation fields
        for root in ROOT_NAMES.values():
            if root in types and not types[root].fields and root != "Query":
                del types[root]
        # Every subgraph has a Query root (its `_service` field lives there)
        if "Query" not in types:
            types["Query"] = TypeDef(kind=OBJECT, name="Query", has_definition=True)
        for type_name in self.external_types:
            for field in types[type_name].fields.values():
                field.external = True
        self.check_root_names()
        self.check_references()
        self.check_directives(definitions)
        self.read_executable_directives(definitions)
        if self.errors:
            raise SubgraphErrors(self.errors)
        return self.subgraph

    def read_type(self, node: TypeDefinitionNode | TypeExtensionNode) -> None:
        self.original_names.add(node.name.value)
        name = self.rename(node.name.value)
        if self.skip_type(name):
            return
        kind = _KINDS.get(type(node))
        if kind is None:
            return
        is_extension = isinstance(node, TypeExtensionNode)
        if not is_extension:
            if name in self.defined:
                self.error("INVALID_GRAPHQL", f'There can be only one type named "{name}".', name)
                return
            self.defined.add(name)
        typedef = self.subgraph.types.get(name)
        if typedef is None:
            typedef = self.subgraph.types[name] = TypeDef(kind=kind, name=name)
        elif typedef.kind != kind:
            self.error("INVALID_GRAPHQL", f'Type "{name}" is defined with two different kinds', name)
            return
        if is_extension:
            typedef.has_extension = True
        else:
            typedef.has_definition = True
        description = getattr(node, "description", None)
        if description is not None:
            typedef.description = description.value
        block_shareable = False
        for directive in node.directives or ():
            canonical = self.canonical(directive)
            args = {a.name.value: a.value for a in directive.arguments or ()}
            if canonical == "key":
                fields = field_set_argument(args.get("fields"))
                if fields is None:
                    self.error("KEY_INVALID_FIELDS_TYPE", f'On type "{name}", @key(fields:) must be a string', name)
                    continue
                resolvable = args.get("resolvable")
                typedef.keys.append(
                    Key(
                        fields=fields,
                        resolvable=not (isinstance(resolvable, BooleanValueNode) and not resolvable.value),
                        extension=is_extension,
                    )
                )
            elif canonical == "shareable":
                block_shareable = True
            elif canonical == "external":
                if self.link.fed2:  # applies to every field of the type, extensions included
                    self.external_types.add(name)
            elif canonical == "extends":
                typedef.extends = True
            elif canonical == "interfaceObject":
                typedef.interface_object = True
            elif canonical == "context":
                context_name = args.get("name")
                if isinstance(context_name, StringValueNode) and context_name.value not in typedef.contexts:
                    typedef.contexts.append(context_name.value)
        typedef.directives.extend(self.carried(node.directives))
        if kind in (OBJECT, INTERFACE):
            for interface in getattr(node, "interfaces", None) or ():
                if interface.name.value not in typedef.interfaces:
                    typedef.interfaces.append(interface.name.value)
            for field_node in getattr(node, "fields", None) or ():
                if name == "Query" and field_node.name.value in FEDERATION_ROOT_FIELDS:
                    continue
                field = self.read_field(name, field_node)
                field.in_extension = is_extension
                if block_shareable:
                    field.shareable = True
                if typedef.kind == INTERFACE and any(
                    self.canonical(d) == "shareable" for d in field_node.directives or ()
                ):
                    self.error("INVALID_SHAREABLE_USAGE",
                               f'Invalid use of @shareable on field "{name}.{field.name}": only object type fields '
                               "can be marked with @shareable", name, field.name)
                if field.name in typedef.fields:
                    self.error("INVALID_GRAPHQL", f'Field "{name}.{field.name}" can only be defined once.', name)
                typedef.fields[field.name] = field
        elif kind == INPUT_OBJECT:
            for field_node in getattr(node, "fields", None) or ():
                field = self.read_input_field(field_node)
                typedef.fields[field.name] = field
        elif kind == UNION:
            for member in getattr(node, "types", None) or ():
                member_name = self.rename(member.name.value)
                if member_name not in typedef.members:
                    typedef.members.append(member_name)
        elif kind == ENUM:
            for value_node in getattr(node, "values", None) or ():
                typedef.values[value_node.name.value] = EnumValue(
                    name=value_node.name.value,
                    description=value_node.description.value if value_node.description else None,
                    directives=self.carried(value_node.directives),
                )

    def read_argument(self, node: InputValueDefinitionNode) -> Argument:
        from_context = None
        for directive in node.directives or ():
            if self.canonical(directive) == "fromContext":
                value = next((a.value for a in directive.arguments or () if a.name.value == "field"), None)
                if isinstance(value, StringValueNode):
                    from_context = value.value
        return Argument(
            name=node.name.value,
            type=print_type(node.type, self.rename),
            default=node.default_value,
            description=node.description.value if node.description else None,
            directives=self.carried(node.directives),
            from_context=from_context,
        )

    def read_input_field(self, node: InputValueDefinitionNode) -> Field:
        return Field(
            name=node.name.value,
            type=print_type(node.type, self.rename),
            default=node.default_value,
            description=node.description.value if node.description else None,
            directives=self.carried(node.directives),
        )

    def read_field(self, type_name: str, node: FieldDefinitionNode) -> Field:
        field = Field(
            name=node.name.value,
            type=print_type(node.type, self.rename),
            args={a.name.value: self.read_argument(a) for a in node.arguments or ()},
            description=node.description.value if node.description else None,
            directives=self.carried(node.directives),
        )
        for directive in node.directives or ():
            canonical = self.canonical(directive)
            args = {a.name.value: a.value for a in directive.arguments or ()}
            if canonical == "external":
                field.external = True
            elif canonical == "shareable":
                field.shareable = True
            elif canonical in ("requires", "provides"):
                fields = field_set_argument(args.get("fields"))
                if fields is None:
                    code = "REQUIRES_INVALID_FIELDS_TYPE" if canonical == "requires" else "PROVIDES_INVALID_FIELDS_TYPE"
                    self.error(code, f'On field "{type_name}.{field.name}", @{canonical}(fields:) must be a string')
                    continue
                setattr(field, canonical, fields)
            elif canonical == "override":
                source = args.get("from")
                label = args.get("label")
                field.override = source.value if isinstance(source, StringValueNode) else None
                field.override_label = label.value if isinstance(label, StringValueNode) else None
        return field

    def check_root_names(self) -> None:
        """A root type with another name while a type has the default root name is ambiguous (Apollo refuses)."""
        for operation, default in ROOT_NAMES.items():
            local = next((n for n, canonical in self.renames.items() if canonical == default and n != default), None)
            if local is not None and default in self.original_names:
                self.error(
                    f"ROOT_{operation.upper()}_USED",
                    f'The schema has a type named "{default}" but it is not set as the {operation} root type '
                    f'("{local}" is instead): this is not supported by federation. If a root type does not use '
                    "its default name, there should be no other type with that default name.",
                    default,
                )

    def read_executable_directives(self, definitions: list) -> None:
        for node in definitions:
            if not isinstance(node, DirectiveDefinitionNode):
                continue
            name = node.name.value
            if name in self.link.names or name in BUILT_IN_DIRECTIVES or name == "link":
                continue
            if name in self.subgraph.composed_directives:
                continue
            locations = [loc.value for loc in node.locations if loc.value in EXECUTABLE_LOCATIONS]
            if locations:
                self.subgraph.executable_directives[name] = ExecutableDirective(
                    name=name,
                    locations=locations,
                    repeatable=node.repeatable,
                    args={a.name.value: self.read_argument(a) for a in node.arguments or ()},
                )

    def check_directives(self, definitions: list) -> None:
        """A directive the subgraph neither defines nor imports is a mistake (often a missing import)."""
        defined = {d.name.value for d in definitions if isinstance(d, DirectiveDefinitionNode)}
        known = defined | set(self.link.names) | BUILT_IN_DIRECTIVES

        def check(directives, type_name: str, field: str | None = None) -> None:
            for directive in directives or ():
                name = directive.name.value
                if name not in known:
                    where = f'"{type_name}.{field}"' if field else f'"{type_name}"'
                    self.error("INVALID_GRAPHQL", f'Unknown directive "@{name}" on {where}.', type_name, field)
                    continue
                canonical = self.canonical(directive)
                args = {a.name.value: a.value for a in directive.arguments or ()}
                for arg_name, required in _STRING_ARGUMENTS.get(canonical or "", ()):
                    value = args.get(arg_name)
                    if value is None and required:
                        self.error("INVALID_GRAPHQL",
                                   f'Directive "@{name}" argument "{arg_name}" of type "String!" is required, but it '
                                   "was not provided.", type_name, field)
                    elif value is not None and not isinstance(value, StringValueNode) and not (
                        canonical in ("key", "requires", "provides") and field_set_argument(value) is not None
                    ):
                        self.error("INVALID_GRAPHQL",
                                   f'Invalid value for "@{name}({arg_name}:)" of type "String!" in application of '
                                   f'"@{name}" to "{type_name + "." + field if field else type_name}".',
                                   type_name, field)

        for node in definitions:
            if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
                continue
            if not isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                continue
            type_name = node.name.value
            if self.skip_type(type_name):
                continue
            check(node.directives, type_name)
            for child in (getattr(node, "fields", None) or ()) + (getattr(node, "values", None) or ()):
                check(child.directives, type_name, child.name.value)
                for arg in getattr(child, "arguments", None) or ():
                    check(arg.directives, type_name, child.name.value)

    def check_references(self) -> None:
        types = self.subgraph.types
        known = set(types) | BUILT_IN_SCALARS

        def check(type_ref: str, type_name: str, field: str | None = None) -> None:
            named = named_type(type_ref)
            if named not in known:
                self.error("INVALID_GRAPHQL", f"Unknown type {named}", type_name, field)

        for typedef in types.values():
            for field in typedef.fields.values():
                check(field.type, typedef.name, field.name)
                for arg in field.args.values():
                    check(arg.type, typedef.name, field.name)
            for interface in typedef.interfaces:
                if interface not in types or types[interface].kind != INTERFACE:
                    self.error("INVALID_GRAPHQL", f"Unknown interface {interface}", typedef.name)
            for member in typedef.members:
                if member not in types or types[member].kind != OBJECT:
                    self.error("INVALID_GRAPHQL", f"Unknown union member {member}", typedef.name)


def read_subgraph(name: str, url: str, sdl: str) -> Subgraph:
    """Parse and normalise one subgraph; raises SubgraphErrors when it cannot be read."""
    try:
        document = parse(sdl, no_location=True)
    except GraphQLSyntaxError as exc:
        error = CompositionError("INVALID_GRAPHQL", f"[{name}] Invalid SDL: {exc.message}", subgraph=name)
        raise SubgraphErrors([error]) from exc
    link = resolve_links(document, name)
    return _Reader(name, url, link).read(document)
