"""Automatic persisted queries (Apollo's protocol, over POST and GET) and the trusted-documents mode."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from edge_kit import Federation, client, federation

QUERY = "{ books { title } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
APQ = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


async def test_a_miss_then_registration_then_a_hit_over_post(fed: Federation) -> None:
    async with client(fed.app()) as http:
        fed.clear()
        miss = await http.post("/graphql", json={"extensions": APQ}, headers=JSON)
        assert miss.status_code == 200
        assert miss.json() == {"errors": [{"message": "PersistedQueryNotFound",
                                           "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}
        assert not fed.subgraphs["books"].requests
        registered = await http.post("/graphql", json={"query": QUERY, "extensions": APQ}, headers=JSON)
        hit = await http.post("/graphql", json={"extensions": APQ}, headers=JSON)
    assert registered.json() == hit.json() == {"data": {"books": [{"title": "Dune"}, {"title": "Emma"}]}}


async def test_a_hit_over_get(fed: Federation) -> None:
    params = {"extensions": json.dumps(APQ)}
    headers = {"apollo-require-preflight": "true"}
    async with client(fed.app(allow_get_queries=True)) as http:
        miss = await http.get("/graphql", params=params, headers=headers)
        await http.get("/graphql", params={**params, "query": QUERY}, headers=headers)
        hit = await http.get("/graphql", params=params, headers=headers)
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert hit.status_code == 200 and hit.json()["data"]["books"][1] == {"title": "Emma"}


async def test_a_hash_that_does_not_match_its_query_is_refused(fed: Federation) -> None:
    async with client(fed.app()) as http:
        wrong = await http.post("/graphql", headers=JSON, json={
            "query": "{ books { isbn } }", "extensions": APQ})
        after = await http.post("/graphql", json={"extensions": APQ}, headers=JSON)
        malformed = await http.post("/graphql", json={"extensions": {"persistedQuery": {"sha256Hash": 5}}},
                                    headers=JSON)
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert after.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"  # nothing was stored
    assert malformed.status_code == 400


async def test_apq_can_be_turned_off(fed: Federation) -> None:
    async with client(fed.app(apq=False)) as http:
        response = await http.post("/graphql", json={"query": QUERY, "extensions": APQ}, headers=JSON)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_trusted_documents_serve_only_the_manifest(fed: Federation, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": HASH, "name": "Books", "type": "query", "body": QUERY}]}))
    async with client(fed.app(trusted_documents=manifest)) as http:
        fed.clear()
        by_id = await http.post("/graphql", json={"extensions": APQ}, headers=JSON)
        by_text = await http.post("/graphql", json={"query": QUERY}, headers=JSON)
        other = await http.post("/graphql", json={"query": "{ books { isbn } }"}, headers=JSON)
        unknown_id = await http.post("/graphql", headers=JSON, json={
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}})
        registering = await http.post("/graphql", headers=JSON, json={
            "query": "{ books { isbn } }",
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(
                b"{ books { isbn } }").hexdigest()}}})
    assert by_id.json() == by_text.json() == {"data": {"books": [{"title": "Dune"}, {"title": "Emma"}]}}
    for refused in (other, unknown_id, registering):
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert len(fed.subgraphs["books"].requests) == 2
