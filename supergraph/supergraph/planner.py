"""Turning a normalized operation into fetch groups, following Federation 2 semantics.

The walk keeps, for every selection, the fetch group (subgraph request) currently producing the objects at that
path. A field that group's subgraph resolves itself is added to it; otherwise the planner jumps to another
subgraph through an entity key (`_entities`), first making the key fields and any `@requires` fields available
in the current group (which may itself need jumps: chains of keys and requires).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode, print_ast

from .model import Key, Supergraph
from .operation import FieldSel, FragSel, NormalizedOperation, Sel
from .plan import FetchGroup, QueryPlan
from .selection import OutSel


class PlanningError(Exception):
    """The operation cannot be planned against this supergraph."""


def field_set_sels(node: SelectionSetNode) -> list[Sel]:
    result: list[Sel] = []
    for s in node.selections:
        if isinstance(s, FieldNode):
            args_text = "(" + ", ".join(print_ast(a) for a in s.arguments) + ")" if s.arguments else ""
            result.append(
                FieldSel(
                    key=s.name.value,
                    name=s.name.value,
                    args_text=args_text,
                    selections=field_set_sels(s.selection_set) if s.selection_set else None,
                    internal=True,
                )
            )
        elif isinstance(s, InlineFragmentNode):
            cond = s.type_condition.name.value if s.type_condition else None
            result.append(FragSel(cond, field_set_sels(s.selection_set)))
    return result


class _StepState:
    def __init__(self) -> None:
        self.groups: list[FetchGroup] = []
        self.root_groups: dict[str, FetchGroup] = {}
        self.entity_groups: dict[tuple, list[FetchGroup]] = {}


class Planner:
    def __init__(self, supergraph: Supergraph):
        self.sg = supergraph
        self._fs_cache: dict[int, list[Sel]] = {}
        self._next_id = 0
        self._touch: list[set[int]] = []
        self._hops: set[tuple] = set()
        self._state = _StepState()
        self._by_id: dict[int, FetchGroup] = {}
        # ancestors of the field being planned: (group, out, parent type, field, path, provided)
        self._chain: list[tuple] = []
        self._query_root: str | None = None
        self._display: dict[tuple[str, ...], str] = {(): ""}  # path -> "users.@.reviews.@" (for EXPLAIN)
        # response keys the client uses at each path: a key or required field the gateway adds must not take
        # one of them for something else (it gets an alias instead)
        self._client_keys: dict[tuple[str, ...], dict[str, tuple[str, str]]] = {}

    # ---------------------------------------------------------------- entry point
    def plan(self, op: NormalizedOperation, active_labels: frozenset[str] = frozenset()) -> QueryPlan:
        self.sg.active_labels = active_labels
        self._next_id = 0
        self._by_id = {}
        self._display = {(): ""}
        self._client_keys = {}
        root_type = op.root_type
        self._query_root = root_type if op.kind == "query" else None
        self._preregister((), op.selections)
        root_fields = self._flatten_root(root_type, op.selections)
        steps: list[list[FetchGroup]] = []
        if op.kind == "mutation":
            current: _StepState | None = None
            current_graph = None
            for f in root_fields:
                if f.name.startswith("__"):
                    continue
                graph = self._choose_root_graph(root_type, f, preferred=[current_graph] if current_graph else [])
                if current is None or graph != current_graph:
                    current = _StepState()
                    steps.append(current.groups)
                    current_graph = graph
                self._state = current
                self._plan_root_field(root_type, f, graph, op.kind)
        else:
            self._state = _StepState()
            pending = [f for f in root_fields if not f.name.startswith("__")]  # __typename, __schema, __type
            # fields that only one subgraph resolves pick their group first; the others then prefer those groups
            single, multi = [], []
            for f in pending:
                (single if len(self._root_candidates(root_type, f.name)) <= 1 else multi).append(f)
            chosen: dict[int, str] = {}
            for f in single:
                chosen[id(f)] = self._choose_root_graph(root_type, f, preferred=[])
            preferred = list(dict.fromkeys(chosen.values()))
            for f in multi:
                chosen[id(f)] = self._choose_root_graph(root_type, f, preferred=preferred)
                preferred = list(dict.fromkeys([*preferred, chosen[id(f)]]))
            for f in pending:
                self._plan_root_field(root_type, f, chosen[id(f)], op.kind)
            steps.append(self._state.groups)
        plan = QueryPlan(operation=op, steps=steps)
        for step in steps:
            for g in step:
                g.query = self._query_text(g, op)
        return plan

    def _flatten_root(self, root_type: str, sels: list[Sel]) -> list[FieldSel]:
        out: list[FieldSel] = []
        for s in sels:
            if isinstance(s, FieldSel):
                out.append(s)
            elif s.type_condition in (None, root_type):
                out.extend(self._flatten_root(root_type, s.selections))
        return out

    def _root_candidates(self, root_type: str, name: str) -> list[str]:
        result = []
        for graph in self.sg.graphs:
            if self.sg.resolves_locally(root_type, name, graph):
                result.append(graph)
        return result

    def _choose_root_graph(self, root_type: str, f: FieldSel, preferred: list[str]) -> str:
        candidates = self._root_candidates(root_type, f.name)
        if not candidates:
            raise PlanningError(f"no subgraph resolves {root_type}.{f.name}")
        if len(candidates) == 1:
            return candidates[0]
        fd = self.sg.field_def(root_type, f.name)
        assert fd is not None

        def score(graph: str) -> tuple[int, int, int]:
            cost = 0
            if f.selections is not None:
                fig = self.sg.field_in_graph(root_type, f.name, graph)
                provided = field_set_sels(fig.provides) if fig and fig.provides else None
                cost = self._local_cost(graph, fd.type_name, f.selections, provided, 0)
            pref = 0 if graph in preferred else 1
            return (cost, pref, list(self.sg.graphs).index(graph))

        return min(candidates, key=score)

    def _plan_root_field(self, root_type: str, f: FieldSel, graph: str, kind: str) -> None:
        state = self._state
        g = state.root_groups.get(graph)
        if g is None:
            g = self._new_group(graph, "root", ())
            g.operation_kind = kind
            state.root_groups[graph] = g
        self._plan_sels(g, g.root_sel, root_type, [f], (), None)

    # ---------------------------------------------------------------- groups
    def _new_group(self, graph: str, kind: str, path: tuple[str, ...]) -> FetchGroup:
        self._next_id += 1
        g = FetchGroup(id=self._next_id, graph=graph, service=self.sg.graphs[graph].name, kind=kind, path=path,
                       display_path=self._display.get(path, ".".join(path)))
        self._state.groups.append(g)
        self._by_id[g.id] = g
        return g

    def _depends_on(self, group_id: int, target_id: int) -> bool:
        seen: set[int] = set()
        stack = [group_id]
        while stack:
            gid = stack.pop()
            if gid == target_id:
                return True
            if gid in seen:
                continue
            seen.add(gid)
            g = self._by_id.get(gid)
            if g is not None:
                stack.extend(g.deps)
        return False

    def _entity_group(self, graph: str, path: tuple[str, ...], parent: FetchGroup, extra: set[int]) -> FetchGroup:
        key = (graph, path, parent.id)
        for g in self._state.entity_groups.get(key, []):
            if not any(self._depends_on(e, g.id) for e in extra):
                g.deps |= extra
                return g
        g = self._new_group(graph, "entity", path)
        g.deps = {parent.id, *extra}
        self._state.entity_groups.setdefault(key, []).append(g)
        return g

    @contextmanager
    def _touching(self) -> Iterator[set[int]]:
        touched: set[int] = set()
        self._touch.append(touched)
        try:
            yield touched
        finally:
            self._touch.pop()

    def _mark(self, g: FetchGroup) -> None:
        for t in self._touch:
            t.add(g.id)

    # ---------------------------------------------------------------- helpers on the model
    def _fs(self, node: SelectionSetNode) -> list[Sel]:
        sels = self._fs_cache.get(id(node))
        if sels is None:
            sels = self._fs_cache[id(node)] = field_set_sels(node)
        return sels

    def _is_provided(self, provided: list[Sel] | None, ptype: str, name: str) -> bool:
        if not provided:
            return False
        for s in provided:
            if isinstance(s, FieldSel):
                if s.name == name:
                    return True
            elif self._applies(s.type_condition, ptype) and self._is_provided(s.selections, ptype, name):
                return True
        return False

    def _provided_child(self, provided: list[Sel] | None, ptype: str, name: str) -> list[Sel] | None:
        if not provided:
            return None
        result: list[Sel] = []
        for s in provided:
            if isinstance(s, FieldSel):
                if s.name == name and s.selections:
                    result.extend(s.selections)
            elif self._applies(s.type_condition, ptype):
                result.extend(self._provided_child(s.selections, ptype, name) or [])
        return result or None

    def _applies(self, condition: str | None, ptype: str) -> bool:
        return condition is None or condition == ptype or ptype in self.sg.possible_types.get(condition, ())

    def _local(self, graph: str, ptype: str, name: str, provided: list[Sel] | None) -> bool:
        """Can `graph` resolve ptype.name inside the fetch that produced the object (no entity jump)?"""
        if name == "__typename":
            return True
        fig = self.sg.field_in_graph(ptype, name, graph)
        if fig is not None and fig.requires is not None:
            return False  # needs its required fields in a representation, so always an entity fetch
        if self.sg.resolves_locally(ptype, name, graph):
            return True
        if fig is not None and self._is_provided(provided, ptype, name):
            return True
        return False

    def _can_fetch(self, graph: str, ptype: str, sels: list[Sel], provided: list[Sel] | None) -> bool:
        for s in sels:
            if isinstance(s, FragSel):
                cond = s.type_condition or ptype
                if cond not in self.sg.types:
                    return False
                if not self._can_fetch(graph, cond, s.selections, provided):
                    return False
                continue
            if not self._local(graph, ptype, s.name, provided):
                return False
            if s.selections:
                fd = self.sg.field_def(ptype, s.name)
                if fd is None:
                    return False
                child_provided = self._provided_child(provided, ptype, s.name)
                if not self._can_fetch(graph, fd.type_name, s.selections, child_provided):
                    return False
        return True

    def _local_cost(self, graph: str, ptype: str, sels: list[Sel], provided: list[Sel] | None, depth: int) -> int:
        if depth > 12:
            return 0
        td = self.sg.types.get(ptype)
        if td is None or graph not in td.graphs:
            return 1
        cost = 0
        for s in sels:
            if isinstance(s, FragSel):
                cond = s.type_condition or ptype
                cost += self._local_cost(graph, cond, s.selections, provided, depth + 1)
                continue
            if s.name == "__typename":
                continue
            if not self._local(graph, ptype, s.name, provided):
                cost += 1
                continue
            if s.selections:
                fd = self.sg.field_def(ptype, s.name)
                if fd is not None:
                    fig = self.sg.field_in_graph(ptype, s.name, graph)
                    child_provided = self._provided_child(provided, ptype, s.name)
                    if fig is not None and fig.provides is not None:
                        child_provided = (child_provided or []) + self._fs(fig.provides)
                    cost += self._local_cost(graph, fd.type_name, s.selections, child_provided, depth + 1)
        return cost

    # ---------------------------------------------------------------- the walk
    def _plan_sels(
        self, g: FetchGroup, out: OutSel, ptype: str, sels: list[Sel], path: tuple[str, ...],
        provided: list[Sel] | None,
    ) -> None:
        self._mark(g)
        self._register_client_keys(path, sels)
        td = self.sg.types.get(ptype)
        if td is None:
            raise PlanningError(f"unknown type {ptype}")
        if td.is_abstract and not self.sg.is_interface_object_in(ptype, g.graph):
            self._plan_abstract(g, out, ptype, sels, path, provided)
            return
        if td.is_abstract:
            out.add_field("__typename", "__typename")  # shaping needs it, even if it only names the interface
        for s in sels:
            if isinstance(s, FragSel):
                if self._applies(s.type_condition, ptype):
                    self._plan_sels(g, out, ptype, s.selections, path, provided)
                elif td.is_abstract:
                    # an @interfaceObject subgraph cannot tell the concrete type: ask a subgraph that can
                    self._plan_via_real_interface(g, out, ptype, s, path, provided)
                continue
            self._plan_field(g, out, ptype, s, path, provided)

    def _plan_abstract(
        self, g: FetchGroup, out: OutSel, ptype: str, sels: list[Sel], path: tuple[str, ...],
        provided: list[Sel] | None,
    ) -> None:
        out.add_field("__typename", "__typename")
        possible = self.sg.possible_types_in(ptype, g.graph)
        td = self.sg.types[ptype]
        per_type: dict[str, list[Sel]] = {}

        def visit(items: list[Sel]) -> None:
            for s in items:
                if isinstance(s, FieldSel):
                    if s.name == "__typename":
                        continue
                    if td.kind == "INTERFACE" and self._interface_level(g.graph, ptype, s.name, possible, provided):
                        self._add_local_field(g, out, ptype, s, path, provided)
                    elif not possible:
                        # nothing in this subgraph implements the interface: no object here can lead to the field
                        raise PlanningError(
                            f"cannot plan {ptype}.{s.name} at {'.'.join(path) or 'the root'}: "
                            f"{self.sg.graphs[g.graph].name} has no implementation of {ptype}"
                        )
                    else:
                        for t in possible:
                            per_type.setdefault(t, []).append(s)
                elif s.type_condition in (None, ptype):
                    visit(s.selections)
                else:
                    for t in possible:
                        if self._applies(s.type_condition, t):
                            per_type.setdefault(t, []).append(s)

        visit(sels)
        for t in possible:
            if t in per_type:
                self._plan_sels(g, out.fragment(t), t, per_type[t], path, provided)

    def _interface_level(
        self, graph: str, itype: str, name: str, possible: list[str], provided: list[Sel] | None
    ) -> bool:
        if not self._local(graph, itype, name, provided):
            return False
        return all(self._local(graph, t, name, provided) for t in possible)

    def _preregister(self, path: tuple[str, ...], sels: list[Sel]) -> None:
        """Every response key of the client's operation, by path, before any key or required field is added."""
        self._register_client_keys(path, sels)
        for s in sels:
            if isinstance(s, FragSel):
                self._preregister(path, s.selections)
            elif s.selections:
                self._preregister((*path, s.key), s.selections)

    def _register_client_keys(self, path: tuple[str, ...], sels: list[Sel]) -> None:
        known = self._client_keys.get(path)
        for s in sels:
            if isinstance(s, FragSel):
                self._register_client_keys(path, s.selections)
            elif not s.internal:
                if known is None:
                    known = self._client_keys[path] = {}
                known.setdefault(s.key, (s.name, s.args_text))

    def _out_key(self, path: tuple[str, ...], s: FieldSel) -> str:
        """The response key to fetch s under at path: its own, or an alias when that key already means another
        field there (the client's, or another internal one with other arguments)."""
        if not s.internal:
            return s.key
        taken = self._client_keys.setdefault(path, {})
        wanted = (s.name, s.args_text)
        holder = taken.get(s.key)
        if holder is None:
            taken[s.key] = wanted
            return s.key
        if holder == wanted:
            return s.key
        n = 0
        while True:
            alias = f"_sg_{s.key}" if n == 0 else f"_sg_{s.key}_{n}"
            holder = taken.get(alias)
            if holder is None:
                taken[alias] = wanted
                return alias
            if holder == wanted:
                return alias
            n += 1

    def _leaf_key(self, g: FetchGroup, ptype: str, s: FieldSel, type_text: str, path: tuple[str, ...], key: str) -> str:
        """A client leaf whose type in this subgraph differs from the supergraph's (e.g. ID! there, ID here) could
        clash with the same key under a sibling type condition: fetch it under an alias, renamed on arrival."""
        fig = self.sg.field_in_graph(ptype, s.name, g.graph)
        if fig is None or fig.type is None or fig.type == type_text:
            return key
        alias = f"_sg_{key}__{ptype}"
        rename = (path[len(g.path):], alias, key)
        if rename not in g.renames:
            g.renames.append(rename)
        return alias

    def _descend(self, path: tuple[str, ...], fd_type_text: str, key: str) -> tuple[str, ...]:
        child = (*path, key)
        if child not in self._display:
            parent = self._display.get(path, ".".join(path))
            text = f"{parent}.{key}" if parent else key
            self._display[child] = text + ".@" * fd_type_text.count("[")
        return child

    def _add_local_field(
        self, g: FetchGroup, out: OutSel, ptype: str, s: FieldSel, path: tuple[str, ...],
        provided: list[Sel] | None,
    ) -> None:
        fd = self.sg.field_def(ptype, s.name)
        if fd is None:
            raise PlanningError(f"unknown field {ptype}.{s.name}")
        g.variables |= s.variables
        key = self._out_key(path, s)
        if s.selections is None:
            out.add_field(self._leaf_key(g, ptype, s, fd.type_text, path, key), s.name, s.args_text)
            return
        child = out.add_field(key, s.name, s.args_text, composite=True).selection
        assert child is not None
        fig = self.sg.field_in_graph(ptype, s.name, g.graph)
        child_provided = self._provided_child(provided, ptype, s.name)
        if fig is not None and fig.provides is not None:
            child_provided = (child_provided or []) + self._fs(fig.provides)
        self._chain.append((g, out, ptype, s, path, provided))
        try:
            self._plan_sels(g, child, fd.type_name, s.selections, self._descend(path, fd.type_text, key),
                            child_provided)
        finally:
            self._chain.pop()

    def _plan_field(
        self, g: FetchGroup, out: OutSel, ptype: str, s: FieldSel, path: tuple[str, ...],
        provided: list[Sel] | None,
    ) -> None:
        if s.name == "__typename":
            if self.sg.types[ptype].is_abstract:
                self._plan_via_real_interface(g, out, ptype, FragSel(None, [s]), path, provided)
            return
        if self._local(g.graph, ptype, s.name, provided):
            self._add_local_field(g, out, ptype, s, path, provided)
            return
        self._hop(g, out, ptype, s, path, provided)

    def _targets(self, ptype: str, name: str) -> list[tuple[str, str]]:
        """(graph, type as that graph knows it) pairs that resolve ptype.name through an entity fetch."""
        td = self.sg.types[ptype]
        fd = td.fields.get(name)
        if fd is None:
            raise PlanningError(f"unknown field {ptype}.{name}")
        result: list[tuple[str, str]] = []
        for graph in self.sg.graphs:
            if self.sg.resolves_locally(ptype, name, graph):
                result.append((graph, ptype))
        if not result:
            for iface in td.interfaces:
                it = self.sg.types.get(iface)
                if it is None:
                    continue
                for graph, tig in it.graphs.items():
                    if tig.is_interface_object and self.sg.resolves_locally(iface, name, graph):
                        result.append((graph, iface))
        return result

    def _plan_via_real_interface(
        self, g: FetchGroup, out: OutSel, itype: str, frag: FragSel, path: tuple[str, ...],
        provided: list[Sel] | None,
    ) -> None:
        """From an @interfaceObject subgraph, go to a subgraph where the interface is real (with a key) to learn
        the concrete type and the fields of its implementations."""
        it = self.sg.types[itype]
        for graph, tig in it.graphs.items():
            if tig.is_interface_object or not tig.resolvable_keys:
                continue
            key = self._pick_key(g, itype, graph, itype, provided)
            if key is None:
                continue
            e = self._enter_entity(g, out, itype, graph, itype, key, None, path, provided)
            sub = e.entity_sels.setdefault(itype, OutSel())
            sub.add_field("__typename", "__typename")
            self._plan_sels(e, sub, itype, [frag], path, None)
            return
        raise PlanningError(f"no subgraph can tell the concrete type of {itype} at {'.'.join(path)}")

    def _pick_key(self, g: FetchGroup, ptype: str, graph: str, etype: str, provided: list[Sel] | None) -> Key | None:
        tig = self.sg.type_in_graph(etype, graph)
        if tig is None:
            return None
        keys = tig.resolvable_keys
        if not keys:
            return None
        for key in keys:
            if self._can_fetch(g.graph, ptype, self._fs(key.selection), provided):
                return key
        for key in keys:
            if self._reachable(g.graph, ptype, self._fs(key.selection)):
                return key
        return None

    def _reachable(self, graph: str, ptype: str, sels: list[Sel]) -> bool:
        """Every key field is resolvable by some subgraph (so a chain of entity jumps can collect it)."""
        for s in sels:
            if isinstance(s, FieldSel) and s.name != "__typename":
                if not any(self.sg.resolves_locally(ptype, s.name, gr) for gr in self.sg.graphs):
                    return False
        return True

    def _hop(
        self, g: FetchGroup, out: OutSel, ptype: str, s: FieldSel, path: tuple[str, ...],
        provided: list[Sel] | None,
    ) -> None:
        marker = (g.graph, ptype, s.name, path)
        if marker in self._hops:
            raise PlanningError(
                f"cannot plan {ptype}.{s.name} at {'.'.join(path) or 'the root'}: "
                "the subgraphs holding this object cannot provide it"
            )
        self._hops.add(marker)
        try:
            candidates = []
            for graph, etype in self._targets(ptype, s.name):
                key = self._pick_key(g, ptype, graph, etype, provided)
                if key is None:
                    continue
                direct = self._can_fetch(g.graph, ptype, self._fs(key.selection), provided)
                existing = (graph, path, g.id) in self._state.entity_groups
                fd = self.sg.field_def(ptype, s.name)
                cost = 0
                if s.selections and fd is not None:
                    fig = self.sg.field_in_graph(etype, s.name, graph)
                    prov = self._fs(fig.provides) if fig and fig.provides else None
                    cost = self._local_cost(graph, fd.type_name, s.selections, prov, 0)
                rank = (0 if direct else 1, cost, 0 if existing else 1, list(self.sg.graphs).index(graph))
                candidates.append((rank, graph, etype, key))
            if not candidates and self._hop_from_ancestor(g, ptype, s, path):
                return
            if not candidates:
                raise PlanningError(
                    f"cannot plan {ptype}.{s.name} at {'.'.join(path) or 'the root'}: no subgraph can resolve it "
                    f"from {self.sg.graphs[g.graph].name}"
                )
            candidates.sort(key=lambda c: c[0])
            _, graph, etype, key = candidates[0]
            fig = self.sg.field_in_graph(etype, s.name, graph)
            requires = self._fs(fig.requires) if fig is not None and fig.requires is not None else None
            e = self._enter_entity(g, out, ptype, graph, etype, key, requires, path, provided)
            sub = e.entity_sels.setdefault(etype, OutSel())
            fd = self.sg.field_def(ptype, s.name)
            assert fd is not None
            e.variables |= s.variables
            out_key = self._out_key(path, s)
            if s.selections is None:
                sub.add_field(self._leaf_key(e, etype, s, fd.type_text, path, out_key), s.name, s.args_text)
            else:
                child = sub.add_field(out_key, s.name, s.args_text, composite=True).selection
                assert child is not None
                prov = self._fs(fig.provides) if fig is not None and fig.provides is not None else None
                self._chain.append((e, sub, etype, s, path, None))
                try:
                    child_path = self._descend(path, fd.type_text, out_key)
                    self._plan_sels(e, child, fd.type_name, s.selections, child_path, prov)
                finally:
                    self._chain.pop()
        finally:
            self._hops.discard(marker)

    def _hop_from_ancestor(self, g: FetchGroup, ptype: str, s: FieldSel, path: tuple[str, ...]) -> bool:
        """The object at `path` is not an entity anywhere `s` lives: fetch it again, from the nearest ancestor
        entity, in a subgraph that resolves the whole chain of fields down to `s` (e.g. a @shareable value type)."""
        for depth in range(len(self._chain) - 1, -1, -1):
            ag, _aout, atype, _afield, apath, aprov = self._chain[depth]
            down = [c[3] for c in self._chain[depth:]]
            for graph in self.sg.graphs:
                if not self._chain_local(graph, atype, down, ptype, s.name):
                    continue
                if atype == self._query_root and not apath:
                    # a shared root field: ask that subgraph for it too, in parallel, and merge the answers
                    rg = self._state.root_groups.get(graph)
                    if rg is None:
                        rg = self._new_group(graph, "root", ())
                        self._state.root_groups[graph] = rg
                    self._mark(rg)
                    saved = self._chain
                    self._chain = saved[:depth]
                    try:
                        sub, current_type = rg.root_sel, atype
                        for f in down:
                            fd = self.sg.field_def(current_type, f.name)
                            assert fd is not None
                            rg.variables |= f.variables
                            nxt = sub.add_field(f.key, f.name, f.args_text, composite=True).selection
                            assert nxt is not None
                            sub, current_type = nxt, fd.type_name
                        if current_type != ptype:
                            sub.add_field("__typename", "__typename")
                            sub = sub.fragment(ptype)
                        self._plan_sels(rg, sub, ptype, [s], path, None)
                    finally:
                        self._chain = saved
                    return True
                key = self._pick_key(ag, atype, graph, atype, aprov)
                if key is None or not self._can_fetch(ag.graph, atype, self._fs(key.selection), aprov):
                    continue
                saved = self._chain
                self._chain = saved[:depth]
                try:
                    aout = saved[depth][1]
                    e = self._enter_entity(ag, aout, atype, graph, atype, key, None, apath, aprov)
                    sub = e.entity_sels.setdefault(atype, OutSel())
                    sub_path = apath
                    current_type = atype
                    for f in down:
                        fd = self.sg.field_def(current_type, f.name)
                        assert fd is not None
                        e.variables |= f.variables
                        nxt = sub.add_field(f.key, f.name, f.args_text, composite=True).selection
                        assert nxt is not None
                        sub, sub_path, current_type = nxt, self._descend(sub_path, fd.type_text, f.key), fd.type_name
                    if current_type != ptype:
                        sub.add_field("__typename", "__typename")
                        sub = sub.fragment(ptype)
                    self._plan_sels(e, sub, ptype, [s], path, None)
                finally:
                    self._chain = saved
                return True
        return False

    def _chain_local(self, graph: str, atype: str, down: list[FieldSel], ptype: str, name: str) -> bool:
        current = atype
        for f in down:
            if not self.sg.resolves_locally(current, f.name, graph):
                return False
            fd = self.sg.field_def(current, f.name)
            if fd is None:
                return False
            current = fd.type_name
        return self._applies(current, ptype) and self.sg.resolves_locally(ptype, name, graph)

    def _enter_entity(
        self, g: FetchGroup, out: OutSel, ptype: str, graph: str, etype: str, key: Key,
        requires: list[Sel] | None, path: tuple[str, ...], provided: list[Sel] | None,
    ) -> FetchGroup:
        """Make the key (and required fields) available at `path` in g, and return the entity group to `graph`."""
        key_sels = self._fs(key.selection)
        with self._touching() as touched:
            out.add_field("__typename", "__typename")
            self._plan_sels(g, out, ptype, key_sels, path, provided)
            if requires:
                self._plan_sels(g, out, ptype, requires, path, provided)
        touched.discard(g.id)
        e = self._entity_group(graph, path, g, touched)
        if requires and e.reps.get(ptype) is not None and _conflicts(e.reps[ptype][1], requires):
            # the same field with other arguments is already in this fetch's representations: fetch apart
            e = self._new_group(graph, "entity", path)
            e.deps = {g.id, *touched}
            self._state.entity_groups.setdefault((graph, path, g.id), []).append(e)
        self._mark(e)
        entry = e.reps.get(ptype)
        if entry is None:
            rep = OutSel()
            rep.add_field("__typename", "__typename")
            key_names = tuple(s.key for s in key_sels if isinstance(s, FieldSel))
            entry = e.reps[ptype] = (etype, rep, key_names)
        self._copy_sels(entry[1], key_sels, path)
        if requires:
            self._copy_sels(entry[1], requires, path)
        return e

    def _copy_sels(self, out: OutSel, sels: list[Sel], path: tuple[str, ...]) -> None:
        """Representation selection: fields named as the subgraph expects, read from their response keys."""
        for s in sels:
            if isinstance(s, FieldSel):
                source = self._out_key(path, s)
                f = out.add_field(s.key, s.name, s.args_text, composite=s.selections is not None)
                f.source = source
                if s.selections is not None and f.selection is not None:
                    f.selection.add_field("__typename", "__typename")
                    self._copy_sels(f.selection, s.selections, (*path, source))
            elif s.type_condition is None:
                self._copy_sels(out, s.selections, path)
            else:
                self._copy_sels(out.fragment(s.type_condition), s.selections, path)

    # ---------------------------------------------------------------- printing
    @staticmethod
    def _query_text(g: FetchGroup, op: NormalizedOperation) -> str:
        var_defs = [op.variable_defs[v] for v in sorted(g.variables) if v in op.variable_defs]
        if g.kind == "root":
            defs = f"({', '.join(var_defs)})" if var_defs else ""
            return f"{g.operation_kind}{defs} {g.root_sel.print()}"
        defs = ", ".join(["$representations: [_Any!]!", *var_defs])
        frags = " ".join(f"... on {t} {sel.print()}" for t, sel in g.entity_sels.items() if not sel.is_empty())
        return f"query({defs}) {{ _entities(representations: $representations) {{ {frags} }} }}"


def _conflicts(rep: OutSel, sels: list[Sel]) -> bool:
    """True when a representation already holds one of these fields with other arguments."""
    for s in sels:
        if isinstance(s, FieldSel):
            f = rep.fields.get(s.key)
            if f is not None and (f.name, f.args_text) != (s.name, s.args_text):
                return True
            if f is not None and s.selections and f.selection is not None and _conflicts(f.selection, s.selections):
                return True
        elif s.type_condition is None:
            if _conflicts(rep, s.selections):
                return True
        elif s.type_condition in rep.fragments and _conflicts(rep.fragments[s.type_condition], s.selections):
            return True
    return False
