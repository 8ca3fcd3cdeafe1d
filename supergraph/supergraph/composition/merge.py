"""Merging normalised subgraphs into one supergraph, with the join information and the merge errors."""

from __future__ import annotations

from graphql.language import StringValueNode

from .merge_base import _CARRIED_ORDER, Hint, MergerBase, _human_list, _OverrideState, _uses, graph_enum_names
from .merge_fields import FieldMerging
from .merge_values import ValueMerging
from .model import (
    ENUM,
    INPUT_OBJECT,
    INTERFACE,
    KIND_NAMES,
    OBJECT,
    SCALAR,
    UNION,
    AppliedDirective,
    Field,
    TypeDef,
)
from .satisfiability import SatisfiabilityChecker
from .supergraph_model import (
    Graph,
    JoinField,
    JoinType,
    MergedArgument,
    MergedField,
    MergedType,
    Supergraph,
)
from .values import print_value

__all__ = ["Hint", "Merger", "MergerBase", "graph_enum_names"]


class Merger(FieldMerging, ValueMerging):
    """Merges normalised subgraphs: types first, then fields, enums last (their merging depends on usage)."""

    # ---- whole-schema steps --------------------------------------------------------------------

    def add_types_shallow(self) -> None:
        kinds: dict[str, dict[int, str]] = {}
        for idx, subgraph in enumerate(self.subgraphs):
            for typedef in subgraph.types.values():
                kinds.setdefault(typedef.name, {})[idx] = typedef.merged_kind
                if typedef.name not in self.types:
                    self.types[typedef.name] = MergedType(kind=typedef.merged_kind, name=typedef.name)
        for name, per_subgraph in kinds.items():
            if len(set(per_subgraph.values())) > 1:
                described: dict[str, list[str]] = {}
                for idx, kind in per_subgraph.items():
                    typedef = self.subgraphs[idx].types[name]
                    label = (
                        "Interface Object Type (Object Type with @interfaceObject)"
                        if typedef.interface_object
                        else KIND_NAMES[kind]
                    )
                    described.setdefault(label, []).append(f'"{self.names[idx]}"')
                parts = [f"{k} in {_human_list(v, 'subgraph', 'subgraphs')}" for k, v in described.items()]
                self.error("TYPE_KIND_MISMATCH", f'Type "{name}" has mismatched kind: it is defined as '
                           + " but ".join(parts), name)
            interface_object_in = [i for i in per_subgraph if self.subgraphs[i].types[name].interface_object]
            if interface_object_in and not any(
                self.subgraphs[i].types[name].kind == INTERFACE for i in per_subgraph
            ):
                subgraphs = [f'"{self.names[i]}"' for i in interface_object_in]
                self.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{name}" is declared with @interfaceObject in all the subgraphs in which it is defined '
                    f"(it is defined in {_human_list(subgraphs, 'subgraph', 'subgraphs')} but should be defined "
                    "as an interface in at least one subgraph)",
                    name,
                )

    def check_import_names(self) -> None:
        """A merged directive (@tag, @inaccessible, ...) must have one name in all subgraphs that use it."""
        for canonical in _CARRIED_ORDER:
            by_name: dict[str, list[str]] = {}
            for subgraph in self.subgraphs:
                if subgraph.fed2 and _uses(subgraph, canonical):
                    local = subgraph.directive_names.get(canonical, canonical)
                    by_name.setdefault(local, []).append(f'"{subgraph.name}"')
            if len(by_name) > 1:
                parts = [f'"@{n}" in {_human_list(s, "subgraph", "subgraphs")}' for n, s in by_name.items()]
                self.error("LINK_IMPORT_NAME_MISMATCH",
                           f'The "@{canonical}" directive (from https://specs.apollo.dev/federation) is imported '
                           "with mismatched name between subgraphs: it is imported as " + " but ".join(parts))

    def merge(self) -> Supergraph | None:
        self.check_import_names()
        self.add_types_shallow()
        if self.errors:
            return None
        for merged in self.types.values():
            if merged.kind in (OBJECT, INTERFACE):
                self.merge_implements(merged)
        for merged in self.types.values():
            if merged.kind == UNION:
                self.merge_type(merged)
        order = (SCALAR, INPUT_OBJECT, INTERFACE, OBJECT)
        for kind in order:
            for merged in list(self.types.values()):
                if merged.kind == kind:
                    self.merge_type(merged)
        for merged in self.types.values():
            if merged.kind == ENUM:
                self.merge_type(merged)
        self.add_interface_object_fields_to_implementations()
        self.drop_empty_types()
        self.post_merge_validations()
        if self.errors:
            return None
        roots = [r for r in ("Query", "Mutation", "Subscription") if r in self.types]
        self.errors.extend(SatisfiabilityChecker(self.subgraphs, self.graphs, self.types).check(roots))
        if self.errors:
            return None
        roots = {op: name for op, name in (("query", "Query"), ("mutation", "Mutation"),
                                            ("subscription", "Subscription")) if name in self.types}
        # the supergraph uses the name the subgraphs applying a directive gave it (they must agree)
        directive_names: dict[str, str] = {}
        for subgraph in self.subgraphs:
            for canonical, local in subgraph.directive_names.items():
                if canonical not in directive_names and _uses(subgraph, canonical) and self.is_applied(canonical):
                    directive_names[canonical] = local
        for canonical in _CARRIED_ORDER:
            if canonical not in directive_names and self.is_applied(canonical):
                directive_names[canonical] = canonical
        return Supergraph(
            executable_directives=self.merge_executable_directives(),
            composed_directives=[c for c in self.composed.values() if self.is_applied(c.name)],
            uses_context=any(t.contexts for s in self.subgraphs for t in s.types.values()),
            graphs=[Graph(self.graphs[i], s.name, s.url) for i, s in enumerate(self.subgraphs)],
            types=self.types,
            root_types=roots,
            join_version=self.join_version(),
            directive_names=directive_names,
        )

    def merge_executable_directives(self) -> list[str]:
        """Directives for operations are kept when every subgraph defines them, on their common locations."""
        printed = []
        first = self.subgraphs[0].executable_directives
        for name in first:
            definitions = [s.executable_directives.get(name) for s in self.subgraphs]
            if any(d is None for d in definitions):
                continue
            present = [d for d in definitions if d is not None]
            locations = sorted(loc for loc in present[0].locations if all(loc in d.locations for d in present))
            if not locations:
                continue
            args = []
            for arg_name, arg in present[0].args.items():
                if all(arg_name in d.args for d in present):
                    default = f" = {print_value(arg.default)}" if arg.default is not None else ""
                    args.append(f"{arg_name}: {arg.type}{default}")
            arguments = f"({', '.join(args)})" if args else ""
            repeatable = " repeatable" if all(d.repeatable for d in present) else ""
            printed.append(f"directive @{name}{arguments}{repeatable} on {' | '.join(locations)}")
        return printed

    def is_applied(self, canonical: str) -> bool:
        for merged in self.types.values():
            lists = [merged.directives]
            for f in merged.fields.values():
                lists.append(f.directives)
                lists.extend(a.directives for a in f.args.values())
            lists.extend(v.directives for v in merged.values.values())
            if any(d.name == canonical for directives in lists for d in directives):
                return True
        return False

    def join_version(self) -> tuple[int, int]:
        versions = [s.version for s in self.subgraphs if s.version is not None]
        latest = max(versions) if versions else (2, 0)
        if latest >= (2, 8):
            return (0, 5)
        if latest >= (2, 7):
            return (0, 4)
        return (0, 3)

    def drop_empty_types(self) -> None:
        for name in [n for n, t in self.types.items() if t.kind in (OBJECT, INTERFACE) and not t.fields]:
            if name == "Query":
                continue
            del self.types[name]
        if "Query" in self.types and not self.types["Query"].fields:
            self.error("NO_QUERIES", "No queries found in any subgraph: a supergraph must have a query root type.")

    # ---- per type ------------------------------------------------------------------------------

    def merge_implements(self, merged: MergedType) -> None:
        for idx, typedef in self.sources(merged.name).items():
            for interface in typedef.interfaces:
                merged.join_implements.append((self.graphs[idx], interface))
                if interface not in merged.interfaces:
                    merged.interfaces.append(interface)

    def merge_type(self, merged: MergedType) -> None:
        sources = self.sources(merged.name)
        self.check_extension_with_no_base(merged, sources)
        merged.description = self.merge_description([t.description for t in sources.values()])
        for idx, typedef in sources.items():
            graph = self.graphs[idx]
            if typedef.keys:
                for key in typedef.keys:
                    merged.join_types.append(
                        JoinType(graph, key.fields, key.extension or typedef.extends, key.resolvable,
                                 typedef.interface_object)
                    )
            else:
                merged.join_types.append(JoinType(graph, is_interface_object=typedef.interface_object))
        merged.directives = self.merge_directives([t.directives for t in sources.values()])
        for idx, typedef in sources.items():
            for context in typedef.contexts:  # @context names are made unique per subgraph
                merged.directives.append(
                    AppliedDirective("context", {"name": StringValueNode(value=f"{self.names[idx]}__{context}")})
                )
        if merged.kind == OBJECT:
            self.merge_object(merged, sources)
        elif merged.kind == INTERFACE:
            self.merge_interface(merged, sources)
        elif merged.kind == UNION:
            for typedef in sources.values():
                for member in typedef.members:
                    if member not in merged.members:
                        merged.members.append(member)
            for member in merged.members:
                for idx, typedef in sources.items():
                    if member in typedef.members:
                        merged.join_members.append((self.graphs[idx], member))
        elif merged.kind == ENUM:
            self.merge_enum(merged, sources)
        elif merged.kind == INPUT_OBJECT:
            self.merge_input(merged, sources)

    def check_extension_with_no_base(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        if merged.name in ("Query", "Mutation", "Subscription"):
            return
        if any(t.has_definition for t in sources.values()):
            return
        for idx, typedef in sources.items():
            if typedef.has_extension:
                self.error(
                    "EXTENSION_WITH_NO_BASE",
                    f'[{self.names[idx]}] Type "{merged.name}" is an extension type, but there is no type '
                    f'definition for "{merged.name}" in any subgraph.',
                    merged.name,
                    subgraph=self.names[idx],
                )

    def field_sources(self, merged: MergedType, sources: dict[int, TypeDef]) -> dict[str, dict[int, Field | None]]:
        """For each field: every subgraph that has the type (None where it lacks the field)."""
        extra: dict[int, None] = {}
        for idx, subgraph in enumerate(self.subgraphs):
            if idx in sources or merged.name in subgraph.types:
                extra[idx] = None
            elif merged.kind in (OBJECT, INTERFACE) and any(
                (t := subgraph.types.get(i)) is not None and t.interface_object for i in merged.interfaces
            ):
                extra[idx] = None
        fields: dict[str, dict[int, Field | None]] = {}
        for idx, typedef in sources.items():
            for f in typedef.fields.values():
                per = fields.get(f.name)
                if per is None:
                    per = fields[f.name] = dict(extra)
                per[idx] = f
        return fields

    def abstracted_by_interface_object(self, merged: MergedType, field_name: str,
                                       idx: int) -> list[tuple[str, Field]]:
        """(interface, field) of the @interfaceObject types through which subgraph `idx` provides the field."""
        subgraph = self.subgraphs[idx]
        if merged.kind != OBJECT or merged.name in subgraph.types:
            return []
        found = []
        for interface in merged.interfaces:
            merged_interface = self.types.get(interface)
            typedef = subgraph.types.get(interface)
            if typedef is None or typedef.kind != OBJECT:
                continue
            if merged_interface is not None and field_name not in merged_interface.fields and \
                    field_name not in typedef.fields:
                continue
            f = typedef.fields.get(field_name)
            if f is not None:
                found.append((interface, f))
        return found

    def merge_object(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        for name, per in self.field_sources(merged, sources).items():
            coordinate = f"{merged.name}.{name}"
            state = self.validate_override(merged, name, per)
            if merged.name == "Subscription":
                for idx, f in per.items():
                    if f is not None and f.shareable:
                        self.error("INVALID_FIELD_SHARING",
                                   "Fields on root level subscription object cannot be marked as shareable",
                                   merged.name, name, subgraph=self.names[idx])
            dest = self.merge_field(merged, name, per, state)
            if dest is not None:
                merged.fields[name] = dest
            self.validate_field_sharing(merged, coordinate, name, per, state)

    def merge_interface(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        implementations = [t.name for t in self.types.values() if t.kind == OBJECT and merged.name in t.interfaces]
        for idx, typedef in sources.items():
            if typedef.kind == INTERFACE and any(k.resolvable for k in typedef.keys):
                defined = {t.name for t in self.subgraphs[idx].implementations(merged.name)}
                missing = [n for n in implementations if n not in defined]
                if missing:
                    key = next(k for k in typedef.keys if k.resolvable)
                    listed = [f'"{m}"' for m in missing]
                    self.error(
                        "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                        f'[{self.names[idx]}] Interface type "{merged.name}" has a resolvable key '
                        f'(@key(fields: "{key.fields}")) in subgraph "{self.names[idx]}" but that subgraph is '
                        f"missing some of the supergraph implementation types of \"{merged.name}\". Subgraph "
                        f'"{self.names[idx]}" should define {_human_list(listed, "type", "types")} (and have '
                        f'{"them" if len(missing) > 1 else "it"} implement "{merged.name}").',
                        merged.name,
                        subgraph=self.names[idx],
                    )
            if typedef.interface_object:
                defined_impls = [n for n in implementations if n in self.subgraphs[idx].types]
                if defined_impls:
                    listed = [f'"{n}"' for n in defined_impls]
                    self.error(
                        "INTERFACE_OBJECT_USAGE_ERROR",
                        f'[{self.names[idx]}] Interface type "{merged.name}" is defined as an @interfaceObject in '
                        f'subgraph "{self.names[idx]}" so that subgraph should not define any of the '
                        f'implementation types of "{merged.name}", but it defines '
                        f"{_human_list(listed, 'type', 'types')}",
                        merged.name,
                        subgraph=self.names[idx],
                    )
        for name, per in self.field_sources(merged, sources).items():
            state = self.validate_override(merged, name, per)
            dest = self.merge_field(merged, name, per, state)
            if dest is not None:
                merged.fields[name] = dest

    # ---- @interfaceObject and final checks -----------------------------------------------------

    def provided_by_interface_object(self, interface: str, field_name: str) -> bool:
        for subgraph in self.subgraphs:
            typedef = subgraph.types.get(interface)
            if typedef is not None and typedef.interface_object and field_name in typedef.fields:
                return True
        return False

    def add_interface_object_fields_to_implementations(self) -> None:
        for merged in list(self.types.values()):
            if merged.kind != OBJECT:
                continue
            for interface in merged.interfaces:
                merged_interface = self.types.get(interface)
                if merged_interface is None:
                    continue
                for itf_field in list(merged_interface.fields.values()):
                    existing = merged.fields.get(itf_field.name)
                    if existing is not None:
                        fully_external = existing.join_fields and all(j.external for j in existing.join_fields)
                        if fully_external and self.provided_by_interface_object(interface, itf_field.name):
                            existing.directives = self.merge_directives([existing.directives, itf_field.directives])
                        continue
                    if not self.provided_by_interface_object(interface, itf_field.name):
                        continue
                    merged.fields[itf_field.name] = MergedField(
                        name=itf_field.name,
                        type=itf_field.type,
                        args={n: MergedArgument(a.name, a.type, a.default, a.description, list(a.directives))
                              for n, a in itf_field.args.items()},
                        description=itf_field.description,
                        join_fields=[JoinField()],
                        directives=list(itf_field.directives),
                    )
                    # several @interfaceObject subgraphs providing it must share it
                    state = _OverrideState()
                    self.validate_field_sharing(merged, f"{merged.name}.{itf_field.name}", itf_field.name,
                                                {i: None for i in range(len(self.subgraphs))}, state)

    def post_merge_validations(self) -> None:
        for merged in self.types.values():
            if merged.kind not in (OBJECT, INTERFACE):
                continue
            for interface in merged.interfaces:
                merged_interface = self.types.get(interface)
                if merged_interface is None:
                    continue
                for itf_field in merged_interface.fields.values():
                    if itf_field.name in merged.fields:
                        continue
                    declaring = [
                        f'"{s.name}"' for s in self.subgraphs
                        if (t := s.types.get(interface)) is not None and itf_field.name in t.fields
                    ]
                    self.error(
                        "INTERFACE_FIELD_NO_IMPLEM",
                        f'Interface field "{interface}.{itf_field.name}" is declared in '
                        f'{_human_list(declaring, "subgraph", "subgraphs")} but type "{merged.name}", which '
                        f'implements "{interface}" only in some subgraphs, does not have field "{itf_field.name}".',
                        merged.name,
                        itf_field.name,
                    )
