"""The uploads layer reads GraphQL multipart requests by the spec, and refuses bad or oversized ones with a
clear message before the gateway (or any subgraph) sees them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import orjson
import pytest

from supergraph.passthrough import PassthroughSettings, UploadsLayer
from supergraph.passthrough.files import PLACEHOLDER_PREFIX, UploadedFile, current_uploads

QUERY = "mutation($file: Upload!) { upload(file: $file) }"


class _Gateway:
    """Stands in for the edge: records what reached it and the files it could see while serving."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.files: list[dict[str, UploadedFile]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        files = current_uploads.get() or {}
        self.files.append(files)
        self.calls.append({"body": orjson.loads(message["body"]), "headers": dict(scope["headers"]),
                           "contents": {p: (f.filename, f.content_type, f.file.read()) for p, f in files.items()}})
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"data":{}}'})


async def _post(gateway: _Gateway, *, operations: Any = None, mapping: Any = None,
                files: dict[str, Any] | None = None, content: bytes | None = None,
                headers: dict[str, str] | None = None, **settings: Any) -> httpx.Response:
    app = UploadsLayer(gateway, PassthroughSettings(**settings))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http:
        if content is not None:
            return await http.post("/graphql", content=content, headers=headers)
        data = {}
        if operations is not None:
            data["operations"] = operations if isinstance(operations, str) else json.dumps(operations)
        if mapping is not None:
            data["map"] = mapping if isinstance(mapping, str) else json.dumps(mapping)
        return await http.post("/graphql", data=data, files=files or {}, headers=headers)


def _one_file(data: bytes = b"hello") -> dict[str, Any]:
    return {"operations": {"query": QUERY, "variables": {"file": None}}, "mapping": {"0": ["variables.file"]},
            "files": {"0": ("a.txt", data, "text/plain")}}


def _refused(response: httpx.Response, status: int, fragment: str, gateway: _Gateway) -> None:
    assert response.status_code == status, response.text
    error = response.json()["errors"][0]
    assert fragment in error["message"], error["message"]
    assert error["extensions"]["code"] == ("PAYLOAD_TOO_LARGE" if status == 413 else "BAD_REQUEST")
    assert gateway.calls == []


async def test_a_good_request_reaches_the_gateway_as_json_with_a_placeholder_for_the_file() -> None:
    gateway = _Gateway()
    response = await _post(gateway, **_one_file(), headers={"apollo-require-preflight": "1"})
    assert response.status_code == 200
    call = gateway.calls[0]
    placeholder = call["body"]["variables"]["file"]
    assert placeholder.startswith(PLACEHOLDER_PREFIX) and len(placeholder) > len(PLACEHOLDER_PREFIX) + 30
    assert call["body"]["query"] == QUERY
    assert call["contents"] == {placeholder: ("a.txt", "text/plain", b"hello")}
    assert call["headers"][b"content-length"] == str(len(orjson.dumps(call["body"]))).encode()
    assert call["headers"][b"content-type"].startswith(b"multipart/form-data")  # the edge's CSRF rule sees it
    assert call["headers"][b"apollo-require-preflight"] == b"1"
    assert all(f.file.closed for f in gateway.files[0].values())  # closed once the request is answered


async def test_each_request_gets_new_placeholders() -> None:
    gateway = _Gateway()
    await _post(gateway, **_one_file())
    await _post(gateway, **_one_file())
    first, second = (c["body"]["variables"]["file"] for c in gateway.calls)
    assert first != second


async def test_a_json_request_passes_untouched() -> None:
    gateway = _Gateway()
    body = orjson.dumps({"query": "{ a }", "variables": {"file": PLACEHOLDER_PREFIX + "x"}})
    await _post(gateway, content=body, headers={"content-type": "application/json"})
    assert gateway.calls[0]["body"] == orjson.loads(body)
    assert gateway.files == [{}]


@pytest.mark.parametrize(("operations", "mapping", "message"), [
    ("{not json", {"0": ["variables.file"]}, "'operations' field is not valid JSON"),
    ('"a string"', {"0": ["variables.file"]}, "'operations' field must be a JSON object"),
    ({"query": QUERY, "variables": {"file": None}}, "[oops", "'map' field is not valid JSON"),
    ({"query": QUERY, "variables": {"file": None}}, ["variables.file"], "'map' field must be a JSON object"),
    ({"query": QUERY, "variables": {"file": None}}, {"0": "variables.file"}, "must name a non-empty array"),
    ({"query": QUERY, "variables": {"file": None}}, {"0": []}, "must name a non-empty array"),
    ({"query": QUERY, "variables": {"file": None}}, {"0": ["query"]}, "must lead into an operation's variables"),
    ({"query": QUERY, "variables": {"file": None}}, {"0": ["extensions.x"]}, "must lead into"),
    ({"query": QUERY, "variables": {"file": None}}, {"0": ["variables.nope.deeper"]}, "does not exist"),
    ({"query": QUERY, "variables": {"file": "x"}}, {"0": ["variables.file"]}, "must point to a null"),
    ({"query": QUERY, "variables": {}}, {"0": ["variables.file"]}, "must point to a null"),
    ({"query": QUERY, "variables": {"file": None}}, {"0": ["variables.file"], "1": ["variables.file"]},
     "is given two files"),
    ([{"query": QUERY, "variables": {"file": None}}], {"0": ["variables.file"]}, "\"0.variables.<name>\""),
])
async def test_a_malformed_map_or_operations_is_refused(operations: Any, mapping: Any, message: str) -> None:
    gateway = _Gateway()
    files = {"0": ("a.txt", b"x", "text/plain"), "1": ("b.txt", b"y", "text/plain")} \
        if isinstance(mapping, dict) and "1" in mapping else {"0": ("a.txt", b"x", "text/plain")}
    response = await _post(gateway, operations=operations, mapping=mapping, files=files)
    _refused(response, 400, message, gateway)


async def test_a_file_in_the_map_but_not_in_the_request_is_refused() -> None:
    gateway = _Gateway()
    response = await _post(gateway, operations={"query": QUERY, "variables": {"file": None, "b": None}},
                           mapping={"0": ["variables.file"], "1": ["variables.b"]},
                           files={"0": ("a.txt", b"x", "text/plain")})
    _refused(response, 400, "The file field '1' is in the map but not in the request", gateway)


async def test_a_file_not_in_the_map_is_refused() -> None:
    gateway = _Gateway()
    response = await _post(gateway, operations={"query": QUERY, "variables": {"file": None}},
                           mapping={"0": ["variables.file"]},
                           files={"0": ("a.txt", b"x", "text/plain"), "9": ("b.txt", b"y", "text/plain")})
    _refused(response, 400, "The file field '9' is not in the map", gateway)


def _raw(parts: list[tuple[str, str | None, bytes]], *, end: bool = True) -> tuple[bytes, dict[str, str]]:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += b"--B\r\nContent-Disposition: " + disposition.encode() + b"\r\n\r\n" + data + b"\r\n"
    return out + (b"--B--\r\n" if end else b""), {"content-type": "multipart/form-data; boundary=B"}


async def test_parts_out_of_order_are_refused() -> None:
    ops = json.dumps({"query": QUERY, "variables": {"file": None}}).encode()
    gateway = _Gateway()
    content, headers = _raw([("map", None, b'{"0":["variables.file"]}'), ("operations", None, ops)])
    _refused(await _post(gateway, content=content, headers=headers), 400, "'operations' field must come first",
             gateway)
    content, headers = _raw([("operations", None, ops), ("0", "a.txt", b"x"),
                             ("map", None, b'{"0":["variables.file"]}')])
    _refused(await _post(gateway, content=content, headers=headers), 400, "Files must come after", gateway)


async def test_a_body_cut_short_or_garbled_is_refused() -> None:
    ops = json.dumps({"query": QUERY, "variables": {"file": None}}).encode()
    gateway = _Gateway()
    content, headers = _raw([("operations", None, ops), ("map", None, b'{"0":["variables.file"]}'),
                             ("0", "a.txt", b"half a fi")], end=False)
    response = await _post(gateway, content=content[:-2], headers=headers)
    _refused(response, 400, "ends in the middle of a part", gateway)
    garbled = await _post(gateway, content=b"this is not multipart", headers=headers)
    _refused(garbled, 400, "The multipart body is malformed", gateway)
    nameless = await _post(gateway, content=content.replace(b'name="map"', b'label="map"'), headers=headers)
    _refused(nameless, 400, "needs Content-Disposition: form-data with a name", gateway)
    no_boundary = await _post(gateway, content=content, headers={"content-type": "multipart/form-data"})
    _refused(no_boundary, 400, "needs a boundary", gateway)


async def test_a_file_over_the_size_limit_is_refused() -> None:
    gateway = _Gateway()
    response = await _post(gateway, **_one_file(b"x" * 1025), upload_max_file_bytes=1024)
    _refused(response, 413, "The file 'a.txt' is larger than the 1 KiB this gateway accepts per file", gateway)
    at_limit = await _post(gateway, **_one_file(b"x" * 1024), upload_max_file_bytes=1024)
    assert at_limit.status_code == 200


async def test_too_many_files_are_refused() -> None:
    gateway = _Gateway()
    variables = {f"f{i}": None for i in range(4)}
    response = await _post(gateway, operations={"query": QUERY, "variables": variables},
                           mapping={str(i): [f"variables.f{i}"] for i in range(4)},
                           files={str(i): (f"{i}.txt", b"x", "text/plain") for i in range(4)}, upload_max_files=3)
    _refused(response, 413, "The request maps 4 files; this gateway accepts at most 3", gateway)


async def test_a_request_over_the_total_limit_is_refused_declared_or_not() -> None:
    gateway = _Gateway()
    response = await _post(gateway, **_one_file(b"x" * 5000), upload_max_total_bytes=4096)
    _refused(response, 413, "larger than the 4 KiB this gateway accepts", gateway)

    async def chunks():  # noqa: ANN202 - no Content-Length: counted as it arrives
        content, _ = _raw([("operations", None, json.dumps({"query": QUERY, "variables": {"file": None}}).encode()),
                           ("map", None, b'{"0":["variables.file"]}'), ("0", "a.txt", b"x" * 5000)])
        for i in range(0, len(content), 1000):
            yield content[i:i + 1000]

    app = UploadsLayer(gateway, PassthroughSettings(upload_max_total_bytes=4096))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http:
        streamed = await http.post("/graphql", content=chunks(),
                                   headers={"content-type": "multipart/form-data; boundary=B"})
    _refused(streamed, 413, "larger than the 4 KiB", gateway)


async def test_an_oversized_operations_field_is_refused() -> None:
    gateway = _Gateway()
    big = {"query": QUERY, "variables": {"file": None, "pad": "x" * 3000}}
    response = await _post(gateway, operations=big, mapping={"0": ["variables.file"]},
                           files={"0": ("a.txt", b"x", "text/plain")}, upload_max_field_bytes=2048)
    _refused(response, 413, "The 'operations' field is larger than 2 KiB", gateway)


async def test_large_files_wait_on_disk_not_in_memory() -> None:
    gateway = _Gateway()

    class _Spy(_Gateway):
        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            files = current_uploads.get() or {}
            self.rolled = {f.filename: f.file._rolled for f in files.values()}  # type: ignore[attr-defined]
            await super().__call__(scope, receive, send)

    spy = _Spy()
    response = await _post(spy, operations={"query": QUERY, "variables": {"a": None, "b": None}},
                           mapping={"0": ["variables.a"], "1": ["variables.b"]},
                           files={"0": ("small.txt", b"x" * 100, "text/plain"),
                                  "1": ("big.txt", b"x" * 5000, "text/plain")}, upload_spool_bytes=1024)
    assert response.status_code == 200
    assert spy.rolled == {"small.txt": False, "big.txt": True}
    assert gateway.calls == []
