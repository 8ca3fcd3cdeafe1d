"""Variables of built-in scalar types are checked without graphql-core, with the same verdicts."""

import pytest
from graphql import build_schema, parse
from graphql.execution.values import get_variable_values
from graphql.language import OperationDefinitionNode

from supergraph.variables import compile_checks, problems

SCHEMA = build_schema("type Query { x(a: ID, b: Float, c: String, d: Boolean, e: Int): Int }")


def checks_for(signature: str):
    op = parse(f"query Q{signature} {{ x }}").definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    return compile_checks(op.variable_definitions)


@pytest.mark.parametrize(("signature", "variables", "ok"), [
    ("($id: ID!)", {"id": "u1"}, True),
    ("($id: ID!)", {"id": 7}, True),
    ("($id: ID!)", {}, False),
    ("($id: ID!)", {"id": None}, False),
    ("($id: ID! = \"u1\")", {}, True),
    ("($n: Int)", {"n": 2**31}, False),
    ("($n: Int)", {"n": True}, False),
    ("($n: Int)", {"n": None}, True),
    ("($f: Float!)", {"f": 1}, True),
    ("($b: Boolean!)", {"b": "true"}, False),
    ("($ids: [ID!]!)", {"ids": ["a", "b"]}, True),
    ("($ids: [ID!]!)", {"ids": "a"}, True),
    ("($ids: [ID!]!)", {"ids": ["a", None]}, False),
    ("($s: String)", {"s": 3}, False),
])
def test_builtin_scalar_variables(signature, variables, ok):
    checks = checks_for(signature)
    assert checks is not None
    assert (problems(checks, variables) == []) is ok
    # and graphql-core, which the gateway would otherwise use, agrees
    op = parse(f"query Q{signature} {{ x }}").definitions[0]
    verdict = get_variable_values(SCHEMA, op.variable_definitions, variables)
    assert (not isinstance(verdict, list)) is ok


@pytest.mark.parametrize("signature", ["($e: Episode)", "($i: ReviewInput!)", "($d: DateTime)"])
def test_other_types_are_left_to_graphql_core(signature):
    assert checks_for(signature) is None
