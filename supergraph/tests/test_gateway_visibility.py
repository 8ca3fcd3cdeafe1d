"""@inaccessible, enum values and input fields in only some subgraphs, @override, introspection of the API schema."""

import pytest
from supergraph_testkit import ask, check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_visibility") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_overridden_fields_come_from_the_overriding_subgraph(gw):
    await check(
        gw,
        "{ users { id score legacyScore name plan tickets } }",
        {
            "users": [
                {"id": "u1", "score": 7, "legacyScore": 70, "name": "Ada", "plan": "pro", "tickets": 2},
                {"id": "u2", "score": 3, "legacyScore": 30, "name": "Alan", "plan": "free", "tickets": 0},
            ]
        },
    )


async def test_override_with_requires_on_an_interface_implementation(gw):
    await check(gw, "{ contents { id rank } }", {"contents": [{"id": "a1", "rank": 1}, {"id": "a2", "rank": 25}]})


@pytest.mark.parametrize(
    "query",
    [
        "{ users { id secret } }",
        "{ usersByType(type: ADMIN) { id } }",
        '{ findUsers(filter: {prefix: "A"}) { id } }',
        "{ users { sku } }",
    ],
)
async def test_inaccessible_elements_and_partial_inputs_are_unknown_to_clients(gw, query):
    body = await ask(gw, query)
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_inaccessible_key_still_joins_subgraphs(gw):
    await check(
        gw,
        '{ findUsers(filter: {plan: "pro"}) { id name kind } }',
        {"findUsers": [{"id": "u1", "name": "Ada", "kind": "REGULAR"}]},
    )


async def test_enum_values_and_arguments_of_the_api_schema(gw):
    await check(
        gw,
        "{ usersByType(type: REGULAR) { id kind } }",
        {"usersByType": [{"id": "u1", "kind": "REGULAR"}, {"id": "u2", "kind": "ANONYMOUS"}]},
    )


async def test_introspection_shows_the_api_schema_only(gw):
    body = await check(
        gw,
        '{ __typename user: __type(name: "User") { fields { name } } hidden: __type(name: "Hidden") '
        '{ name } kinds: __type(name: "UserType") { enumValues { name } } }',
        {
            "__typename": "Query",
            "user": {
                "fields": [
                    {"name": n} for n in ("id", "kind", "role", "score", "legacyScore", "plan", "name", "tickets")
                ]
            },
            "hidden": None,
            "kinds": {"enumValues": [{"name": "REGULAR"}]},
        },
    )
    assert "errors" not in body


async def test_enum_value_outside_the_api_schema_becomes_null_with_an_error(gw):
    body = await check(
        gw,
        "{ users { id role } }",
        {"users": [{"id": "u1", "role": "REGULAR"}, {"id": "u2", "role": None}]},
        errors=True,
    )
    assert body["errors"][0]["path"] == ["users", 1, "role"]
