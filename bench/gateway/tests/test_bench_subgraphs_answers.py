"""The benchmark subgraphs answer what a federation gateway asks, for the representations it sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench_subgraphs.app import SubgraphsApp, load_executors
from bench_subgraphs.data import InconsistentData, read_catalog

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename %s } }"


@pytest.fixture(scope="module")
def executors(bench_dir: Path):
    workload = bench_dir / "workload"
    return load_executors(workload / "supergraph.graphql", workload / "expected-response.json")


def ask(executors, subgraph: str, query: str, variables: dict[str, Any] | None = None) -> tuple[int, dict]:
    status, body = executors[subgraph].answer(json.dumps({"query": query, "variables": variables}).encode())
    return status, json.loads(body)


def test_accounts_resolve_users_by_the_ids_sent(executors):
    reps = [{"__typename": "User", "id": "4"}, {"__typename": "User", "id": "2"}, {"__typename": "User", "id": "99"}]
    status, answer = ask(executors, "accounts", ENTITIES % "... on User { id name username }", {"r": reps})
    assert status == 200 and "errors" not in answer
    assert answer["data"]["_entities"] == [
        {"__typename": "User", "id": "4", "name": "Arda Tanrikulu", "username": "ardatan"},
        {"__typename": "User", "id": "2", "name": "Dotan Simha", "username": "dotansimha"},
        None,
    ]


def test_products_root_field_honours_first(executors):
    _, answer = ask(executors, "products", "{ topProducts(first: 2) { upc name price weight } }")
    assert answer["data"]["topProducts"] == [
        {"upc": "1", "name": "Table", "price": 899, "weight": 100},
        {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
    ]
    _, default = ask(executors, "products", "{ topProducts { upc } }")
    assert [p["upc"] for p in default["data"]["topProducts"]] == ["1", "2", "3", "4", "5"]


def test_inventory_answers_shipping_estimate_when_the_required_fields_are_sent(executors):
    reps = [{"__typename": "Product", "upc": "2", "price": 1299, "weight": 1000},
            {"__typename": "Product", "upc": "1", "price": 899, "weight": 100}]
    status, answer = ask(executors, "inventory", ENTITIES % "... on Product { upc inStock shippingEstimate }",
                         {"r": reps})
    assert status == 200 and "errors" not in answer
    assert answer["data"]["_entities"] == [
        {"__typename": "Product", "upc": "2", "inStock": False, "shippingEstimate": None},
        {"__typename": "Product", "upc": "1", "inStock": True, "shippingEstimate": None},
    ]


def test_inventory_refuses_shipping_estimate_without_the_required_fields(executors):
    reps = [{"__typename": "Product", "upc": "1", "price": 899}]
    _, answer = ask(executors, "inventory", ENTITIES % "... on Product { shippingEstimate }", {"r": reps})
    assert answer["data"]["_entities"] == [{"__typename": "Product", "shippingEstimate": None}]
    assert "@requires weight" in answer["errors"][0]["message"]
    assert answer["errors"][0]["path"] == ["_entities", 0, "shippingEstimate"]


def test_reviews_provide_the_author_username_and_resolve_each_entity_type(executors):
    reps = [{"__typename": "Product", "upc": "4"}, {"__typename": "Review", "id": "9"},
            {"__typename": "User", "id": "5"}]
    selection = (
        "... on Product { upc reviews { id } } "
        "... on Review { id product { upc } author { id username } } "
        "... on User { id reviews { id } }"
    )
    _, answer = ask(executors, "reviews", ENTITIES % selection, {"r": reps})
    assert answer["data"]["_entities"] == [
        {"__typename": "Product", "upc": "4", "reviews": [{"id": "10"}, {"id": "11"}]},
        {"__typename": "Review", "id": "9", "product": {"upc": "3"}, "author": {"id": "1", "username": "urigo"}},
        {"__typename": "User", "id": "5", "reviews": [{"id": "1"}, {"id": "2"}]},
    ]


def test_unknown_entity_type_and_missing_key_are_refused(executors):
    _, unknown = ask(executors, "accounts", ENTITIES % "", {"r": [{"__typename": "Product", "upc": "1"}]})
    assert unknown["data"] is None
    assert "no entity type 'Product'" in unknown["errors"][0]["message"]
    _, keyless = ask(executors, "accounts", ENTITIES % "", {"r": [{"__typename": "User"}]})
    assert "lacks its key field 'id'" in keyless["errors"][0]["message"]


def test_invalid_requests_get_errors_not_data(executors):
    status, _ = executors["accounts"].answer(b"not json")
    assert status == 400
    status, answer = ask(executors, "accounts", "{ topProducts { upc } }")  # a products field
    assert status == 400 and "topProducts" in answer["errors"][0]["message"]


def test_memoised_answer_equals_a_fresh_execution(bench_dir: Path, executors):
    workload = bench_dir / "workload"
    fresh = load_executors(workload / "supergraph.graphql", workload / "expected-response.json", memoise=False)
    body = json.dumps({"query": ENTITIES % "... on User { reviews { id body } }",
                       "variables": {"r": [{"__typename": "User", "id": "3"}]}}).encode()
    assert executors["reviews"].answer(body) == executors["reviews"].answer(body) == fresh["reviews"].answer(body)


def test_service_sdl_is_the_derived_subgraph_sdl(executors):
    _, answer = ask(executors, "reviews", "{ _service { sdl } }")
    sdl = answer["data"]["_service"]["sdl"]
    assert 'author: User @provides(fields: "username")' in sdl
    assert "username: String @external" in sdl
    assert "_entities" not in sdl  # the federation additions are not part of the reported SDL


def test_data_read_off_a_contradictory_response_is_refused():
    response = {"data": {"users": [{"id": "1", "name": "A"}, {"id": "1", "name": "B"}]}}
    with pytest.raises(InconsistentData, match="name"):
        read_catalog(response)


async def _call(app: SubgraphsApp, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app({"type": "http", "method": method, "path": path}, receive, send)
    return sent[0]["status"], sent[1]["body"]


async def test_app_routes_each_subgraph_by_path_and_refuses_others(executors):
    app = SubgraphsApp(executors)
    query = json.dumps({"query": "{ users { id } }"}).encode()
    status, body = await _call(app, "POST", "/accounts", query)
    assert status == 200 and len(json.loads(body)["data"]["users"]) == 6
    assert (await _call(app, "POST", "/products", query))[0] == 400  # users is not a products field
    assert (await _call(app, "POST", "/nowhere", query))[0] == 404
    assert (await _call(app, "GET", "/accounts"))[0] == 405
