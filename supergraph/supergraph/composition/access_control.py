"""Merging @requiresScopes / @policy across subgraphs: every subgraph's requirement must hold.

Each value is in disjunctive normal form (any one inner list suffices, all of its entries are needed). Two
subgraphs' requirements combine by conjunction, distributed back into normal form and simplified, exactly
as Apollo's DNF_CONJUNCTION strategy does (a union would let a caller through on the weaker requirement).
"""

from __future__ import annotations

import json

from graphql.language import ListValueNode, StringValueNode, ValueNode


def _key(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def to_dnf(value: ValueNode | None) -> list[list[str]]:
    if not isinstance(value, ListValueNode):
        return []
    return [
        [s.value for s in inner.values if isinstance(s, StringValueNode)]
        for inner in value.values
        if isinstance(inner, ListValueNode)
    ]


def from_dnf(value: list[list[str]]) -> ListValueNode:
    return ListValueNode(values=tuple(
        ListValueNode(values=tuple(StringValueNode(value=s) for s in inner)) for inner in value
    ))


def _without_subsumed(values: list[list[str]]) -> list[list[str]]:
    result: list[list[str]] = []
    for candidate in sorted(values, key=len):  # stable, like Apollo's
        entries = set(candidate)
        if not any(all(e in entries for e in kept) for kept in result):
            result.append(candidate)
    return result


def dnf_conjunction(values: list[list[list[str]]]) -> list[list[str]]:
    normalised: list[list[list[str]]] = []
    seen: set[str] = set()
    for value in values:
        clauses = sorted((sorted(inner) for inner in (value or [[]])), key=_key)
        key = _key(clauses)
        if key not in seen:
            seen.add(key)
            normalised.append(clauses)
    if not normalised:
        return []
    result = normalised[0]
    for current in normalised[1:]:
        combined: list[list[str]] = []
        combined_keys: set[str] = set()
        for left in result:
            for right in current:
                candidate = sorted([*left, *(e for e in right if e not in left)])
                key = _key(candidate)
                if key not in combined_keys:
                    combined_keys.add(key)
                    combined.append(candidate)
        result = _without_subsumed(combined)
    return result
