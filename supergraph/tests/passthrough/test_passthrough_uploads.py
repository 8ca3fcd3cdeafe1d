"""Files uploaded through the gateway (GraphQL multipart requests) reach the subgraph whole, as a multipart
request of its own; bad multipart requests are refused before any subgraph is asked."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from passthrough_kit import Federation, client, federation

from supergraph.passthrough.files import PLACEHOLDER_PREFIX

UPLOAD = "mutation($label: String!, $file: Upload!) { upload(label: $label, file: $file) " \
         "{ label filename contentType size sha256 } }"
PREFLIGHT = {"apollo-require-preflight": "true"}


@pytest.fixture(scope="module")
def fed() -> Iterator[Federation]:
    with federation() as f:
        yield f


@pytest.fixture(autouse=True)
def _clear(fed: Federation) -> None:
    fed.metadata_requests.clear()


def _form(operations: Any, mapping: Any, files: dict[str, tuple[str, bytes, str]]) -> dict[str, Any]:
    return {"data": {"operations": operations if isinstance(operations, str) else json.dumps(operations),
                     "map": mapping if isinstance(mapping, str) else json.dumps(mapping)},
            "files": files}


async def _post(http: httpx.AsyncClient, form: dict[str, Any], headers: dict[str, str] | None = None
                ) -> httpx.Response:
    return await http.post("/graphql", headers=PREFLIGHT if headers is None else headers, **form)


async def test_a_file_reaches_the_subgraph_whole_with_its_name_and_type(fed: Federation) -> None:
    data = bytes(range(256)) * 4000  # about 1 MB, binary
    form = _form({"query": UPLOAD, "variables": {"label": "cover", "file": None}}, {"0": ["variables.file"]},
                 {"0": ("dune.png", data, "image/png")})
    async with client(fed.app(upload_spool_bytes=64 * 1024)) as http:
        response = await _post(http, form)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"upload": {
        "label": "cover", "filename": "dune.png", "contentType": "image/png", "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest()}}}
    assert len(fed.metadata_requests) == 1
    assert fed.metadata_requests[0]["content-type"].startswith("multipart/form-data; boundary=")


async def test_a_list_of_files_and_a_batch_of_operations(fed: Federation) -> None:
    many = "mutation($files: [Upload!]!) { uploadMany(files: $files) { label size sha256 } }"
    operations = [{"query": many, "variables": {"files": [None, None]}},
                  {"query": UPLOAD, "variables": {"label": "second", "file": None}}]
    mapping = {"a": ["0.variables.files.0"], "b": ["0.variables.files.1", "1.variables.file"]}
    form = _form(operations, mapping, {"a": ("a.txt", b"first", "text/plain"), "b": ("b.txt", b"bee", "text/plain")})
    async with client(fed.app()) as http:
        response = await _post(http, form)
    assert response.status_code == 200, response.text
    first, second = response.json()
    assert first == {"data": {"uploadMany": [
        {"label": "0", "size": 5, "sha256": hashlib.sha256(b"first").hexdigest()},
        {"label": "1", "size": 3, "sha256": hashlib.sha256(b"bee").hexdigest()}]}}
    assert second["data"]["upload"]["sha256"] == hashlib.sha256(b"bee").hexdigest()


async def test_json_requests_still_go_through_untouched(fed: Federation) -> None:
    async with client(fed.app()) as http:
        response = await http.post("/graphql", json={"query": "{ ping me }"})
    assert response.json() == {"data": {"ping": "pong", "me": "ada"}}
    assert fed.metadata_requests[0]["content-type"] == "application/json"


async def test_multipart_without_a_preflight_header_is_refused_as_csrf(fed: Federation) -> None:
    form = _form({"query": UPLOAD, "variables": {"label": "x", "file": None}}, {"0": ["variables.file"]},
                 {"0": ("a.png", b"x", "image/png")})
    async with client(fed.app()) as http:
        response = await _post(http, form, headers={})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"
    assert fed.metadata_requests == []


async def test_a_file_mapped_onto_a_string_variable_is_still_sent_as_a_file(fed: Federation) -> None:
    """The placeholder never shows: the subgraph gets the file and refuses it as a String."""
    echo = "mutation($text: String!) { echo(text: $text) }"
    async with client(fed.app()) as http:
        response = await _post(http, _form({"query": echo, "variables": {"text": None}}, {"0": ["variables.text"]},
                                           {"0": ("secret.txt", b"secret", "text/plain")}))
    assert response.json()["data"] is None
    assert PLACEHOLDER_PREFIX not in response.text
    assert fed.metadata_requests[0]["content-type"].startswith("multipart/form-data")


async def test_a_placeholder_sent_by_a_client_is_only_a_string(fed: Federation) -> None:
    echo = "mutation($text: String!) { echo(text: $text) }"
    forged = PLACEHOLDER_PREFIX + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    async with client(fed.app()) as http:
        as_json = await http.post("/graphql", json={"query": echo, "variables": {"text": forged}})
        in_multipart = await _post(http, _form(
            {"query": UPLOAD, "variables": {"label": forged, "file": None}}, {"0": ["variables.file"]},
            {"0": ("mine.txt", b"mine", "text/plain")}))
    assert as_json.json() == {"data": {"echo": forged}}
    assert fed.metadata_requests[0]["content-type"] == "application/json"
    assert in_multipart.json()["data"]["upload"] == {
        "label": forged, "filename": "mine.txt", "contentType": "text/plain", "size": 4,
        "sha256": hashlib.sha256(b"mine").hexdigest()}


async def test_concurrent_uploads_each_get_their_own_file(fed: Federation) -> None:
    async with client(fed.app()) as http:
        forms = [_form({"query": UPLOAD, "variables": {"label": str(i), "file": None}}, {"0": ["variables.file"]},
                       {"0": (f"{i}.bin", str(i).encode() * (1000 + i), "application/octet-stream")})
                 for i in range(8)]
        responses = await asyncio.gather(*(_post(http, f) for f in forms))
    for i, response in enumerate(responses):
        assert response.json()["data"]["upload"]["sha256"] == hashlib.sha256(str(i).encode() * (1000 + i)).hexdigest()


async def test_a_refused_upload_is_readable_by_an_allowed_browser_origin(fed: Federation) -> None:
    form = _form({"query": UPLOAD, "variables": {"label": "x", "file": None}}, {"0": ["variables.file"]},
                 {"0": ("big.png", b"x" * 2048, "image/png")})
    async with client(fed.app(edge={"cors_origins": ["https://app.example"]}, upload_max_file_bytes=1024)) as http:
        allowed = await _post(http, form, headers={**PREFLIGHT, "origin": "https://app.example"})
        other = await _post(http, form, headers={**PREFLIGHT, "origin": "https://evil.example"})
    assert allowed.status_code == 413
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert other.status_code == 413 and "access-control-allow-origin" not in other.headers
    assert fed.metadata_requests == []
