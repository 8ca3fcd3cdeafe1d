"""Federation checks on one subgraph: key/requires/provides field sets, @external use, @interfaceObject."""

from __future__ import annotations

from .errors import CompositionError
from .fieldsets import parse_context, resolve_field_set
from .model import INTERFACE, OBJECT, UNION, Subgraph
from .typerefs import named_type
from .usage import used_fields

_MISSING_HINT = (
    " (the field should either be added to this subgraph or, if it should not be resolved by this subgraph, "
    "you need to add it to this subgraph with @external)."
)


def validate_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    name = subgraph.name

    def error(code: str, message: str, type_name: str, field: str | None = None) -> None:
        errors.append(CompositionError(code, f"[{name}] {message}", subgraph=name, type=type_name, field=field))

    types = subgraph.types
    for typedef in types.values():
        if typedef.kind not in (OBJECT, INTERFACE):
            continue
        for key in typedef.keys:
            where = f'On type "{typedef.name}", for @key(fields: "{key.fields}")'
            resolved = resolve_field_set(subgraph, typedef, key.fields, allow_arguments=False)
            for problem in resolved.errors:
                hint = _MISSING_HINT if problem.startswith("Cannot query field") else ""
                code = "KEY_FIELDS_HAS_ARGS" if "has arguments" in problem else "KEY_INVALID_FIELDS"
                first = resolved.top_level[0].name if resolved.top_level else None
                error(code, f"{where}: {problem}{hint}", typedef.name, first)
            for parent, field in resolved.fields:
                target = types.get(named_type(field.type))
                if target is not None and target.kind in (INTERFACE, UNION):
                    kind = "an interface" if target.kind == INTERFACE else "a union"
                    error(
                        "KEY_FIELDS_SELECT_INVALID_TYPE",
                        f'{where}: field "{parent.name}.{field.name}" is {kind} type which is not allowed in @key',
                        typedef.name,
                        field.name,
                    )
        if typedef.interface_object and not typedef.keys:
            error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f'The @interfaceObject directive can only be applied to entity types but type "{typedef.name}" '
                "has no @key in this subgraph.",
                typedef.name,
            )
        for field in typedef.fields.values():
            coordinate = f"{typedef.name}.{field.name}"
            if typedef.kind == INTERFACE and field.external:
                error(
                    "EXTERNAL_ON_INTERFACE",
                    f'Interface type field "{coordinate}" is marked @external but @external is not allowed on '
                    "interface fields (it is nonsensical).",
                    typedef.name,
                    field.name,
                )
            if field.requires is not None:
                where = f'On field "{coordinate}", for @requires(fields: "{field.requires}")'
                resolved = resolve_field_set(subgraph, typedef, field.requires)
                for problem in resolved.errors:
                    hint = _MISSING_HINT if problem.startswith("Cannot query field") else ""
                    error("REQUIRES_INVALID_FIELDS", f"{where}: {problem}{hint}", typedef.name, field.name)
                if subgraph.fed2:
                    for owner, required in resolved.local_leaves:
                        error(
                            "REQUIRES_FIELDS_MISSING_EXTERNAL",
                            f'{where}: field "{owner.name}.{required.name}" should not be part of a @requires '
                            "since it is already provided by this subgraph (it is not marked @external)",
                            typedef.name,
                            field.name,
                        )
            if field.provides is not None:
                where = f'On field "{coordinate}", for @provides(fields: "{field.provides}")'
                target = types.get(named_type(field.type))
                if target is None or target.kind not in (OBJECT, INTERFACE, UNION):
                    error(
                        "PROVIDES_ON_NON_OBJECT_FIELD",
                        f'Invalid @provides directive on field "{coordinate}": field has type "{field.type}" which '
                        "is not a Composite Type",
                        typedef.name,
                        field.name,
                    )
                    continue
                resolved = resolve_field_set(subgraph, target, field.provides, include_implementations=True)
                for problem in resolved.errors:
                    hint = _MISSING_HINT if problem.startswith("Cannot query field") else ""
                    error("PROVIDES_INVALID_FIELDS", f"{where}: {problem}{hint}", typedef.name, field.name)
                if subgraph.fed2:
                    for owner, provided in resolved.local_leaves:
                        error(
                            "PROVIDES_FIELDS_MISSING_EXTERNAL",
                            f'{where}: field "{owner.name}.{provided.name}" should not be part of a @provides '
                            "since it is already provided by this subgraph (it is not marked @external)",
                            typedef.name,
                            field.name,
                        )
    contexts = {c for t in types.values() for c in t.contexts}
    for typedef in types.values():
        for field in typedef.fields.values():
            for arg in field.args.values():
                if arg.from_context is None:
                    continue
                context = parse_context(arg.from_context)
                if context is None or context[0] not in contexts:
                    error("CONTEXT_NOT_SET",
                          f'Context "{context[0] if context else arg.from_context}" is used at location '
                          f'"{typedef.name}.{field.name}({arg.name}:)" but is never set.', typedef.name, field.name)
    if subgraph.fed2:
        used = used_fields(subgraph)
        for typedef in types.values():
            if typedef.kind not in (OBJECT, INTERFACE):
                continue
            for field in typedef.fields.values():
                if field.external and (typedef.name, field.name) not in used:
                    error(
                        "EXTERNAL_UNUSED",
                        f'Field "{typedef.name}.{field.name}" is marked @external but is not used in any federation '
                        "directive (@key, @provides, @requires) or to satisfy an interface; the field declaration "
                        "has no use and should be removed (or the field should not be @external).",
                        typedef.name,
                        field.name,
                    )
    return errors
