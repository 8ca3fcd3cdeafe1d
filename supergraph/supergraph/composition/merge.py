"""Merging normalised subgraphs into one supergraph, with the join information and the merge errors."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from graphql import print_ast
from graphql.language import ListValueNode, ValueNode

from .errors import CompositionError
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
    Subgraph,
    TypeDef,
)
from .satisfiability import SatisfiabilityChecker
from .supergraph_model import (
    Graph,
    JoinField,
    JoinType,
    MergedArgument,
    MergedEnumValue,
    MergedField,
    MergedType,
    Supergraph,
)
from .typerefs import is_subtype, named_type
from .usage import used_fields

_LABEL = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-:./]*$")
_PERCENT = re.compile(r"^percent\((\d{1,2}(\.\d{1,8})?|100)\)$")
_CARRIED_ORDER = ("inaccessible", "tag", "authenticated", "requiresScopes", "policy")
# built-in directives kept on the supergraph elements (one application, the most common one)
_BUILT_IN_KEPT = ("deprecated", "specifiedBy")


@dataclass
class Hint:
    """Something composition accepted but that is probably a mistake."""

    code: str
    message: str
    subgraph: str | None = None
    type: str | None = None
    field: str | None = None


@dataclass
class _OverrideState:
    used_overridden: set[int] = field(default_factory=set)
    unused_overridden: set[int] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)
    unknown_target: set[int] = field(default_factory=set)


def _uses(subgraph: Subgraph, canonical: str) -> bool:
    for typedef in subgraph.types.values():
        lists = [typedef.directives]
        for f in typedef.fields.values():
            lists.append(f.directives)
            lists.extend(a.directives for a in f.args.values())
        lists.extend(v.directives for v in typedef.values.values())
        if any(d.name == canonical for directives in lists for d in directives):
            return True
    return False


def graph_enum_names(names: list[str]) -> list[str]:
    result: list[str] = []
    counts: Counter[str] = Counter()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
        if base[:1].isdigit():
            base = "_" + base
        counts[base] += 1
        result.append(base if counts[base] == 1 else f"{base}_{counts[base]}")
    return result


def _value_key(value: ValueNode | None) -> str | None:
    return None if value is None else print_ast(value)


def _human_list(items: list[str], singular: str, plural: str) -> str:
    if len(items) == 1:
        return f"{singular} {items[0]}"
    return f"{plural} " + ", ".join(items[:-1]) + f" and {items[-1]}"


def _join(parts: list[str], sep: str = " and ", first_sep: str | None = None) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return parts[0] + (first_sep or sep) + parts[1]
    return parts[0] + (first_sep or sep) + sep.join(parts[1:-1]) + sep + parts[-1]


class Merger:
    def __init__(self, subgraphs: list[Subgraph]) -> None:
        self.subgraphs = subgraphs
        self.names = [s.name for s in subgraphs]
        self.graphs = graph_enum_names(self.names)
        self.errors: list[CompositionError] = []
        self.hints: list[Hint] = []
        self.types: dict[str, MergedType] = {}
        self.enum_usage: dict[str, set[str]] = {}  # enum -> {"Input", "Output"}
        self.enum_examples: dict[tuple[str, str], str] = {}
        self.used = [used_fields(s) for s in subgraphs]

    # ---- helpers -------------------------------------------------------------------------------

    def mismatch(self, values: dict[int, str], supergraph_value: str) -> str:
        """Apollo's "X in subgraph "a" but Y in subgraphs "b" and "c"" description of a disagreement."""
        groups: dict[str, list[str]] = {}
        for idx, value in values.items():
            groups.setdefault(value, []).append(f'"{self.names[idx]}"')
        parts = []
        if supergraph_value in groups:
            parts.append(f'{supergraph_value} in {_human_list(groups[supergraph_value], "subgraph", "subgraphs")}')
        parts += [f'{v} in {_human_list(n, "subgraph", "subgraphs")}'
                  for v, n in groups.items() if v != supergraph_value]
        return _join(parts, " and ", " but ")

    def error(self, code: str, message: str, type_name: str | None = None, field: str | None = None,
              subgraph: str | None = None) -> None:
        self.errors.append(CompositionError(code, message, subgraph=subgraph, type=type_name, field=field))

    def sources(self, name: str) -> dict[int, TypeDef]:
        """The subgraphs defining a type with the supergraph's kind for it."""
        merged = self.types[name]
        found = {}
        for idx, subgraph in enumerate(self.subgraphs):
            typedef = subgraph.types.get(name)
            if typedef is not None and typedef.merged_kind == merged.kind:
                found[idx] = typedef
        return found

    def is_member(self, abstract: str, concrete: str) -> bool:
        merged = self.types.get(abstract)
        if merged is None:
            return False
        if merged.kind == UNION:
            return concrete in merged.members
        if merged.kind == INTERFACE:
            implementer = self.types.get(concrete)
            return implementer is not None and abstract in implementer.interfaces
        return False

    def merge_description(self, descriptions: list[str | None]) -> str | None:
        present = [d for d in descriptions if d is not None]
        if not present:
            return None
        non_empty = [d for d in present if d != ""]
        if len(set(present)) == 1:
            return present[0]
        if len(set(non_empty)) == 1:
            return non_empty[0]
        return Counter(non_empty).most_common(1)[0][0]

    def merge_directives(self, lists: list[list[AppliedDirective]]) -> list[AppliedDirective]:
        """@inaccessible/@authenticated once, every distinct @tag, the union of scopes and policies, the most
        common @deprecated; in order of first appearance across the subgraphs, as Apollo applies them."""
        order: list[str] = []
        for directives in lists:
            for directive in directives:
                if directive.name not in order:
                    order.append(directive.name)
        merged: list[AppliedDirective] = []
        for name in order:
            applications = [d for directives in lists for d in directives if d.name == name]
            if name == "tag":
                seen: set[str] = set()
                for application in applications:
                    key = _value_key(application.args.get("name")) or ""
                    if key not in seen:
                        seen.add(key)
                        merged.append(application)
            elif name in ("requiresScopes", "policy"):
                argument = "scopes" if name == "requiresScopes" else "policies"
                alternatives: list[ValueNode] = []
                keys: set[str] = set()
                for application in applications:
                    value = application.args.get(argument)
                    for alternative in value.values if isinstance(value, ListValueNode) else ():
                        key = print_ast(alternative)
                        if key not in keys:
                            keys.add(key)
                            alternatives.append(alternative)
                merged.append(AppliedDirective(name, {argument: ListValueNode(values=tuple(alternatives))}))
            elif name in _BUILT_IN_KEPT:
                def args_key(application: AppliedDirective) -> tuple:
                    return tuple(sorted((k, print_ast(v)) for k, v in application.args.items()))

                best = Counter(args_key(a) for a in applications).most_common(1)[0][0]
                merged.append(next(a for a in applications if args_key(a) == best))
            else:
                merged.append(AppliedDirective(name, {}))
        return merged

    def merge_type_reference(self, coordinate: str, types: dict[int, str], input_position: bool,
                             is_argument: bool = False) -> tuple[str, bool]:
        """The supergraph type of a field or argument and whether all subgraphs agree exactly."""
        dest: str | None = None
        subtypes = incompatible = False
        for type_ref in types.values():
            if dest is None or dest == type_ref:
                dest = type_ref
            elif is_subtype(dest, type_ref, self.is_member):
                subtypes = True
                if input_position:
                    dest = type_ref
            elif is_subtype(type_ref, dest, self.is_member):
                subtypes = True
                if not input_position:
                    dest = type_ref
            else:
                incompatible = True
        assert dest is not None
        base = named_type(dest)
        if base in self.types and self.types[base].kind == ENUM:
            position = "Input" if input_position else "Output"
            self.enum_usage.setdefault(base, set()).add(position)
            self.enum_examples.setdefault((base, position), coordinate)
        if incompatible:
            kind = "argument" if is_argument else "field"
            type_name, _, rest = coordinate.partition(".")
            self.error(
                "ARGUMENT_TYPE_MISMATCH" if is_argument else "FIELD_TYPE_MISMATCH",
                f'Type of {kind} "{coordinate}" is incompatible across subgraphs: it has '
                + self.mismatch({i: f'type "{t}"' for i, t in types.items()}, f'type "{dest}"'),
                type_name,
                rest.split("(")[0] or None,
                subgraph=", ".join(self.names[i] for i in types),
            )
            return dest, False
        return dest, not subtypes

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
                    default = f" = {print_ast(arg.default)}" if arg.default is not None else ""
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

    # ---- fields --------------------------------------------------------------------------------

    def validate_override(self, merged: MergedType, name: str, per: dict[int, Field | None]) -> _OverrideState:
        state = _OverrideState()
        coordinate = f"{merged.name}.{name}"
        with_override = {
            idx: f for idx, f in per.items()
            if f is not None and f.override is not None and self.subgraphs[idx].fed2
        }
        if not with_override:
            return state
        overriding_names = {self.names[i] for i in with_override}
        for idx, f in with_override.items():
            subgraph = self.names[idx]
            typedef = self.subgraphs[idx].types[merged.name]
            source = f.override
            assert source is not None
            if typedef.kind == INTERFACE:
                self.error("OVERRIDE_ON_INTERFACE",
                           f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph}": @override '
                           "is not supported on interface type fields.", merged.name, name, subgraph)
                continue
            if typedef.interface_object:
                self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                           f"@override is not yet supported on fields of @interfaceObject types: cannot be used on "
                           f'field "{coordinate}" on subgraph "{subgraph}".', merged.name, name, subgraph)
                continue
            if source not in self.names:
                state.unknown_target.add(idx)
                close = difflib.get_close_matches(source, self.names, n=1)
                extra = f' Did you mean "{close[0]}"?' if close else ""
                self.hints.append(Hint("FROM_SUBGRAPH_DOES_NOT_EXIST",
                                       f'Source subgraph "{source}" for field "{coordinate}" on subgraph '
                                       f'"{subgraph}" does not exist.{extra}', subgraph, merged.name, name))
                continue
            if source == subgraph:
                self.error("OVERRIDE_FROM_SELF_ERROR",
                           f'Source and destination subgraphs "{source}" are the same for overridden field '
                           f'"{coordinate}"', merged.name, name, subgraph)
                continue
            if source in overriding_names:
                self.error("OVERRIDE_SOURCE_HAS_OVERRIDE",
                           f'Field "{coordinate}" on subgraph "{subgraph}" is also marked with directive @override '
                           f'in subgraph "{source}". Only one @override directive is allowed per field.',
                           merged.name, name, subgraph)
                continue
            from_idx = self.names.index(source)
            from_field = per.get(from_idx)
            if from_field is None:
                abstracting = self.abstracted_by_interface_object(merged, name, from_idx)
                if abstracting:
                    self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                               f'Invalid @override on field "{coordinate}" of subgraph "{subgraph}": source '
                               f'subgraph "{source}" does not have field "{coordinate}" but abstract it in an '
                               "@interfaceObject and overriding abstracted fields is not supported.",
                               merged.name, name, subgraph)
                    continue
                self.hints.append(Hint("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                                       f'Field "{coordinate}" on subgraph "{subgraph}" no longer exists in the from '
                                       "subgraph. The @override directive can be removed.", subgraph, merged.name,
                                       name))
                continue
            conflicting = "requires" if from_field.requires else "provides" if from_field.provides else None
            if conflicting is None and f.external:
                self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                           f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph}" since '
                           f'"{coordinate}" on "{subgraph}" is marked with directive "@external"',
                           merged.name, name, subgraph)
                continue
            if conflicting:
                self.error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                           f'@override cannot be used on field "{coordinate}" on subgraph "{subgraph}" since '
                           f'"{coordinate}" on "{source}" is marked with directive "@{conflicting}"',
                           merged.name, name, subgraph)
                continue
            if from_field.external:
                self.hints.append(Hint("OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                                       f'Field "{coordinate}" on subgraph "{subgraph}" is not resolved anymore by the '
                                       f'from subgraph (it is marked "@external" in "{source}"). The @override '
                                       "directive can be removed.", subgraph, merged.name, name))
            elif (merged.name, name) in self.used[from_idx]:
                state.used_overridden.add(from_idx)
            else:
                state.unused_overridden.add(from_idx)
            label = f.override_label
            if label is not None:
                match = _PERCENT.match(label)
                if _LABEL.match(label) or (match and float(match.group(1)) <= 100):
                    state.labels[idx] = label
                    state.labels[from_idx] = label
                else:
                    self.error("OVERRIDE_LABEL_INVALID",
                               f'Invalid @override label "{label}" on field "{coordinate}" on subgraph '
                               f'"{subgraph}": labels must start with a letter and after that may contain '
                               "alphanumerics, underscores, minuses, colons, periods, or slashes. Alternatively, "
                               'labels may be of the form "percent(x)" where x is a float between 0-100 inclusive.',
                               merged.name, name, subgraph)
        return state

    def merge_field(self, merged: MergedType, name: str, per: dict[int, Field | None],
                    state: _OverrideState) -> MergedField | None:
        coordinate = f"{merged.name}.{name}"
        all_external = True
        for idx, f in per.items():
            if f is None:
                abstracting = self.abstracted_by_interface_object(merged, name, idx)
                all_external = all_external and all(a.external for _, a in abstracting)
            else:
                all_external = all_external and f.external
        if all_external:
            defining = [f'"{self.names[i]}"' for i, f in per.items() if f is not None]
            self.error("EXTERNAL_MISSING_ON_BASE",
                       f'Field "{coordinate}" is marked @external on all the subgraphs in which it is listed '
                       f'({_human_list(defining, "subgraph", "subgraphs")}).', merged.name, name)
            return None
        present = {i: f for i, f in per.items() if f is not None}
        resolving = {i: f for i, f in present.items() if not f.external}
        dest = MergedField(name=name)
        dest.description = self.merge_description([f.description for f in resolving.values()])
        dest.directives = self.merge_directives([f.directives for f in resolving.values()])
        for idx, f in present.items():
            if f.external and f.directives:
                bad = f.directives[0]
                self.error("MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                           f'[{self.names[idx]}] Cannot apply merged directive @{bad.name} to external field '
                           f'"{coordinate}"', merged.name, name, self.names[idx])
        self.merge_arguments(coordinate, dest, resolving)
        type_sources = {i: f.type for i, f in (resolving or present).items()}
        dest.type, all_equal = self.merge_type_reference(coordinate, type_sources, input_position=False)
        if any(f.external for f in present.values()):
            self.validate_external_fields(coordinate, merged.name, dest, per, all_equal)
        if self.needs_join_field(merged.name, per, all_equal, state):
            for idx, f in per.items():
                if f is None or (idx in state.unused_overridden and idx not in state.labels):
                    continue
                dest.join_fields.append(JoinField(
                    graph=self.graphs[idx],
                    requires=f.requires,
                    provides=f.provides,
                    type=None if all_equal else f.type,
                    external=f.external,
                    override=f.override if self.subgraphs[idx].fed2 else None,
                    used_overridden=idx in state.used_overridden,
                    override_label=state.labels.get(idx),
                ))
        return dest

    def validate_external_fields(self, coordinate: str, type_name: str, dest: MergedField,
                                 per: dict[int, Field | None], all_equal: bool) -> None:
        invalid_type: list[str] = []
        missing: list[str] = []
        for idx, f in per.items():
            if f is None or not f.external:
                continue
            if not (f.type == dest.type or (not all_equal and is_subtype(dest.type, f.type, self.is_member))):
                invalid_type.append(self.names[idx])
            for arg_name in dest.args:
                if arg_name not in f.args and arg_name not in missing:
                    missing.append(arg_name)
        if invalid_type:
            self.error("EXTERNAL_TYPE_MISMATCH",
                       f'Type of field "{coordinate}" is incompatible across subgraphs (where marked @external): '
                       "it has " + self.mismatch({i: f'type "{f.type}"' for i, f in per.items() if f is not None},
                                       f'type "{dest.type}"'),
                       type_name, dest.name, ", ".join(invalid_type))
        for arg_name in missing:
            arg_coordinate = f"{coordinate}({arg_name}:)"
            # like Apollo, "not in" lists every subgraph without the argument, with the field or not
            having = [f'"{self.names[i]}"' for i, f in per.items() if f is not None and arg_name in f.args]
            lacking = [f'"{n}"' for n in self.names if f'"{n}"' not in having]
            self.error("EXTERNAL_ARGUMENT_MISSING",
                       f'Field "{coordinate}" is missing argument "{arg_coordinate}" in some subgraphs where it is '
                       f'marked @external: argument "{arg_coordinate}" is declared in '
                       f'{_human_list(having, "subgraph", "subgraphs")} but not in '
                       f'{_human_list(lacking, "subgraph", "subgraphs")} (where "{coordinate}" is @external).',
                       type_name, dest.name, ", ".join(n.strip('"') for n in lacking))

    def needs_join_field(self, parent: str, per: dict[int, Field | None], all_equal: bool,
                         state: _OverrideState) -> bool:
        if not all_equal or state.used_overridden or state.labels:
            return True
        for idx, f in per.items():
            if f is not None and idx not in state.unused_overridden:
                if f.external or f.provides or f.requires:
                    return True
            elif parent in self.subgraphs[idx].types:
                return True
        return False

    def merge_arguments(self, coordinate: str, dest: MergedField, resolving: dict[int, Field]) -> None:
        names: list[str] = []
        for f in resolving.values():
            for arg in f.args:
                if arg not in names:
                    names.append(arg)
        type_name, _, field_name = coordinate.partition(".")
        for arg_name in names:
            per = {i: f.args.get(arg_name) for i, f in resolving.items()}
            arg_coordinate = f"{coordinate}({arg_name}:)"
            if any(a is None for a in per.values()):
                required = [f'"{self.names[i]}"' for i, a in per.items()
                            if a is not None and a.type.endswith("!") and a.default is None]
                if required:
                    missing = [f'"{self.names[i]}"' for i, a in per.items() if a is None]
                    self.error("REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                               f'Argument "{arg_coordinate}" is required in some subgraphs but does not appear in all '
                               f'subgraphs: it is required in {_human_list(required, "subgraph", "subgraphs")} but '
                               f'does not appear in {_human_list(missing, "subgraph", "subgraphs")}',
                               type_name, field_name)
                continue
            present = {i: a for i, a in per.items() if a is not None}
            arg = MergedArgument(name=arg_name)
            arg.description = self.merge_description([a.description for a in present.values()])
            arg.directives = self.merge_directives([a.directives for a in present.values()])
            arg.type, _ = self.merge_type_reference(
                arg_coordinate, {i: a.type for i, a in present.items()}, input_position=True, is_argument=True
            )
            arg.default = self.merge_default(arg_coordinate, "Argument", {i: a.default for i, a in present.items()},
                                             type_name, field_name)
            dest.args[arg_name] = arg

    def merge_default(self, coordinate: str, kind: str, defaults: dict[int, ValueNode | None], type_name: str,
                      field_name: str | None) -> ValueNode | None:
        dest: ValueNode | None = None
        seen = inconsistent = incompatible = False
        for value in defaults.values():
            if dest is None:
                dest = value
                inconsistent = inconsistent or (seen and value is not None)
            elif _value_key(dest) != _value_key(value):
                inconsistent = True
                incompatible = incompatible or value is not None
            seen = True
        if incompatible:
            described = {i: f"default value {_value_key(v)}" if v is not None else "no default value"
                         for i, v in defaults.items()}
            code = "ARGUMENT_DEFAULT_MISMATCH" if kind == "Argument" else "INPUT_FIELD_DEFAULT_MISMATCH"
            self.error(code, f'{kind} "{coordinate}" has incompatible default values across subgraphs: it has '
                       + self.mismatch(described, f"default value {_value_key(dest)}"), type_name, field_name)
        # a default present in only some subgraphs is dropped (a hint in Apollo)
        return dest if (not inconsistent or incompatible) else None

    def validate_field_sharing(self, merged: MergedType, coordinate: str, name: str, per: dict[int, Field | None],
                               state: _OverrideState) -> None:
        shareable: list[str] = []
        non_shareable: list[tuple[int, str]] = []
        resolving: list[str] = []

        def categorise(idx: int, label: str, f: Field) -> None:
            if f.external and not f.provided:
                return
            resolving.append(label)
            if f.shareable:
                shareable.append(label)
            else:
                non_shareable.append((idx, label))

        for idx, f in per.items():
            label = f'"{self.names[idx]}"'
            if f is None:
                for interface, abstract in self.abstracted_by_interface_object(merged, name, idx):
                    categorise(idx, f'{label} (through @interfaceObject field "{interface}.{abstract.name}")',
                               abstract)
                continue
            if idx in state.used_overridden or idx in state.unused_overridden:
                continue
            categorise(idx, label, f)
        if non_shareable and (shareable or len(non_shareable) > 1):
            where = (_human_list([lbl for _, lbl in non_shareable], "subgraph", "subgraphs")
                     if shareable else "all of them")
            extra = ""
            for idx, label in non_shareable:
                if idx in state.unknown_target:
                    extra = (f' (please note that "{coordinate}" has an @override directive in {label} that targets '
                             "an unknown subgraph so this could be due to misspelling the @override(from:) argument)")
                    break
            self.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is resolved from '
                f'{_human_list(resolving, "subgraph", "subgraphs")} and defined as non-shareable in {where}{extra}',
                merged.name,
                name,
                subgraph=", ".join(self.names[i] for i, _ in non_shareable),
            )

    # ---- enums and inputs ----------------------------------------------------------------------

    def merge_enum(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        usage = self.enum_usage.get(merged.name, {"Output"})
        for typedef in sources.values():
            for value in typedef.values.values():
                if value.name not in merged.values:
                    merged.values[value.name] = MergedEnumValue(value.name)
        for value_name in list(merged.values):
            dest = merged.values[value_name]
            defined = {i: t.values[value_name] for i, t in sources.items() if value_name in t.values}
            dest.description = self.merge_description([v.description for v in defined.values()])
            dest.directives = self.merge_directives([v.directives for v in defined.values()])
            dest.graphs = [self.graphs[i] for i in defined]
            inaccessible = any(d.name == "inaccessible" for d in dest.directives)
            if inaccessible or usage == {"Output"} or len(defined) == len(sources):
                continue
            if usage == {"Input", "Output"}:
                has = [f'"{self.names[i]}"' for i in defined]
                lacks = [f'"{self.names[i]}"' for i in sources if i not in defined]
                self.error(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{merged.name}" is used as both input type (for example, as type of '
                    f'"{self.enum_examples[(merged.name, "Input")]}") and output type (for example, as type of '
                    f'"{self.enum_examples[(merged.name, "Output")]}"), but value "{value_name}" is not defined in '
                    f'all the subgraphs defining "{merged.name}": "{value_name}" is defined in '
                    f'{_human_list(has, "subgraph", "subgraphs")} but not in '
                    f'{_human_list(lacks, "subgraph", "subgraphs")}',
                    merged.name,
                    value_name,
                )
            else:
                del merged.values[value_name]
        if not merged.values:
            self.error("EMPTY_MERGED_ENUM_TYPE",
                       f'None of the values of enum type "{merged.name}" are defined consistently in all the '
                       "subgraphs defining that type. As only values common to all subgraphs are merged, this "
                       "would result in an empty type.", merged.name)

    def merge_input(self, merged: MergedType, sources: dict[int, TypeDef]) -> None:
        names: list[str] = []
        for typedef in sources.values():
            for name in typedef.fields:
                if name not in names:
                    names.append(name)
        for name in names:
            coordinate = f"{merged.name}.{name}"
            per = {i: t.fields.get(name) for i, t in sources.items()}
            present = {i: f for i, f in per.items() if f is not None}
            dest = MergedField(name=name)
            dest.description = self.merge_description([f.description for f in present.values()])
            dest.directives = self.merge_directives([f.directives for f in present.values()])
            dest.type, all_equal = self.merge_type_reference(
                coordinate, {i: f.type for i, f in present.items()}, input_position=True
            )
            if not all_equal:
                dest.join_fields = [JoinField(graph=self.graphs[i], type=f.type) for i, f in present.items()]
            dest.default = self.merge_default(coordinate, "Input field", {i: f.default for i, f in present.items()},
                                              merged.name, name)
            if len(present) < len(per) and not dest.inaccessible:
                required = [f'"{self.names[i]}"' for i, f in present.items() if f.type.endswith("!")
                            and f.default is None]
                if required:
                    missing = [f'"{self.names[i]}"' for i, f in per.items() if f is None]
                    self.error("REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                               f'Input object field "{coordinate}" is required in some subgraphs but does not appear '
                               f'in all subgraphs: it is required in {_human_list(required, "subgraph", "subgraphs")} '
                               f'but does not appear in {_human_list(missing, "subgraph", "subgraphs")}',
                               merged.name, name)
                continue
            if len(present) < len(per):
                dest.join_fields = [JoinField(graph=self.graphs[i]) for i in present]
            merged.fields[name] = dest
        if not merged.fields:
            self.error("EMPTY_MERGED_INPUT_TYPE",
                       f'None of the fields of input object type "{merged.name}" are consistently defined in all the '
                       "subgraphs defining that type. As only fields common to all subgraphs are merged, this would "
                       "result in an empty type.", merged.name)

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
