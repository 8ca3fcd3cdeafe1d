"""The ASGI app: POST /graphql, GET /health, EXPLAIN header, extra subgraph headers, refusals."""

import httpx
import pytest
from supergraph_testkit import FIXTURES, serve_scenario

from supergraph.explain import explain_plan
from supergraph.loading import SupergraphError
from supergraph.server import create_app


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_entities") as s:
        yield s


@pytest.fixture
async def client(served):
    for sg in served.subgraphs.values():
        sg.requests.clear()
    app = create_app(
        served.sdl,
        url_overrides=served.overrides,
        subgraph_headers=lambda h: {"x-gateway-user": h.get("x-user", "anonymous")},
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as c:
        yield c, served.subgraphs
    await app.gateway.aclose()


async def test_health_and_a_query(client):
    c, _ = client
    assert (await c.get("/health")).status_code == 200
    r = await c.post("/graphql", json={"query": "query Q($id: ID!) { user(id: $id) { name plan } }",
                                       "variables": {"id": "u1"}, "operationName": "Q"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"data": {"user": {"name": "Ada", "plan": "pro"}}}


async def test_subgraph_headers_callable_sees_the_request_headers(client):
    c, subgraphs = client
    subgraphs["users"].headers.clear()
    subgraphs["plans"].headers.clear()
    await c.post("/graphql", json={"query": "{ users { plan } }"}, headers={"X-User": "ada"})
    seen = subgraphs["users"].headers + subgraphs["plans"].headers
    assert len(seen) == 2 and all(h["x-gateway-user"] == "ada" for h in seen)


async def test_explain_header_returns_the_plan(client):
    c, _ = client
    r = await c.post("/graphql", json={"query": "{ users { plan } }"}, headers={"bookshare-explain": "1"})
    body = r.json()
    assert body["data"] == {"users": [{"plan": "pro"}, {"plan": "free"}]}
    plan = body["extensions"]["queryPlan"]
    assert 'Fetch(service: "users")' in plan and 'Flatten(path: "users.@")' in plan and '"plans"' in plan


async def test_bad_requests_are_refused_with_json_errors(client):
    c, _ = client
    r = await c.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    r = await c.post("/graphql", json={"query": "{ nope }"})
    assert r.status_code == 400 and r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    r = await c.get("/graphql", params={"query": "{ users { id } }"})
    assert r.status_code == 200 and r.json() == {"data": {"users": [{"id": "u1"}, {"id": "u2"}]}}
    r = await c.get("/graphql", params={"query": "mutation { x }"})
    assert r.status_code == 405
    assert (await c.get("/nowhere")).status_code == 404


def test_explain_plan_text():
    sdl = (FIXTURES / "sc_requires.graphql").read_text()
    text = explain_plan(sdl, "{ products { hasDiscount } }")
    assert text.startswith("QueryPlan {")
    # catalog, then pricing (needs price), then deals (needs isExpensive): three steps in sequence
    assert text.index('"catalog"') < text.index('"pricing"') < text.index('"deals"')
    with pytest.raises(ValueError, match="Cannot query field"):
        explain_plan(sdl, "{ nothing }")


def test_refuses_unimplemented_security_or_execution_features():
    sdl = (FIXTURES / "sc_entities.graphql").read_text()
    linked = sdl.replace(
        '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)',
        '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)\n'
        '  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
    )
    with pytest.raises(SupergraphError, match=r"policy/v0.1 for SECURITY"):
        create_app(linked)
    other = sdl.replace("join/v0.3", "join/v0.9")
    with pytest.raises(SupergraphError, match="join/v0.9 for EXECUTION"):
        create_app(other)
    # a feature linked without a purpose is metadata and does not stop the gateway
    create_app(sdl.replace('@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)',
                           '@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)\n'
                           '  @link(url: "https://example.com/custom/v1.0")'))
