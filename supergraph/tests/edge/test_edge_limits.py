"""Each limit just under and just over: the refusal is a 4xx with a clear error, and no subgraph is called."""

from __future__ import annotations

import pytest
import structlog
from edge_kit import Federation, client, federation, post


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


async def _ask(fed: Federation, query: str, **settings: object) -> tuple[int, dict]:
    fed.clear()
    async with client(fed.app(**settings)) as http:
        response = await post(http, query)
    return response.status_code, response.json()


def _refused(fed: Federation, status: int, body: dict, code: str, want_status: int = 400) -> None:
    assert status == want_status, body
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert "data" not in body
    assert not fed.subgraphs["accounts"].requests and not fed.subgraphs["books"].requests


@pytest.mark.parametrize(("setting", "limit", "under", "over", "code"), [
    ("max_depth", 3, "{ books { owner { name } } }", "{ books { related { owner { name } } } }", "MAX_DEPTH_LIMIT"),
    ("max_aliases", 2, "{ a: books { t: title } }", "{ a: books { t: title i: isbn } }", "MAX_ALIASES_LIMIT"),
    ("max_root_fields", 2, "{ books { title } b: books { isbn } }",
     "{ books { title } b: books { isbn } users { id } }", "MAX_ROOT_FIELDS_LIMIT"),
    # books is a list of unknown size (assumed 10): 10 * (1 + owner) = 20; related(first: 1) adds 10 * 1.
    ("max_cost", 20, "{ books { title owner { name } } }", "{ books { owner { name } related(first: 1) { title } } }",
     "COST_ESTIMATED_TOO_EXPENSIVE"),
])
async def test_a_limit_just_under_answers_and_just_over_is_refused(
        fed: Federation, setting: str, limit: int, under: str, over: str, code: str) -> None:
    status, body = await _ask(fed, under, **{setting: limit})
    assert status == 200 and "errors" not in body, body
    status, body = await _ask(fed, over, **{setting: limit})
    _refused(fed, status, body, code)
    assert body["errors"][0]["extensions"]["limit"] == limit
    assert str(limit) in body["errors"][0]["message"]


async def test_the_token_limit(fed: Federation) -> None:
    query = "{ books { title } }"  # 5 tokens and <EOF>
    status, body = await _ask(fed, query, max_tokens=6)
    assert status == 200 and body["data"]["books"][0] == {"title": "Dune"}
    status, body = await _ask(fed, query, max_tokens=5)
    _refused(fed, status, body, "MAX_TOKENS_LIMIT")


async def test_list_sizes_multiply_through_nested_lists(fed: Federation) -> None:
    # 10 * (1 + 10 * (1 + 10 * 1)) = 1110: each nested list multiplies what is under it.
    nested = "{ books { related { related { title } } } }"
    assert (await _ask(fed, nested, max_cost=1110))[0] == 200
    status, body = await _ask(fed, nested, max_cost=1109)
    _refused(fed, status, body, "COST_ESTIMATED_TOO_EXPENSIVE")
    assert body["errors"][0]["extensions"]["value"] == 1110


async def test_the_body_size_limit(fed: Federation) -> None:
    body = b'{"query":"{ books { title } }"}'
    async with client(fed.app(max_body_bytes=len(body))) as http:
        fed.clear()
        ok = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
        too_big = await http.post("/graphql", content=body + b" ", headers={"content-type": "application/json"})
    assert ok.status_code == 200 and ok.json()["data"]["books"][1]["title"] == "Emma"
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_the_batch_limit(fed: Federation) -> None:
    one = {"query": "{ books { isbn } }"}
    async with client(fed.app(max_batch=2)) as http:
        two = await http.post("/graphql", json=[one, {"query": "mutation { ping }"}])
        fed.clear()
        three = await http.post("/graphql", json=[one, one, one])
    async with client(fed.app(max_batch=0)) as http:
        off = await http.post("/graphql", json=[one])
    assert two.status_code == 200
    assert two.json() == [{"data": {"books": [{"isbn": "1"}, {"isbn": "2"}]}}, {"data": {"ping": "pong"}}]
    _refused(fed, three.status_code, three.json(), "BATCH_LIMIT_EXCEEDED")
    assert off.status_code == 400 and off.json()["errors"][0]["extensions"]["code"] == "BATCHING_NOT_ENABLED"


async def test_queries_over_get_only_when_turned_on_and_never_mutations(fed: Federation) -> None:
    params = {"query": "{ books { title } }"}
    preflight = {"apollo-require-preflight": "true"}
    async with client(fed.app()) as http:
        off = await http.get("/graphql", params=params, headers=preflight)
    async with client(fed.app(allow_get_queries=True)) as http:
        on = await http.get("/graphql", params=params, headers=preflight)
        fed.clear()
        mutation = await http.get("/graphql", params={"query": "mutation { ping }"}, headers=preflight)
        named = await http.get("/graphql", headers=preflight, params={
            "query": "query Q { books { title } } mutation M { ping }", "operationName": "M"})
        no_preflight = await http.get("/graphql", params=params)
    assert off.status_code == 405 and off.headers["allow"] == "POST"
    assert on.status_code == 200 and on.json()["data"]["books"][0]["title"] == "Dune"
    _refused(fed, mutation.status_code, mutation.json(), "METHOD_NOT_ALLOWED", 405)
    _refused(fed, named.status_code, named.json(), "METHOD_NOT_ALLOWED", 405)
    _refused(fed, no_preflight.status_code, no_preflight.json(), "CSRF_PREVENTION")


async def test_the_csrf_guard_refuses_what_a_browser_sends_without_preflight(fed: Federation) -> None:
    body = b'{"query":"mutation { ping }"}'
    async with client(fed.app()) as http:
        fed.clear()
        simple = await http.post("/graphql", content=body, headers={"content-type": "text/plain"})
        form = await http.post("/graphql", content=body,
                               headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"})
        _refused(fed, simple.status_code, simple.json(), "CSRF_PREVENTION")
        _refused(fed, form.status_code, form.json(), "CSRF_PREVENTION")
        with_header = await http.post("/graphql", content=body, headers={"content-type": "text/plain",
                                                                         "x-apollo-operation-name": "Ping"})
        as_json = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert with_header.json() == as_json.json() == {"data": {"ping": "pong"}}
    async with client(fed.app(csrf_prevention=False)) as http:
        assert (await http.post("/graphql", content=body, headers={"content-type": "text/plain"})).status_code == 200


async def test_introspection_can_be_turned_off(fed: Federation) -> None:
    query = "{ __schema { queryType { name } } }"
    status, body = await _ask(fed, query)  # development default: on
    assert status == 200 and body["data"]["__schema"]["queryType"]["name"] == "Query"
    status, body = await _ask(fed, query, introspection=False)
    _refused(fed, status, body, "INTROSPECTION_DISABLED")
    status, body = await _ask(fed, "query { __type(name: \"Book\") { name } }", environment="production")
    _refused(fed, status, body, "INTROSPECTION_DISABLED")
    status, body = await _ask(fed, "{ __typename books { isbn } }", introspection=False)
    assert status == 200 and body["data"]["__typename"] == "Query"


async def test_subgraph_errors_are_masked_in_production_and_logged_in_full(fed: Federation) -> None:
    query = '{ book(isbn: "boom") { title } books { isbn } }'
    with structlog.testing.capture_logs() as logs:
        async with client(fed.app(environment="production")) as http:
            response = await post(http, query, headers={"x-request-id": "req-42"})
    body = response.json()
    assert response.status_code == 200 and response.headers["x-request-id"] == "req-42"
    assert body["data"] == {"book": None, "books": [{"isbn": "1"}, {"isbn": "2"}]}
    assert body["errors"] == [{"message": "Internal server error", "path": ["book"],
                               "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    logged = [entry for entry in logs if entry.get("request_id") == "req-42"]
    assert logged and "hunter2" in str(logged[0]["error"])
    async with client(fed.app()) as http:  # development: the subgraph's message is shown
        assert "hunter2" in str((await post(http, query)).json()["errors"])


async def test_client_errors_keep_their_message_when_masked(fed: Federation) -> None:
    async with client(fed.app(environment="production")) as http:
        body = (await post(http, "{ me { name } }")).json()
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert body["errors"][0]["message"] == "Sign in to see Query.me."


async def test_rate_limits_per_address_and_per_user(fed: Federation) -> None:
    async with client(fed.app(rate_limit_per_address=2)) as http:
        answers = [await post(http, "{ books { isbn } }") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= int(answers[2].headers["retry-after"]) <= 60
    async with client(fed.app(rate_limit_per_user=1)) as http:
        ada = await post(http, "{ books { isbn } }", fed.keys.token("u1"))
        ada_again = await post(http, "{ books { isbn } }", fed.keys.token("u1", "other-scope"))
        ben = await post(http, "{ books { isbn } }", fed.keys.token("u2"))
        anonymous = await post(http, "{ books { isbn } }")
    assert (ada.status_code, ada_again.status_code, ben.status_code, anonymous.status_code) == (200, 429, 200, 200)


async def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(fed: Federation) -> None:
    async def ask(http: object, forwarded: str) -> int:
        return (await post(http, "{ books { isbn } }", headers={"x-forwarded-for": forwarded})).status_code

    async with client(fed.app(rate_limit_per_address=1, trusted_proxy_hops=1)) as http:
        # the load balancer appends the real peer; what the client wrote before it is not trusted
        assert await ask(http, "1.1.1.1, 203.0.113.7") == 200
        assert await ask(http, "2.2.2.2, 203.0.113.7") == 429
        assert await ask(http, "203.0.113.8") == 200
    async with client(fed.app(rate_limit_per_address=1)) as http:  # no trusted proxy: the socket's peer
        assert await ask(http, "1.1.1.1") == 200
        assert await ask(http, "2.2.2.2") == 429


async def test_repeated_operations_are_checked_once(fed: Federation) -> None:
    app = fed.app()
    async with client(app) as http:
        for _ in range(5):
            await post(http, "{ books { isbn } }")
    text = app.metrics.render().decode()
    assert 'bookshare_gateway_document_checks_cache_total{result="miss"} 1.0' in text
    assert 'bookshare_gateway_document_checks_cache_total{result="hit"} 4.0' in text
