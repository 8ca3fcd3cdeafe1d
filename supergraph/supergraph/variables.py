"""Checking request variables without graphql-core when the operation only declares built-in scalars (and lists
of them): the common case stays off graphql-core on the hot path; anything else goes through graphql-core."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql.language import (
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    TypeNode,
    VariableDefinitionNode,
    print_ast,
)

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _is_int(v: Any) -> bool:
    return type(v) is int and _INT_MIN <= v <= _INT_MAX


def _is_float(v: Any) -> bool:
    return type(v) in (int, float)


_SCALARS: dict[str, Callable[[Any], bool]] = {
    "Int": _is_int,
    "Float": _is_float,
    "String": lambda v: type(v) is str,
    "Boolean": lambda v: type(v) is bool,
    "ID": lambda v: type(v) is str or type(v) is int,
}

# (name, type text, check(value) -> problem or None, required (non-null without default))
Check = tuple[str, str, Callable[[Any], str | None], bool]


def _checker(node: TypeNode) -> Callable[[Any], str | None] | None:
    if isinstance(node, NonNullTypeNode):
        inner = _checker(node.type)
        if inner is None:
            return None

        def non_null(v: Any) -> str | None:
            return "null is not allowed" if v is None else inner(v)

        return non_null
    if isinstance(node, ListTypeNode):
        item = _checker(node.type)
        if item is None:
            return None

        def as_list(v: Any) -> str | None:
            if v is None:
                return None
            for x in v if isinstance(v, list) else [v]:  # a single item is coerced into a list
                problem = item(x)
                if problem is not None:
                    return problem
            return None

        return as_list
    if isinstance(node, NamedTypeNode):
        check = _SCALARS.get(node.name.value)
        if check is None:
            return None
        name = node.name.value

        def scalar(v: Any) -> str | None:
            return None if v is None or check(v) else f"{name} cannot represent {v!r}"

        return scalar
    return None


def compile_checks(definitions: Sequence[VariableDefinitionNode]) -> list[Check] | None:
    """Checks for each declared variable, or None when some type needs graphql-core (enums, input objects, custom
    scalars)."""
    checks: list[Check] = []
    for d in definitions:
        check = _checker(d.type)
        if check is None:
            return None
        required = isinstance(d.type, NonNullTypeNode) and d.default_value is None
        checks.append((d.variable.name.value, print_ast(d.type), check, required))
    return checks


def problems(checks: list[Check], variables: dict[str, Any]) -> list[str]:
    out = []
    for name, type_text, check, required in checks:
        if name not in variables:
            if required:
                out.append(f'Variable "${name}" of required type "{type_text}" was not provided.')
            continue
        problem = check(variables[name])
        if problem is not None:
            out.append(f'Variable "${name}" got invalid value {variables[name]!r}; {problem}.')
    return out
