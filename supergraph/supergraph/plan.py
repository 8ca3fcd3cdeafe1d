"""Query plans: fetch groups (one subgraph request each) and the dependencies between them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .operation import NormalizedOperation
from .selection import OutSel


@dataclass(eq=False)
class FetchGroup:
    id: int
    graph: str  # join__Graph enum value
    service: str  # subgraph name
    kind: str  # "root" or "entity"
    path: tuple[str, ...]  # response keys from the root where entities are taken (lists are walked through)
    display_path: str = ""  # the same with list markers, as EXPLAIN shows it: "users.@.reviews.@"
    operation_kind: str = "query"
    root_sel: OutSel = field(default_factory=OutSel)
    # entity fetches: subgraph type condition -> what to select on it
    entity_sels: dict[str, OutSel] = field(default_factory=dict)
    # entity fetches: type of the object in the merged data -> (__typename sent, representation selection)
    # (key fields are listed apart: an object whose key is null is not sent)
    reps: dict[str, tuple[str, OutSel, tuple[str, ...]]] = field(default_factory=dict)
    deps: set[int] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    # leaves fetched under an alias: (path below the fetch's objects, alias, the client's key) to rename on arrival
    renames: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)
    query: str = ""


@dataclass
class QueryPlan:
    operation: NormalizedOperation
    # steps run one after the other (mutation fields in order); the groups of one step form a DAG by `deps`
    steps: list[list[FetchGroup]]

    def describe(self) -> str:
        lines = ["QueryPlan {"]
        body: list[str] = []
        step_nodes = [self._describe_step(step, 2) for step in self.steps if step]
        if len(step_nodes) == 1:
            body = step_nodes[0]
        elif step_nodes:
            body = ["  Sequence {"]
            for i, node in enumerate(step_nodes):
                body.extend(["  " + ln for ln in node])
                if i < len(step_nodes) - 1:
                    body[-1] += ","
            body.append("  }")
        lines.extend(body)
        lines.append("}")
        return "\n".join(lines)

    @staticmethod
    def _levels(step: list[FetchGroup]) -> list[list[FetchGroup]]:
        by_id = {g.id: g for g in step}
        depth: dict[int, int] = {}

        def level(g: FetchGroup) -> int:
            if g.id not in depth:
                depth[g.id] = 0
                depth[g.id] = max((level(by_id[d]) + 1 for d in g.deps if d in by_id), default=0)
            return depth[g.id]

        levels: dict[int, list[FetchGroup]] = {}
        for g in step:
            levels.setdefault(level(g), []).append(g)
        return [levels[k] for k in sorted(levels)]

    def _describe_step(self, step: list[FetchGroup], indent: int) -> list[str]:
        levels = self._levels(step)
        nodes: list[list[str]] = []
        for groups in levels:
            fetches = [_describe_fetch(g) for g in groups]
            if len(fetches) == 1:
                nodes.append(fetches[0])
            else:
                par = ["Parallel {"]
                for i, f in enumerate(fetches):
                    par.extend(["  " + ln for ln in f])
                    if i < len(fetches) - 1:
                        par[-1] += ","
                par.append("}")
                nodes.append(par)
        if len(nodes) == 1:
            out = nodes[0]
        else:
            out = ["Sequence {"]
            for i, n in enumerate(nodes):
                out.extend(["  " + ln for ln in n])
                if i < len(nodes) - 1:
                    out[-1] += ","
            out.append("}")
        pad = " " * indent
        return [pad + ln for ln in out]


def _describe_fetch(g: FetchGroup) -> list[str]:
    if g.kind == "root":
        body = [f'Fetch(service: "{g.service}") {{', "  {"]
        body.extend(g.root_sel.print_indented(2))
        body.extend(["  }", "}"])
        return body
    body = [f'Fetch(service: "{g.service}") {{', "  {"]
    rep_seen: set[str] = set()
    for rep_type, rep_sel, _ in g.reps.values():
        if rep_type in rep_seen:
            continue
        rep_seen.add(rep_type)
        body.append(f"    ... on {rep_type} {{")
        body.extend(rep_sel.print_indented(3))
        body.append("    }")
    body.append("  } =>")
    body.append("  {")
    for cond, sel in g.entity_sels.items():
        body.append(f"    ... on {cond} {{")
        body.extend(sel.print_indented(3))
        body.append("    }")
    body.extend(["  }", "}"])
    flat = f'Flatten(path: "{g.display_path}") {{'
    return [flat] + ["  " + ln for ln in body] + ["}"]
