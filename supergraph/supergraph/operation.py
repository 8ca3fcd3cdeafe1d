"""A client operation reduced to what planning and response shaping need.

Named fragments become inline fragments, and @skip/@include are decided from the request's variables; the
plan cache key therefore includes the values of the variables those directives read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    print_ast,
    visit,
)
from graphql.language import Visitor as _Visitor


class OperationError(Exception):
    """The request names no runnable operation (unknown or ambiguous operation name)."""


@dataclass(eq=False)
class FieldSel:
    key: str  # response key (alias or name)
    name: str
    args_text: str = ""  # "(a: $x, b: 1)" as sent to subgraphs
    selections: list[Sel] | None = None
    variables: frozenset[str] = frozenset()
    internal: bool = False  # a key or @requires field the gateway needs, not one the client asked for


@dataclass(eq=False)
class FragSel:
    type_condition: str | None
    selections: list[Sel] = field(default_factory=list)


Sel = FieldSel | FragSel


@dataclass
class NormalizedOperation:
    kind: str  # query | mutation | subscription
    name: str | None
    root_type: str
    selections: list[Sel]
    variable_defs: dict[str, str]  # name -> "$name: Type = default"


class _VarCollector(_Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


def select_operation(doc: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        for op in ops:
            if op.name and op.name.value == operation_name:
                return op
        raise OperationError(f'Unknown operation named "{operation_name}".')
    if len(ops) == 1:
        return ops[0]
    if not ops:
        raise OperationError("Must provide an operation.")
    raise OperationError("Must provide operation name if query contains multiple operations.")


def condition_variables(doc: DocumentNode) -> tuple[str, ...]:
    """Variables read by @skip/@include anywhere in the document (their values enter the plan cache key)."""
    names: set[str] = set()

    class V(_Visitor):
        def enter_directive(self, node, *_):  # type: ignore[no-untyped-def]
            if node.name.value in ("skip", "include"):
                for arg in node.arguments or ():
                    if isinstance(arg.value, VariableNode):
                        names.add(arg.value.name.value)

    visit(doc, V())
    return tuple(sorted(names))


def _included(node: FieldNode | FragmentSpreadNode | InlineFragmentNode, variables: dict[str, Any]) -> bool:
    for d in node.directives or ():
        name = d.name.value
        if name not in ("skip", "include"):
            continue
        value: Any = None
        for arg in d.arguments or ():
            if arg.name.value == "if":
                if isinstance(arg.value, VariableNode):
                    value = variables.get(arg.value.name.value)
                else:
                    value = getattr(arg.value, "value", None)
        if name == "skip" and value is True:
            return False
        if name == "include" and value is not True:
            return False
    return True


def normalize(
    doc: DocumentNode, operation: OperationDefinitionNode, root_type: str, variables: dict[str, Any]
) -> NormalizedOperation:
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}

    def convert(selection_set: SelectionSetNode, seen: frozenset[str]) -> list[Sel]:
        result: list[Sel] = []
        for node in selection_set.selections:
            if not _included(node, variables):  # type: ignore[arg-type]
                continue
            if isinstance(node, FieldNode):
                args_text = ""
                used: frozenset[str] = frozenset()
                if node.arguments:
                    args_text = "(" + ", ".join(print_ast(a) for a in node.arguments) + ")"
                    collector = _VarCollector()
                    for a in node.arguments:
                        visit(a, collector)
                    used = frozenset(collector.names)
                result.append(
                    FieldSel(
                        key=node.alias.value if node.alias else node.name.value,
                        name=node.name.value,
                        args_text=args_text,
                        selections=convert(node.selection_set, seen) if node.selection_set else None,
                        variables=used,
                    )
                )
            elif isinstance(node, InlineFragmentNode):
                cond = node.type_condition.name.value if node.type_condition else None
                result.append(FragSel(cond, convert(node.selection_set, seen)))
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                frag = fragments.get(name)
                if frag is None or name in seen:
                    continue
                result.append(FragSel(frag.type_condition.name.value, convert(frag.selection_set, seen | {name})))
        return result

    variable_defs = {
        v.variable.name.value: print_ast(v) for v in operation.variable_definitions or ()
    }
    return NormalizedOperation(
        kind=operation.operation.value,
        name=operation.name.value if operation.name else None,
        root_type=root_type,
        selections=convert(operation.selection_set, frozenset()),
        variable_defs=variable_defs,
    )
