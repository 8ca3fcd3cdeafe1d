"""Inbound deduplication: identical queries in flight together share one execution; mutations, other callers
(other credentials), other variables never do; the setting turns it off."""

import asyncio

import pytest
from supergraph_testkit import serve_scenario

from supergraph.dedup import DEDUPLICATE_ENV
from supergraph.gateway import Gateway
from supergraph.transport import AiohttpSubgraphClient

QUERY = "{ users { name plan } }"
ANSWER = {"data": {"users": [{"name": "Ada", "plan": "pro"}, {"name": "Alan", "plan": "free"}]}}
CREDENTIAL = "bookshare-gateway-credential"


class GatedClient(AiohttpSubgraphClient):
    """Holds every subgraph fetch until `open()`, so the test decides which requests are in flight together."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.posts = 0

    async def post(self, url, body, headers):
        self.posts += 1
        await self.gate.wait()
        return await super().post(url, body, headers)

    def open(self) -> None:
        self.gate.set()


@pytest.fixture(scope="module")
def entities():
    with serve_scenario("sc_entities") as s:
        yield s


@pytest.fixture(scope="module")
def mutations():
    with serve_scenario("sc_mutations") as s:
        yield s


def _fetches(served) -> int:
    return sum(len(s.requests) for s in served.subgraphs.values())


def _clear(served) -> None:
    for s in served.subgraphs.values():
        s.requests.clear()
        s.headers.clear()


async def _together(gw: Gateway, client: GatedClient, calls: list, settle: int = 5) -> list:
    """Start `calls` (coroutines of gw.execute) at once, let them all reach the gate, then let fetches through."""
    tasks = [asyncio.create_task(c) for c in calls]
    for _ in range(settle):
        await asyncio.sleep(0)
    client.open()
    return await asyncio.gather(*tasks)


async def _one_execution_fetches(served) -> int:
    _clear(served)
    gw = served.gateway(deduplicate_queries=False)
    assert (await gw.execute(QUERY)).body == ANSWER
    await gw.aclose()
    n = _fetches(served)
    _clear(served)
    return n


async def test_identical_concurrent_queries_share_one_set_of_fetches(entities):
    single = await _one_execution_fetches(entities)
    assert single == 2  # users, then plans: the test means something only if there are fetches to share
    client = GatedClient()
    gw = entities.gateway(client=client)
    results = await _together(gw, client, [gw.execute(QUERY, headers={CREDENTIAL: "ada", "x-request-id": str(i)})
                                           for i in range(5)])
    assert all(r.status == 200 and r.body == ANSWER for r in results)
    assert _fetches(entities) == single
    assert gw.inflight.shared_requests == 4 and len(gw.inflight) == 0
    # every caller owns its body: changing one answer changes no other
    results[0].body["data"]["users"][0]["name"] = "changed"
    results[1].body["errors"] = ["masked"]
    assert all(r.body == ANSWER for r in results[2:])
    assert len({id(r.body) for r in results}) == 5
    await gw.aclose()


async def test_after_an_execution_ends_the_next_identical_query_runs_again(entities):
    single = await _one_execution_fetches(entities)
    gw = entities.gateway()
    assert (await gw.execute(QUERY)).body == ANSWER
    assert (await gw.execute(QUERY)).body == ANSWER
    assert _fetches(entities) == 2 * single and gw.inflight.shared_requests == 0
    await gw.aclose()


async def test_different_credentials_are_never_shared(entities):
    single = await _one_execution_fetches(entities)
    client = GatedClient()
    gw = entities.gateway(client=client)
    results = await _together(gw, client, [
        gw.execute(QUERY, headers={CREDENTIAL: "token-of-ada"}),
        gw.execute(QUERY, headers={CREDENTIAL: "token-of-bob"}),
        gw.execute(QUERY, headers={CREDENTIAL: "token-of-ada"}),
    ])
    assert all(r.body == ANSWER for r in results)
    assert _fetches(entities) == 2 * single  # ada's two requests shared, bob's ran on its own
    seen = sorted(h[CREDENTIAL] for h in entities.subgraphs["users"].headers)
    assert seen == ["token-of-ada", "token-of-bob"]
    await gw.aclose()


async def test_different_variables_or_operation_names_are_not_shared(entities):
    single = await _one_execution_fetches(entities)
    query = "query A($id: ID!) { user(id: $id) { name plan } } query B { users { name } }"
    client = GatedClient()
    gw = entities.gateway(client=client)
    results = await _together(gw, client, [
        gw.execute(query, {"id": "u1"}, "A"),
        gw.execute(query, {"id": "u2"}, "A"),
        gw.execute(query, {"id": "u1"}, "A"),
        gw.execute(query, None, "B"),
    ])
    assert results[0].body == results[2].body == {"data": {"user": {"name": "Ada", "plan": "pro"}}}
    assert results[1].body["data"]["user"]["name"] != "Ada"
    assert results[3].body == {"data": {"users": [{"name": "Ada"}, {"name": "Alan"}]}}
    assert gw.inflight.shared_requests == 1
    assert single == 2 and _fetches(entities) == 2 + 2 + 1  # u1 once, u2 once, B once (users only)
    await gw.aclose()


async def test_a_mutation_is_never_shared(mutations):
    _clear(mutations)
    mutations.subgraphs["multiplier"].state["counter"] = 0
    client = GatedClient()
    gw = mutations.gateway(client=client)
    results = await _together(gw, client, [gw.execute("mutation { add(n: 1) }") for _ in range(3)])
    assert sorted(r.body["data"]["add"] for r in results) == [1, 2, 3]
    assert gw.inflight.shared_requests == 0
    await gw.aclose()


async def test_a_caller_that_goes_away_does_not_cancel_the_others(entities):
    _clear(entities)
    client = GatedClient()
    gw = entities.gateway(client=client)
    first = asyncio.create_task(gw.execute(QUERY))
    second = asyncio.create_task(gw.execute(QUERY))
    for _ in range(5):
        await asyncio.sleep(0)
    first.cancel()
    client.open()
    assert (await second).body == ANSWER
    assert first.cancelled()
    await gw.aclose()


async def test_the_setting_turns_it_off(entities, monkeypatch):
    single = await _one_execution_fetches(entities)
    monkeypatch.setenv(DEDUPLICATE_ENV, "false")
    client = GatedClient()
    gw = entities.gateway(client=client)
    assert gw.inflight is None
    results = await _together(gw, client, [gw.execute(QUERY) for _ in range(3)])
    assert all(r.body == ANSWER for r in results)
    assert _fetches(entities) == 3 * single
    await gw.aclose()
    monkeypatch.setenv(DEDUPLICATE_ENV, "true")
    assert entities.gateway().inflight is not None


async def test_read_only_callers_share_data_and_private_callers_still_get_their_own(entities):
    _clear(entities)
    client = GatedClient()
    gw = entities.gateway(client=client)
    results = await _together(gw, client, [
        gw.execute(QUERY, read_only=True),
        gw.execute(QUERY),
        gw.execute(QUERY, read_only=True),
        gw.execute(QUERY),
    ])
    assert all(r.body == ANSWER for r in results)
    assert gw.inflight.shared_requests == 3
    reader, private, other_reader, other_private = results
    assert reader.body is not other_reader.body and reader.body["data"] is other_reader.body["data"]
    reader.body["errors"] = ["masked for this caller"]
    assert "errors" not in other_reader.body
    # a private caller changing data deep down (as authorization completion does) reaches no one else
    private.body["data"]["users"][1]["plan"] = None
    other_private.body["data"]["users"].pop()
    assert reader.body["data"] == other_reader.body["data"] == ANSWER["data"]
    assert private.body["data"] is not other_private.body["data"]
    await gw.aclose()
