"""What every merge step shares: the merge state, message helpers, type and directive merging."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from graphql.language import BooleanValueNode, IntValueNode, ListValueNode, StringValueNode, ValueNode

from .access_control import dnf_conjunction, from_dnf, to_dnf
from .errors import CompositionError
from .model import (
    ENUM,
    INTERFACE,
    UNION,
    AppliedDirective,
    ComposedDirective,
    Subgraph,
    TypeDef,
)
from .supergraph_model import (
    MergedType,
)
from .typerefs import is_subtype, named_type
from .usage import used_fields
from .values import print_value

# Directives composition carries into the supergraph, and the built-in ones kept on elements
_CARRIED_ORDER = ("inaccessible", "tag", "authenticated", "requiresScopes", "policy", "cost", "listSize")
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
    return None if value is None else print_value(value)


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

def _merge_demand_control(name: str, applications: list[AppliedDirective]) -> AppliedDirective:
    """@cost keeps the highest weight; @listSize the largest size, all slicing arguments and sized fields."""
    distinct = {tuple(sorted((k, print_value(v)) for k, v in a.args.items())): a for a in applications}
    if len(distinct) == 1:
        return applications[0]
    if name == "cost":
        weights = [int(v.value) for a in applications if isinstance(v := a.args.get("weight"), IntValueNode)]
        return AppliedDirective(name, {"weight": IntValueNode(value=str(max(weights)))})
    args: dict[str, ValueNode] = {}
    sizes = [int(v.value) for a in applications if isinstance(v := a.args.get("assumedSize"), IntValueNode)]
    if sizes:
        args["assumedSize"] = IntValueNode(value=str(max(sizes)))
    for list_argument in ("slicingArguments", "sizedFields"):
        names: list[str] = []
        for a in applications:
            value = a.args.get(list_argument)
            for item in value.values if isinstance(value, ListValueNode) else ():
                if isinstance(item, StringValueNode) and item.value not in names:
                    names.append(item.value)
        if any(list_argument in a.args for a in applications):
            args[list_argument] = ListValueNode(values=tuple(StringValueNode(value=n) for n in names))
    flags = [v.value for a in applications
             if isinstance(v := a.args.get("requireOneSlicingArgument"), BooleanValueNode)]
    if flags:
        args["requireOneSlicingArgument"] = BooleanValueNode(value=all(flags))
    return AppliedDirective(name, args)


class MergerBase:
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
        self.composed: dict[str, ComposedDirective] = {}
        for subgraph in subgraphs:
            for name, composed in subgraph.composed_directives.items():
                self.composed.setdefault(name, composed)

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
                distinct = {print_value(a.args[argument]): a for a in applications if argument in a.args}
                if len(distinct) <= 1:
                    merged.append(applications[0])
                else:  # every subgraph's requirement must hold
                    conjunction = dnf_conjunction([to_dnf(a.args[argument]) for a in distinct.values()])
                    merged.append(AppliedDirective(name, {argument: from_dnf(conjunction)}))
            elif name in ("cost", "listSize"):
                merged.append(_merge_demand_control(name, applications))
            elif name in self.composed and self.composed[name].repeatable:
                distinct: set[tuple] = set()
                for application in applications:
                    key = tuple(sorted((k, print_value(v)) for k, v in application.args.items()))
                    if key not in distinct:
                        distinct.add(key)
                        merged.append(application)
            elif name in _BUILT_IN_KEPT or name in self.composed:
                def args_key(application: AppliedDirective) -> tuple:
                    return tuple(sorted((k, print_value(v)) for k, v in application.args.items()))

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
