"""A conservative check that every field of the API schema can be reached by some query plan.

Apollo validates this exhaustively over its query graph; this is a smaller version of the same idea: walk
the API schema from the root types, tracking which subgraphs can be "at" each type, and report a field
that none of them can resolve, directly or after moving to another subgraph through a resolvable @key
whose fields they can provide. Wherever the rules get subtle (@requires, @provides, @interfaceObject,
abstract types resolved by type explosion) the check assumes the field is reachable, so it may miss a
problem Apollo finds but never refuses what Apollo accepts.
"""

from __future__ import annotations

from .errors import CompositionError
from .fieldsets import resolve_field_set
from .model import INTERFACE, OBJECT, UNION, Subgraph
from .supergraph_model import MergedType
from .typerefs import named_type

_MAX_ERRORS = 20


class SatisfiabilityChecker:
    def __init__(self, subgraphs: list[Subgraph], graphs: list[str], types: dict[str, MergedType]) -> None:
        self.subgraphs = subgraphs
        self.graph_index = {g: i for i, g in enumerate(graphs)}
        self.types = types
        self.errors: list[CompositionError] = []
        self.visited: set[tuple[str, frozenset[int]]] = set()
        self.interface_object_interfaces = {
            t.name for s in subgraphs for t in s.types.values() if t.interface_object
        }

    # ---- facts ---------------------------------------------------------------------------------

    def resolvers(self, type_name: str, field_name: str) -> set[int] | None:
        """Subgraphs resolving the field; None when some subtle mechanism is involved (assume reachable)."""
        merged = self.types[type_name]
        field = merged.fields[field_name]
        if any(j.graph is None for j in field.join_fields):
            return None  # provided through an @interfaceObject
        if field.join_fields:
            found: set[int] = set()
            for join in field.join_fields:
                idx = self.graph_index[join.graph]
                if join.requires is not None:
                    return None
                if join.used_overridden and join.override_label is None:
                    continue
                sub_field = self.subgraphs[idx].types[type_name].fields.get(field_name)
                if join.external and not (sub_field is not None and sub_field.provided):
                    continue
                found.add(idx)
            return found
        return {i for i, s in enumerate(self.subgraphs) if type_name in s.types}

    def locally_resolvable(self, idx: int, type_name: str, fields: str) -> bool:
        subgraph = self.subgraphs[idx]
        typedef = subgraph.types.get(type_name)
        if typedef is None:
            return False
        resolved = resolve_field_set(subgraph, typedef, fields)
        return not resolved.errors and all(not f.external or f.provided for _, f in resolved.fields)

    def reachable(self, type_name: str, states: frozenset[int]) -> list[int]:
        """Subgraphs that can be at this type starting from `states` (moving through resolvable keys), in the
        order they are reached."""
        merged = self.types[type_name]
        reached = sorted(states)
        changed = True
        while changed:
            changed = False
            for join in merged.join_types:
                target = self.graph_index[join.graph]
                if target in reached or join.key is None or not join.resolvable:
                    continue
                if any(self.locally_resolvable(i, type_name, join.key) for i in reached):
                    reached.append(target)
                    changed = True
        return reached

    def move_reasons(self, type_name: str, field_name: str, source: int, target: int) -> list[str]:
        """Why the walk cannot move from `source` to `target` (which resolves the field), in Apollo's words."""
        name = self.subgraphs[target].name
        keys = [j for j in self.types[type_name].join_types if self.graph_index[j.graph] == target and j.key]
        if not keys:
            return [f'cannot move to subgraph "{name}", which has field "{type_name}.{field_name}", because type '
                    f'"{type_name}" has no @key defined in subgraph "{name}".']
        if not any(k.resolvable for k in keys):
            return [f'cannot move to subgraph "{name}", which has field "{type_name}.{field_name}", because none '
                    f'of the @key defined on type "{type_name}" in subgraph "{name}" are resolvable (they are all '
                    'declared with their "resolvable" argument set to false).']
        return [f'cannot move to subgraph "{name}" using @key(fields: "{k.key}") of "{type_name}", the key field(s) '
                f'cannot be resolved from subgraph "{self.subgraphs[source].name}".' for k in keys if k.resolvable]

    # ---- witness queries (how Apollo shows the failing query) --------------------------------------

    def witness_value(self, type_ref: str) -> str:
        if type_ref.endswith("!"):
            return self.witness_value(type_ref[:-1])
        if type_ref.startswith("["):
            return "[]"
        scalar = {"Int": "0", "Float": "3.14", "Boolean": "true", "String": '"A string value"', "ID": '"<any id>"'}
        if type_ref in scalar:
            return scalar[type_ref]
        merged = self.types.get(type_ref)
        if merged is not None and merged.kind == "ENUM" and merged.values:
            return next(iter(merged.values))
        if merged is not None and merged.kind == "INPUT_OBJECT":
            fields = [f"{f.name}: {self.witness_value(f.type)}" for f in merged.fields.values()
                      if f.type.endswith("!") and f.default is None]
            return "{" + ", ".join(fields) + "}"
        return '"<some value>"'

    def witness_field(self, type_name: str, field_name: str) -> str:
        field = self.types[type_name].fields[field_name]
        if not field.args:
            return field_name
        return field_name + "(" + ", ".join(
            f"{a.name}: {self.witness_value(a.type)}" for a in field.args.values()
        ) + ")"

    # ---- walk ----------------------------------------------------------------------------------

    def check(self, roots: list[str]) -> list[CompositionError]:
        for root in roots:
            if root in self.types:
                starts = frozenset(i for i, s in enumerate(self.subgraphs) if root in s.types)
                self.walk(root, starts, [])
        return self.errors

    def walk(self, type_name: str, states: frozenset[int], path: list[str]) -> None:
        if len(self.errors) >= _MAX_ERRORS or (type_name, states) in self.visited:
            return
        self.visited.add((type_name, states))
        merged = self.types[type_name]
        if merged.kind in (INTERFACE, UNION):
            if type_name in self.interface_object_interfaces:
                return
            for possible in self.possible_types(type_name):
                at = frozenset(i for i in states if self.subgraph_returns(i, type_name, possible))
                if at:
                    self.walk(possible, at, [*path, f"... on {possible}"])
            if merged.kind == UNION:
                return
        if merged.kind not in (OBJECT, INTERFACE):
            return
        if merged.kind == OBJECT and any(i in self.interface_object_interfaces for i in merged.interfaces):
            return
        reached = self.reachable(type_name, states)
        for field_name, field in merged.fields.items():
            if field.inaccessible:
                continue
            resolvers = self.resolvers(type_name, field_name)
            if resolvers is None:
                continue
            options = frozenset(set(reached) & resolvers)
            child = named_type(field.type)
            composite = child in self.types and self.types[child].kind in (OBJECT, INTERFACE, UNION)
            if not options:
                if merged.kind == OBJECT:
                    self.report(type_name, field_name, composite, reached, resolvers, path)
                continue
            if composite:
                if len(options) > 1 and self.types[child].kind in (INTERFACE, UNION):
                    self.check_shared_runtime_types(type_name, field_name, child, options, path)
                self.walk(child, options, [*path, self.witness_field(type_name, field_name)])

    def check_shared_runtime_types(self, type_name: str, field_name: str, abstract: str, options: frozenset[int],
                                   path: list[str]) -> None:
        """A field resolved by several subgraphs must have some runtime types in common across them."""
        runtime: dict[int, list[str]] = {}
        for idx in sorted(options):
            subgraph = self.subgraphs[idx]
            typedef = subgraph.types.get(abstract)
            if typedef is None or typedef.interface_object:
                return
            names = typedef.members if typedef.kind == UNION else [
                t.name for t in subgraph.implementations(abstract)
            ]
            runtime[idx] = sorted(names)
        common = set.intersection(*(set(v) for v in runtime.values()))
        if common:
            return
        query = ["{"]
        indent = "  "
        for step in path:
            query.append(f"{indent}{step} {{")
            indent += "  "
        query.extend([f"{indent}{self.witness_field(type_name, field_name)} {{", f"{indent}  ...", f"{indent}}}"])
        for _ in path:
            indent = indent[:-2]
            query.append(f"{indent}}}")
        query.append("}")

        def listing(names: list[str]) -> str:
            quoted = [f'"{n}"' for n in names]
            if len(quoted) == 1:
                return f"type {quoted[0]}"
            return "types " + ", ".join(quoted[:-1]) + f" and {quoted[-1]}"

        lines = [f' - in subgraph "{self.subgraphs[i].name}", {listing(n)}' for i, n in runtime.items()]
        self.errors.append(CompositionError(
            "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES",
            "For the following supergraph API query:\n" + "\n".join(query)
            + f'\nShared field "{type_name}.{field_name}" return type "{abstract}" has a non-intersecting set of '
            "possible runtime types across subgraphs. Runtime types in subgraphs are:\n" + ";\n".join(lines)
            + ".\nThis is not allowed as shared fields must resolve the same way in all subgraphs, and that implies "
            "at least some common runtime types between the subgraphs.",
            subgraph=", ".join(self.subgraphs[i].name for i in runtime),
            type=type_name,
            field=field_name,
        ))

    def possible_types(self, abstract: str) -> list[str]:
        merged = self.types[abstract]
        if merged.kind == UNION:
            return list(merged.members)
        return [t.name for t in self.types.values() if t.kind == OBJECT and abstract in t.interfaces]

    def subgraph_returns(self, idx: int, abstract: str, possible: str) -> bool:
        subgraph = self.subgraphs[idx]
        typedef = subgraph.types.get(possible)
        abstract_def = subgraph.types.get(abstract)
        if typedef is None or abstract_def is None:
            return False
        return abstract in typedef.interfaces or possible in abstract_def.members

    def report(self, type_name: str, field_name: str, composite: bool, reached: list[int], resolvers: set[int],
               path: list[str]) -> None:
        query = ["{"]
        indent = "  "
        for step in path:
            query.append(f"{indent}{step} {{")
            indent += "  "
        if composite:
            query.extend([f"{indent}{self.witness_field(type_name, field_name)} {{", f"{indent}  ...", f"{indent}}}"])
        else:
            query.append(f"{indent}{self.witness_field(type_name, field_name)}")
        for _ in path:
            indent = indent[:-2]
            query.append(f"{indent}}}")
        query.append("}")
        lines = []
        explained: set[int] = set()
        for idx in reached:
            reasons = [f'cannot find field "{type_name}.{field_name}".']
            for target in sorted(resolvers - explained):
                reasons.extend(self.move_reasons(type_name, field_name, idx, target))
                explained.add(target)
            name = self.subgraphs[idx].name
            if len(reasons) == 1:
                lines.append(f'- from subgraph "{name}": {reasons[0]}')
            else:
                lines.append(f'- from subgraph "{name}":')
                lines.extend(f"  - {reason}" for reason in reasons)
        self.errors.append(CompositionError(
            "SATISFIABILITY_ERROR",
            "The following supergraph API query:\n" + "\n".join(query)
            + "\ncannot be satisfied by the subgraphs because:\n" + "\n".join(lines),
            subgraph=", ".join(self.subgraphs[i].name for i in reached),
            type=type_name,
            field=field_name,
        ))
