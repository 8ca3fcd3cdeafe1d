"""Response shaping on its own: keys and order of the operation, and null propagation for every list/non-null mix."""

import pytest
from graphql import build_schema, parse

from supergraph.operation import normalize, select_operation
from supergraph.response import ResponseShaper, Shaper

SCHEMA = build_schema("""
type Query { one: T! maybe: T items: [T!] loose: [T]! strict: [T!]! kind: Kind }
type T { id: ID! label: String }
enum Kind { A B }
""")


def shape(query: str, data: dict):
    doc = parse(query)
    op = normalize(doc, select_operation(doc, None), "Query", {})
    errors: list = []
    result = ResponseShaper(Shaper(SCHEMA)).shape("Query", op.selections, data, errors)
    return result, errors


def test_keys_order_aliases_and_unrequested_fields():
    result, errors = shape("{ b: maybe { label id } one { id } }",
                           {"one": {"id": "1", "label": "x", "_sg_extra": 1}, "b": {"id": "2", "label": "y"}})
    assert result == {"b": {"label": "y", "id": "2"}, "one": {"id": "1"}}
    assert list(result) == ["b", "one"] and errors == []


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("maybe", {"id": None}, {"maybe": None}),  # nullable object absorbs its non-null child's null
    ("items", [{"id": "1"}, {"id": None}], {"items": None}),  # [T!]: one bad item nulls the list
    ("loose", [{"id": "1"}, {"id": None}], {"loose": [{"id": "1"}, None]}),  # [T]!: only the item
    ("one", {"id": None}, None),  # T!: up to the root
    ("strict", [{"id": "1"}, None], None),  # [T!]!: up to the root
    ("loose", None, None),
])
def test_null_propagates_to_the_nearest_nullable_parent(field, value, expected):
    result, errors = shape(f"{{ {field} {{ id }} }}", {field: value})
    assert result == expected
    assert len(errors) == 1 and errors[0]["path"][0] == field


def test_unknown_enum_value_becomes_null_with_an_error():
    result, errors = shape("{ kind }", {"kind": "C"})
    assert result == {"kind": None}
    assert errors[0]["path"] == ["kind"]
