"""Executable directives composed with @composeDirective stay in the API schema, so clients may use them."""

import pytest
from graphql import print_schema
from supergraph_testkit import FIXTURES, check, serve_scenario

from supergraph.api_schema import build_api_schema


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_custom_directive") as s:
        yield s


async def test_composed_executable_directive_is_accepted(served):
    gateway = served.gateway()
    try:
        await check(gateway, "{ a @access b @access(scope: PRIVATE) }", {"a": "a", "b": "b"})
    finally:
        await gateway.aclose()


def test_api_schema_keeps_the_composed_directive_but_not_federation_machinery():
    api = print_schema(build_api_schema((FIXTURES / "sc_custom_directive.graphql").read_text()))
    assert "directive @access(scope: Scope! = PUBLIC) on FIELD" in api
    assert "@link" not in api and "join__" not in api
