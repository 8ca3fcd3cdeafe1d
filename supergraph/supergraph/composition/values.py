"""GraphQL values printed the way Apollo prints them (`{kind: BIG}`, not graphql-core's `{ kind: BIG }`)."""

from __future__ import annotations

from graphql import print_ast
from graphql.language import ListValueNode, ObjectValueNode, StringValueNode, ValueNode


def print_value(value: ValueNode) -> str:
    if isinstance(value, ObjectValueNode):
        return "{" + ", ".join(f"{f.name.value}: {print_value(f.value)}" for f in value.fields) + "}"
    if isinstance(value, ListValueNode):
        return "[" + ", ".join(print_value(v) for v in value.values) + "]"
    if isinstance(value, StringValueNode):
        return print_ast(StringValueNode(value=value.value))  # never a block string
    return print_ast(value)
