"""The composed supergraph before printing: merged types plus the join information per subgraph."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.language import ValueNode

from .model import AppliedDirective, ComposedDirective


@dataclass
class JoinType:
    graph: str
    key: str | None = None
    extension: bool = False
    resolvable: bool = True
    is_interface_object: bool = False


@dataclass
class JoinField:
    graph: str | None = None
    # @fromContext arguments: (context, name, type, selection)
    context_arguments: list[tuple[str, str, str, str]] = field(default_factory=list)
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    override_label: str | None = None


@dataclass
class MergedArgument:
    name: str
    type: str = ""
    default: ValueNode | None = None
    description: str | None = None
    directives: list[AppliedDirective] = field(default_factory=list)


@dataclass
class MergedField:
    name: str
    type: str = ""
    args: dict[str, MergedArgument] = field(default_factory=dict)
    description: str | None = None
    default: ValueNode | None = None
    join_fields: list[JoinField] = field(default_factory=list)
    directives: list[AppliedDirective] = field(default_factory=list)

    @property
    def inaccessible(self) -> bool:
        return any(d.name == "inaccessible" for d in self.directives)


@dataclass
class MergedEnumValue:
    name: str
    description: str | None = None
    graphs: list[str] = field(default_factory=list)
    directives: list[AppliedDirective] = field(default_factory=list)


@dataclass
class MergedType:
    kind: str
    name: str
    description: str | None = None
    join_types: list[JoinType] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    join_implements: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, MergedField] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    join_members: list[tuple[str, str]] = field(default_factory=list)
    values: dict[str, MergedEnumValue] = field(default_factory=dict)
    directives: list[AppliedDirective] = field(default_factory=list)


@dataclass
class Graph:
    enum_name: str
    name: str
    url: str


@dataclass
class Supergraph:
    graphs: list[Graph]
    types: dict[str, MergedType]
    root_types: dict[str, str]
    join_version: tuple[int, int]
    # canonical directive name -> name used in the supergraph (e.g. tag -> mytag), for those applied
    directive_names: dict[str, str]
    # `directive @x(...) on FIELD | ...` definitions common to all subgraphs, already printed
    executable_directives: list[str] = field(default_factory=list)
    # custom directives kept with @composeDirective
    composed_directives: list[ComposedDirective] = field(default_factory=list)
    uses_context: bool = False
