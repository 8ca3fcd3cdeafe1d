"""Giving Federation 1 subgraphs their Federation 2 meaning, as Apollo's schema upgrader does.

Federation 1 had no @shareable (fields resolvable in several subgraphs were implicitly shared), used
`extend type` for entities owned elsewhere, and tolerated @external fields nothing used.
"""

from __future__ import annotations

from .errors import CompositionError
from .fieldsets import resolve_field_set
from .model import INTERFACE, OBJECT, Subgraph, TypeDef
from .usage import provided_fields, used_fields


def _is_type_extension(typedef: TypeDef) -> bool:
    return (
        typedef.kind in (OBJECT, INTERFACE)
        and (typedef.has_extension or typedef.extends)
        and (typedef.extends or not typedef.has_definition)
    )


def extensions_with_no_base(subgraph: Subgraph, all_subgraphs: list[Subgraph]) -> list[CompositionError]:
    """A Federation 1 `extend type` needs a definition somewhere (checked before any upgrade)."""
    errors = []
    for typedef in subgraph.types.values():
        if typedef.name in ("Query", "Mutation", "Subscription") or not _is_type_extension(typedef):
            continue
        defined_elsewhere = any(
            (other_type := other.types.get(typedef.name)) is not None and other_type.has_definition
            for other in all_subgraphs
            if other is not subgraph
        )
        if not defined_elsewhere:
            errors.append(CompositionError(
                "EXTENSION_WITH_NO_BASE",
                f'[{subgraph.name}] Type "{typedef.name}" is an extension type, but there is no type definition for '
                f'"{typedef.name}" in any subgraph.',
                subgraph=subgraph.name,
                type=typedef.name,
            ))
    return errors


def resolving_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """Fields the subgraph (as written) can resolve: not @external, or external only to name a key, or provided."""
    resolving = set()
    fake_external = set()
    for typedef in subgraph.types.values():
        if typedef.kind in (OBJECT, INTERFACE) and (typedef.extends or any(k.extension for k in typedef.keys)):
            for key in typedef.keys:
                for field in resolve_field_set(subgraph, typedef, key.fields).top_level:
                    fake_external.add((typedef.name, field.name))
    provided = provided_fields(subgraph)
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            coordinate = (typedef.name, field.name)
            if not field.external or coordinate in fake_external or coordinate in provided:
                resolving.add(coordinate)
    return resolving


def upgrade_fed1(subgraph: Subgraph, all_subgraphs: list[Subgraph],
                 resolving: dict[str, set[tuple[str, str]]]) -> None:
    """`resolving`: per subgraph name, what it resolves as written (computed before any upgrade)."""
    others = [s for s in all_subgraphs if s is not subgraph]
    types = subgraph.types
    for typedef in types.values():
        if typedef.kind == INTERFACE:
            for field in typedef.fields.values():
                field.external = False
            # Federation 1 had no keys, @requires or @provides on interfaces
            typedef.keys = []
            for field in typedef.fields.values():
                field.requires = field.provides = None
    # @external on the key fields of an extension only marked them as "owned elsewhere": they are not external
    for typedef in types.values():
        is_extension = _is_type_extension(typedef) or (typedef.name in ("Query", "Mutation") and typedef.has_extension
                                                        and not typedef.has_definition)
        if not is_extension or typedef.kind != OBJECT:
            continue
        key_fields: list[str] = []
        if typedef.keys:
            for key in typedef.keys:
                resolved = resolve_field_set(subgraph, typedef, key.fields)
                key_fields.extend(f.name for f in resolved.top_level)
        else:
            for other in others:
                other_type = other.object_like(typedef.name)
                if other_type is not None and other_type.keys:
                    resolved = resolve_field_set(other, other_type, other_type.keys[0].fields)
                    key_fields.extend(f.name for f in resolved.top_level)
        for name in key_fields:
            if name in typedef.fields:
                typedef.fields[name].external = False
    # @requires / @provides that select no @external field do nothing
    for typedef in types.values():
        for field in typedef.fields.values():
            if field.requires is not None:
                resolved = resolve_field_set(subgraph, typedef, field.requires)
                if not resolved.errors and not any(f.external for _, f in resolved.fields):
                    field.requires = None
            if field.provides is not None:
                target = types.get(field.type.strip("[]!"))
                if target is None or target.kind not in (OBJECT, INTERFACE):
                    field.provides = None
                    continue
                resolved = resolve_field_set(subgraph, target, field.provides, include_implementations=True)
                if not resolved.errors and not any(f.external for _, f in resolved.fields):
                    field.provides = None
    # `extend type` becomes a plain definition
    for typedef in types.values():
        if _is_type_extension(typedef) or typedef.has_extension:
            typedef.has_definition = True
            typedef.has_extension = False  # (an explicit @extends stays, and still marks its keys)
            for key in typedef.keys:
                key.extension = False
    # unused @external fields are dropped
    used = used_fields(subgraph)
    for typedef in types.values():
        for name in [n for n, f in typedef.fields.items() if f.external and (typedef.name, n) not in used]:
            del typedef.fields[name]
    # what several subgraphs resolve was implicitly shared
    for typedef in types.values():
        if typedef.kind != OBJECT or typedef.name == "Subscription":
            continue
        if typedef.keys or typedef.name in ("Query", "Mutation"):
            for field in typedef.fields.values():
                if field.shareable:
                    continue
                if any((typedef.name, field.name) in resolving[other.name] for other in others):
                    field.shareable = True
        elif any(other.object_like(typedef.name) is not None for other in others):
            for field in typedef.fields.values():
                field.shareable = True
    for typedef in types.values():
        for field in typedef.fields.values():
            if field.external:
                field.directives = [d for d in field.directives if d.name != "tag"]
