"""Type references as printed strings ("[User!]!") and the subtyping rules composition allows."""

from __future__ import annotations

from collections.abc import Callable

from graphql.language import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode


def print_type(node: TypeNode, rename: Callable[[str], str] = lambda n: n) -> str:
    if isinstance(node, NonNullTypeNode):
        return print_type(node.type, rename) + "!"
    if isinstance(node, ListTypeNode):
        return "[" + print_type(node.type, rename) + "]"
    assert isinstance(node, NamedTypeNode)
    return rename(node.name.value)


def named_type(type_ref: str) -> str:
    return type_ref.strip("[]!")


def is_non_null(type_ref: str) -> bool:
    return type_ref.endswith("!")


def is_list(type_ref: str) -> bool:
    return type_ref.rstrip("!").startswith("[")


def is_subtype(sup: str, sub: str, is_member: Callable[[str, str], bool]) -> bool:
    """True when a value of type `sub` is always a valid `sup` (equal types included).

    Allowed like Apollo's defaults: a non-null where a nullable is expected, inside lists too, and an
    object type where one of its interfaces or unions is expected (`is_member(abstract, concrete)`).
    """
    if sup == sub:
        return True
    if sub.endswith("!"):
        if sup.endswith("!"):
            return is_subtype(sup[:-1], sub[:-1], is_member)
        return is_subtype(sup, sub[:-1], is_member)
    if sup.endswith("!"):
        return False
    if sub.startswith("["):
        return sup.startswith("[") and is_subtype(sup[1:-1], sub[1:-1], is_member)
    if sup.startswith("["):
        return False
    return is_member(sup, sub)
