"""The cost estimate honours a supergraph's @cost and @listSize (Apollo's cost spec). The fixture supergraph
was composed by Apollo's own composition (tools/federation) from cost_subgraph.graphql."""

from __future__ import annotations

from pathlib import Path

import pytest

from supergraph.api_schema import build_api_schema
from supergraph.edge import EdgeApp, EdgeSettings
from supergraph.edge.limits import CostDirectives, analyse

SDL = (Path(__file__).parent / "cost_supergraph.graphql").read_text()
SCHEMA = build_api_schema(SDL)
COSTS = CostDirectives.from_supergraph(SDL)


def _cost(query: str, **settings: object) -> int:
    facts = analyse(query, SCHEMA, EdgeSettings(**settings), COSTS)
    (operation,) = facts.operations.values()
    return operation.figures.cost


@pytest.mark.parametrize(("query", "cost"), [
    ("{ books(first: 2) { title } }", 2),  # a slicing argument sizes the list: 2 books of weight 1
    ("{ books(first: 2, last: 5) { title } }", 5),  # the largest slicing argument counts
    ("{ books { title } }", 10),  # no slicing argument: the assumed list size
    ("{ shelf { author { name } } }", 3 * (1 + 5)),  # @listSize(assumedSize: 3); author's own @cost(weight: 5)
    ("{ favouriteAuthor { name } }", 7),  # Author's type-level @cost(weight: 7)
    ("{ page(first: 4) { items { id } total } }", 1 + 4 * 1),  # sizedFields: the slicing argument sizes items
    ("{ report }", 40),  # a scalar with a @cost weight
    ("{ books(first: 1) { author { name } } shelf { id } }", 1 * (1 + 5) + 3),
])
def test_cost_directives_shape_the_estimate(query: str, cost: int) -> None:
    assert _cost(query) == cost


def test_without_cost_directives_the_defaults_apply() -> None:
    plain = (Path(__file__).parents[1] / "supergraph_fixtures" / "sc_entities.graphql").read_text()
    assert CostDirectives.from_supergraph(plain) == CostDirectives()
    facts = analyse("{ shelf { author { name } } }", SCHEMA, EdgeSettings())  # directives not passed
    assert next(iter(facts.operations.values())).figures.cost == 10 * (1 + 1)


async def test_the_gateway_refuses_by_the_directed_estimate() -> None:
    import httpx

    query = {"query": "{ shelf { author { name } } }"}  # 18 by the directives (20 without them)
    for limit, refused in ((18, False), (17, True)):
        app = EdgeApp(SDL, settings=EdgeSettings(max_cost=limit), url_overrides={"library": "http://127.0.0.1:9/"})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http:
            response = await http.post("/graphql", json=query)
        await app.state.gateway.aclose()
        codes = [e["extensions"]["code"] for e in response.json().get("errors", [])]
        if refused:
            assert response.status_code == 400 and codes == ["COST_ESTIMATED_TOO_EXPENSIVE"]
            assert response.json()["errors"][0]["extensions"]["value"] == 18
        else:  # past the estimate; the (unreachable) subgraph is what fails
            assert "COST_ESTIMATED_TOO_EXPENSIVE" not in codes and codes
