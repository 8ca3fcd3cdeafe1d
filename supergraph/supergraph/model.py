"""The supergraph as the planner sees it: graphs, types, fields and where each one can be resolved."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql.language import SelectionSetNode


@dataclass(frozen=True)
class Graph:
    enum_value: str  # the join__Graph enum value, e.g. ACCOUNTS
    name: str  # the subgraph name, e.g. accounts
    url: str


@dataclass(frozen=True)
class Key:
    fields: str
    selection: SelectionSetNode
    resolvable: bool


@dataclass
class TypeInGraph:
    graph: str
    keys: list[Key] = field(default_factory=list)
    extension: bool = False
    is_interface_object: bool = False

    @property
    def resolvable_keys(self) -> list[Key]:
        return [k for k in self.keys if k.resolvable]


@dataclass(frozen=True)
class FieldInGraph:
    graph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    type: str | None = None
    override_label: str | None = None  # progressive @override (join v0.4+): "percent(N)" or a custom label


@dataclass
class FieldDef:
    name: str
    type_name: str  # the named (unwrapped) type
    type_text: str  # the full supergraph type, e.g. [Product!]!
    # None: no @join__field at all, so the field lives in every graph that has the parent type.
    graphs: dict[str, FieldInGraph] | None = None
    inaccessible: bool = False
    authenticated: bool = False
    requires_scopes: list[list[str]] = field(default_factory=list)


@dataclass
class TypeDef:
    name: str
    kind: str  # OBJECT, INTERFACE, UNION, ENUM, INPUT_OBJECT, SCALAR
    graphs: dict[str, TypeInGraph] = field(default_factory=dict)
    fields: dict[str, FieldDef] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    implements_in: dict[str, set[str]] = field(default_factory=dict)  # graph -> interfaces implemented there
    union_members_in: dict[str, set[str]] = field(default_factory=dict)  # graph -> members there
    enum_values_in: dict[str, set[str]] = field(default_factory=dict)  # value -> graphs
    inaccessible: bool = False
    authenticated: bool = False
    requires_scopes: list[list[str]] = field(default_factory=list)

    @property
    def is_abstract(self) -> bool:
        return self.kind in ("INTERFACE", "UNION")


@dataclass
class Supergraph:
    sdl: str
    graphs: dict[str, Graph]  # by enum value
    types: dict[str, TypeDef]
    query_type: str = "Query"
    mutation_type: str | None = None
    subscription_type: str | None = None
    join_version: str = "0.3"
    possible_types: dict[str, list[str]] = field(default_factory=dict)  # supergraph-wide
    # progressive override labels -> percentage of requests that take the overriding subgraph (None: custom label)
    override_labels: dict[str, float | None] = field(default_factory=dict)
    # labels switched on for the plan being built (the planner sets it; planning is synchronous)
    active_labels: frozenset[str] = frozenset()

    def field_def(self, type_name: str, field_name: str) -> FieldDef | None:
        t = self.types.get(type_name)
        return t.fields.get(field_name) if t else None

    def type_in_graph(self, type_name: str, graph: str) -> TypeInGraph | None:
        t = self.types.get(type_name)
        return t.graphs.get(graph) if t else None

    def is_interface_object_in(self, type_name: str, graph: str) -> bool:
        tig = self.type_in_graph(type_name, graph)
        return bool(tig and tig.is_interface_object)

    def field_in_graph(self, type_name: str, field_name: str, graph: str) -> FieldInGraph | None:
        """The join information of a field in one graph, or None when the graph does not define it."""
        t = self.types.get(type_name)
        if t is None or graph not in t.graphs:
            return None
        fd = t.fields.get(field_name)
        if fd is None:
            return None
        if fd.graphs is None:
            return FieldInGraph(graph=graph)
        return fd.graphs.get(graph)

    def resolves_locally(self, type_name: str, field_name: str, graph: str) -> bool:
        """True when `graph` can resolve the field itself (it owns it, is not external nor overridden away)."""
        if field_name == "__typename":
            return True
        fig = self.field_in_graph(type_name, field_name, graph)
        if fig is None:
            return False
        if fig.override_label is not None:
            # the overriding subgraph (it has `override`) while the label is on, the original one while it is off
            return (fig.override_label in self.active_labels) == (fig.override is not None)
        return not fig.external and not fig.used_overridden

    def possible_types_in(self, type_name: str, graph: str) -> list[str]:
        """Object types that `graph` can return for an abstract type (in its own schema)."""
        t = self.types[type_name]
        if t.kind == "OBJECT":
            return [type_name]
        tig = t.graphs.get(graph)
        if tig is not None and tig.is_interface_object:
            return [type_name]
        result = []
        for name in self.possible_types.get(type_name, []):
            pt = self.types[name]
            if graph not in pt.graphs:
                continue
            if t.kind == "UNION":
                if t.union_members_in and name not in t.union_members_in.get(graph, set()):
                    continue
            elif pt.implements_in and type_name not in pt.implements_in.get(graph, set()):
                continue
            result.append(name)
        return result
