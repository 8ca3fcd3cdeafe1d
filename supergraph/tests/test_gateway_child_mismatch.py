# ruff: noqa: E501 - the operations are kept on one line each, as clients send them
"""Sibling type conditions whose same-named fields differ in type inside one subgraph (ID! and ID): the subgraph
query aliases them and the client keeps its own keys. Cross-checked against Apollo Gateway."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_child_mismatch") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


CASES = [
    (
        "{ users { id name } accounts { ... on User { id name } ... on Admin { id name } } }",
        {
            "users": [{"id": "u1", "name": "u1-name"}],
            "accounts": [{"id": "u1", "name": "u1-name"}, {"id": "a1", "name": "a1-name"}],
        },
    ),
    (
        "query NestedInternalAlias { users { id name } accounts { ... on User { id name similarAccounts { ... on User { id name } ... on Admin { id name } } } ... on Admin { id name similarAccounts { ... on User { id name } ... on Admin { id name } } } } }",
        {
            "users": [{"id": "u1", "name": "u1-name"}],
            "accounts": [
                {
                    "id": "u1",
                    "name": "u1-name",
                    "similarAccounts": [{"id": "u1", "name": "u1-name"}, {"id": "a1", "name": "a1-name"}],
                },
                {
                    "id": "a1",
                    "name": "a1-name",
                    "similarAccounts": [{"id": "u1", "name": "u1-name"}, {"id": "a1", "name": "a1-name"}],
                },
            ],
        },
    ),
    (
        "query DeeplyNested { accounts { ... on User { name similarAccounts { ... on User { name similarAccounts { ... on User { name } ... on Admin { name } } } ... on Admin { name similarAccounts { ... on User { id } ... on Admin { id } } } } } ... on Admin { name } } }",
        {
            "accounts": [
                {
                    "name": "u1-name",
                    "similarAccounts": [
                        {"name": "u1-name", "similarAccounts": [{"name": "u1-name"}, {"name": "a1-name"}]},
                        {"name": "a1-name", "similarAccounts": [{"id": "u1"}, {"id": "a1"}]},
                    ],
                },
                {"name": "a1-name"},
            ]
        },
    ),
    (
        "{ accounts { ... on User { id email } ... on Admin { id } } }",
        {"accounts": [{"id": "u1", "email": "u1@example.org"}, {"id": "a1"}]},
    ),
]


@pytest.mark.parametrize(("query", "data"), CASES)
async def test_child_type_mismatch(gw, query, data):
    await check(gw, query, data)
