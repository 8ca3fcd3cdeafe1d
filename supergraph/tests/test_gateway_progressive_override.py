"""join v0.5 supergraphs load and serve; progressive @override follows its label's percentage."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_progressive") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_percent_labels_and_custom_labels(gw):
    for _ in range(3):
        await check(gw, "{ users { id name nickname motto } }", {"users": [
            {"id": "u1", "name": "name from new", "nickname": "nickname from old", "motto": "motto from old"}]})


def test_partial_percentages_split_traffic(served):
    gateway = served.gateway()
    gateway.supergraph.override_labels["percent(0)"] = 50.0
    rolls = [gateway._roll_override_labels() for _ in range(400)]
    on = sum("percent(0)" in r for r in rolls)
    assert 120 < on < 280
    assert all("percent(100)" in r and "beta" not in r for r in rolls)
