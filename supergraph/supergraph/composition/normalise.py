"""Reading every subgraph and bringing them all to Federation 2 meaning before merging."""

from __future__ import annotations

from .errors import CompositionError, SubgraphErrors
from .fieldsets import resolve_field_set
from .model import INTERFACE, OBJECT, Subgraph
from .subgraph import read_subgraph
from .upgrade import extensions_with_no_base, resolving_fields, upgrade_fed1
from .usage import provided_fields
from .validate_subgraph import validate_subgraph


def _finalise(subgraph: Subgraph) -> None:
    """Derived facts: fake @external on extension keys, implicit shareability, provided fields."""
    types = subgraph.types
    for typedef in types.values():
        if typedef.kind not in (OBJECT, INTERFACE):
            continue
        for key in typedef.keys:
            resolved = resolve_field_set(subgraph, typedef, key.fields, include_implementations=True)
            if key.extension or typedef.extends:
                # "extend type T @key(fields: "id") { id: ID! @external }" only says who owns `id`
                for field in resolved.top_level:
                    field.external = False
            for _, field in resolved.fields:
                field.shareable = True
    provided = provided_fields(subgraph)
    for type_name, field_name in provided:
        field = types[type_name].fields[field_name]
        field.provided = True
        if field.external:
            field.shareable = True


def normalise(sources: list[tuple[str, str, str]]) -> tuple[list[Subgraph], list[CompositionError]]:
    """(name, url, sdl) -> subgraphs ready to merge, or the errors that stop composition."""
    errors: list[CompositionError] = []
    subgraphs: list[Subgraph] = []
    seen: set[str] = set()
    for name, url, sdl in sources:
        if name in seen:
            errors.append(CompositionError("INVALID_SUBGRAPH_NAME", f'A subgraph named "{name}" already exists'))
            continue
        seen.add(name)
        if name == "_":
            errors.append(
                CompositionError("INVALID_SUBGRAPH_NAME", 'Invalid name "_" for a subgraph: this name is reserved')
            )
            continue
        try:
            subgraphs.append(read_subgraph(name, url, sdl))
        except SubgraphErrors as exc:
            errors.extend(exc.errors)
    if errors:
        return subgraphs, errors
    for subgraph in subgraphs:
        if not subgraph.fed2:
            errors.extend(extensions_with_no_base(subgraph, subgraphs))
    if errors:
        return subgraphs, errors
    resolving = {s.name: resolving_fields(s) for s in subgraphs}
    for subgraph in subgraphs:
        if not subgraph.fed2:
            upgrade_fed1(subgraph, subgraphs, resolving)
    for subgraph in subgraphs:
        _finalise(subgraph)
        errors.extend(validate_subgraph(subgraph))
    return subgraphs, errors
