"""The normalised form of a subgraph schema that composition works on.

Federation directives are resolved to their canonical names (whatever the subgraph imported them as) and
Federation 1 subgraphs are already upgraded to Federation 2 meaning, so merging never looks at raw SDL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.language import ValueNode

OBJECT = "OBJECT"
INTERFACE = "INTERFACE"
UNION = "UNION"
ENUM = "ENUM"
INPUT_OBJECT = "INPUT_OBJECT"
SCALAR = "SCALAR"

KIND_NAMES = {
    OBJECT: "Object Type",
    INTERFACE: "Interface Type",
    UNION: "Union Type",
    ENUM: "Enum Type",
    INPUT_OBJECT: "Input Object Type",
    SCALAR: "Scalar Type",
}


@dataclass
class AppliedDirective:
    """A directive that composition carries into the supergraph (@tag, @inaccessible, access control)."""

    name: str  # canonical federation name: tag, inaccessible, authenticated, requiresScopes, policy
    args: dict[str, ValueNode] = field(default_factory=dict)


@dataclass
class Argument:
    name: str
    type: str
    default: ValueNode | None = None
    from_context: str | None = None  # @fromContext(field: "$ctx { selection }")
    description: str | None = None
    directives: list[AppliedDirective] = field(default_factory=list)


@dataclass
class Field:
    name: str
    type: str
    args: dict[str, Argument] = field(default_factory=dict)
    description: str | None = None
    default: ValueNode | None = None  # input fields only
    external: bool = False
    shareable: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    in_extension: bool = False
    provided: bool = False  # selected by some @provides: an @external field then is only partially external
    directives: list[AppliedDirective] = field(default_factory=list)


@dataclass
class Key:
    fields: str
    resolvable: bool = True
    extension: bool = False


@dataclass
class EnumValue:
    name: str
    description: str | None = None
    directives: list[AppliedDirective] = field(default_factory=list)


@dataclass
class TypeDef:
    kind: str
    name: str
    description: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    interface_object: bool = False
    contexts: list[str] = field(default_factory=list)  # @context(name:) set on this type
    has_definition: bool = False  # defined with `type X` (not only `extend type X`)
    has_extension: bool = False
    extends: bool = False  # carries @extends
    directives: list[AppliedDirective] = field(default_factory=list)

    @property
    def is_entity(self) -> bool:
        return bool(self.keys)

    @property
    def merged_kind(self) -> str:
        """An @interfaceObject is an interface in the supergraph."""
        return INTERFACE if self.interface_object else self.kind


@dataclass
class ExecutableDirective:
    name: str
    locations: list[str]
    repeatable: bool
    args: dict[str, Argument] = field(default_factory=dict)


@dataclass
class ComposedDirective:
    """A custom directive a subgraph asks to keep in the supergraph with @composeDirective."""

    name: str  # its name in the subgraph, and in the supergraph
    url: str  # the spec it is linked from
    original: str  # its name in that spec
    definition: str  # printed `directive @...` definition
    repeatable: bool


@dataclass
class Subgraph:
    name: str
    url: str
    fed2: bool
    version: tuple[int, int] | None  # linked federation version, None for Federation 1
    types: dict[str, TypeDef] = field(default_factory=dict)
    root_types: dict[str, str] = field(default_factory=dict)  # operation -> type name (always canonical)
    # local names the subgraph gave to directives that end up in the supergraph (e.g. tag -> mytag)
    directive_names: dict[str, str] = field(default_factory=dict)
    # custom directives usable in operations (`directive @x on FIELD`): (locations, repeatable, arguments)
    executable_directives: dict[str, ExecutableDirective] = field(default_factory=dict)
    composed_directives: dict[str, ComposedDirective] = field(default_factory=dict)

    def object_like(self, name: str) -> TypeDef | None:
        t = self.types.get(name)
        return t if t is not None and t.kind in (OBJECT, INTERFACE) else None

    def implementations(self, interface: str) -> list[TypeDef]:
        return [t for t in self.types.values() if t.kind == OBJECT and interface in t.interfaces]
