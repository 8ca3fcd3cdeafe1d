"""Field sets (`@key(fields:)`, `@requires(fields:)`, `@provides(fields:)`): parsing and resolving them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import GraphQLSyntaxError, parse
from graphql.language import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode

from .model import ENUM, INTERFACE, OBJECT, SCALAR, UNION, Field, Subgraph, TypeDef
from .typerefs import named_type


@dataclass
class ResolvedFieldSet:
    """The fields a field set selects (type name, field), and why it is invalid if it is."""

    fields: list[tuple[TypeDef, Field]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # the fields selected directly on the parent type (what @external must be on, for @requires)
    top_level: list[Field] = field(default_factory=list)
    # leaf fields that are not @external and have no @external parent in the selection (invalid in
    # @requires/@provides: the subgraph resolves them itself)
    local_leaves: list[tuple[TypeDef, Field]] = field(default_factory=list)


@lru_cache(maxsize=4096)  # the same key/requires strings are resolved many times; the AST is never mutated
def parse_field_set(fields: str) -> SelectionSetNode:
    # Apollo also accepts a field set already wrapped in braces
    text = fields if fields.strip().startswith("{") else "{" + fields + "}"
    document = parse(text, no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def resolve_field_set(
    subgraph: Subgraph,
    parent: TypeDef,
    fields: str,
    *,
    include_implementations: bool = False,
    allow_arguments: bool = True,
) -> ResolvedFieldSet:
    result = ResolvedFieldSet()
    try:
        selection_set = parse_field_set(fields)
    except GraphQLSyntaxError as exc:
        result.errors.append(f"Invalid field set: {exc.message}")
        return result
    _walk(subgraph, parent, selection_set, result, include_implementations, allow_arguments, top=True,
          external_parent=False)
    return result


def _walk(
    subgraph: Subgraph,
    parent: TypeDef,
    selection_set: SelectionSetNode,
    result: ResolvedFieldSet,
    include_implementations: bool,
    allow_arguments: bool,
    top: bool,
    external_parent: bool,
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            target = parent
            if selection.type_condition is not None:
                condition = subgraph.types.get(selection.type_condition.name.value)
                if condition is None:
                    result.errors.append(f'Unknown type "{selection.type_condition.name.value}"')
                    continue
                target = condition
            _walk(subgraph, target, selection.selection_set, result, include_implementations, allow_arguments, top,
                  external_parent)
            continue
        if not isinstance(selection, FieldNode):
            result.errors.append("Named fragments are not allowed in a field set")
            continue
        name = selection.name.value
        if name == "__typename":
            continue
        if parent.kind == UNION:
            result.errors.append(f'Cannot query field "{name}" on type "{parent.name}"')
            continue
        definition = parent.fields.get(name)
        if definition is None:
            result.errors.append(f'Cannot query field "{name}" on type "{parent.name}"')
            continue
        if definition.args and not allow_arguments:
            result.errors.append(
                f'field "{parent.name}.{name}" cannot be included because it has arguments '
                "(fields with argument are not allowed in @key)"
            )
        result.fields.append((parent, definition))
        if top:
            result.top_level.append(definition)
        if include_implementations and parent.kind == INTERFACE:
            for implementation in subgraph.implementations(parent.name):
                implemented = implementation.fields.get(name)
                if implemented is not None:
                    result.fields.append((implementation, implemented))
        child = subgraph.types.get(named_type(definition.type))
        is_leaf = child is None or child.kind in (SCALAR, ENUM)
        if selection.selection_set is None:
            if not definition.external and not external_parent:
                result.local_leaves.append((parent, definition))
            if not is_leaf:
                result.errors.append(
                    f'Field "{name}" of type "{definition.type}" must have a selection of subfields. '
                    f'Did you mean "{name} {{ ... }}"?'
                )
            continue
        if is_leaf:
            result.errors.append(
                f'Field "{name}" must not have a selection since type "{definition.type}" has no subfields.'
            )
            continue
        assert child is not None
        if child.kind in (OBJECT, INTERFACE, UNION):
            _walk(subgraph, child, selection.selection_set, result, include_implementations, allow_arguments, False,
                  external_parent or definition.external)


_CONTEXT = re.compile(r"^\s*\$([A-Za-z_][A-Za-z0-9_]*)(.*)$", re.S)


def parse_context(field_value: str) -> tuple[str, str] | None:
    """`@fromContext(field: "$ctx { a b }")` -> ("ctx", " { a b }") (the selection as written)."""
    match = _CONTEXT.match(field_value)
    return (match.group(1), match.group(2)) if match else None
