"""Which fields a subgraph uses in its federation directives (to tell a useful @external from a useless one)."""

from __future__ import annotations

from .fieldsets import parse_context, resolve_field_set
from .model import INTERFACE, OBJECT, Subgraph
from .typerefs import named_type


def used_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """(type, field) pairs selected by a @key, @requires or @provides, or implementing an interface field."""
    used: set[tuple[str, str]] = set()
    types = subgraph.types

    def add(resolved_fields) -> None:
        for parent, field in resolved_fields:
            used.add((parent.name, field.name))

    for typedef in types.values():
        if typedef.kind not in (OBJECT, INTERFACE):
            continue
        for key in typedef.keys:
            add(resolve_field_set(subgraph, typedef, key.fields, include_implementations=True).fields)
        for field in typedef.fields.values():
            if field.requires is not None:
                add(resolve_field_set(subgraph, typedef, field.requires, include_implementations=True).fields)
            if field.provides is not None:
                target = types.get(named_type(field.type))
                if target is not None and target.kind in (OBJECT, INTERFACE):
                    add(resolve_field_set(subgraph, target, field.provides, include_implementations=True).fields)
        for field in typedef.fields.values():
            for arg in field.args.values():
                context = parse_context(arg.from_context) if arg.from_context else None
                if context is None:
                    continue
                for context_type in types.values():
                    if context[0] in context_type.contexts and context[1].strip():
                        add(resolve_field_set(subgraph, context_type, context[1], include_implementations=True).fields)
        if typedef.kind == INTERFACE:
            for implementation in subgraph.implementations(typedef.name):
                for name in typedef.fields:
                    if name in implementation.fields:
                        used.add((implementation.name, name))
    return used


def provided_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """Fields some @provides selects: an @external field that is provided is only partially external."""
    provided: set[tuple[str, str]] = set()
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            if field.provides is None:
                continue
            target = subgraph.types.get(named_type(field.type))
            if target is None or target.kind not in (OBJECT, INTERFACE):
                continue
            for parent, selected in resolve_field_set(
                subgraph, target, field.provides, include_implementations=True
            ).fields:
                provided.add((parent.name, selected.name))
    return provided
