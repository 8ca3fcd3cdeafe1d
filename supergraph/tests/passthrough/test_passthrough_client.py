"""The uploading client: only this request's placeholders turn a fetch into a multipart request."""

from __future__ import annotations

import asyncio
import contextvars
import io
from tempfile import SpooledTemporaryFile
from typing import Any

import httpx
import orjson
from python_multipart import parse_form

from supergraph.passthrough.client import UploadingClient
from supergraph.passthrough.files import UploadedFile, current_uploads, new_placeholder


class _Inner:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    async def post(self, url: str, body: bytes, headers: dict[str, str] | None) -> dict[str, Any]:
        self.bodies.append(orjson.loads(body))
        return {"data": {"json": True}}

    async def aclose(self) -> None:
        pass


class _Subgraph:
    """Parses each multipart request it gets (python-multipart), as a subgraph would."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        fields: dict[str, Any] = {}
        headers = {"Content-Type": request.headers["content-type"]}

        def on_file(file: Any) -> None:
            file.file_object.seek(0)
            fields[file.field_name.decode()] = (file.file_name, file.file_object.read())

        parse_form(headers, io.BytesIO(request.read()),
                   lambda f: fields.__setitem__(f.field_name.decode(), f.value.decode()), on_file)
        self.requests.append({"fields": fields, "headers": dict(request.headers)})
        return httpx.Response(200, json={"data": {"multipart": True}})


def _file(data: bytes, name: str = "a.png") -> UploadedFile:
    spooled: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(max_size=10)
    spooled.write(data)
    spooled.seek(0)
    return UploadedFile("0", name, "image/png", spooled, len(data))


def _body(**variables: Any) -> bytes:
    return orjson.dumps({"query": "mutation($f: Upload) { up(f: $f) }", "variables": variables})


async def test_a_fetch_with_this_requests_placeholder_goes_as_multipart_with_its_headers() -> None:
    inner, subgraph = _Inner(), _Subgraph()
    client = UploadingClient(inner, transport=httpx.MockTransport(subgraph))
    placeholder = new_placeholder()
    files = {placeholder: _file(b"\x89PNG" + b"x" * 100)}  # over the spool size: on disk
    token = current_uploads.set(files)
    try:
        answer = await client.post("http://metadata/graphql", _body(f=placeholder, other="text"),
                                   {"bookshare-credential": "signed", "content-type": "application/json"})
    finally:
        current_uploads.reset(token)
    assert answer == {"data": {"multipart": True}}
    assert inner.bodies == []
    sent = subgraph.requests[0]
    assert orjson.loads(sent["fields"]["operations"])["variables"] == {"f": None, "other": "text"}
    assert orjson.loads(sent["fields"]["map"]) == {"0": ["variables.f"]}
    assert sent["fields"]["0"] == (b"a.png", b"\x89PNG" + b"x" * 100)
    assert sent["headers"]["bookshare-credential"] == "signed"
    await client.aclose()


async def test_another_requests_placeholder_is_sent_as_a_plain_string() -> None:
    """Request B, served while request A is in flight, names A's placeholder: B's fetch carries the string, not
    A's file."""
    inner, subgraph = _Inner(), _Subgraph()
    client = UploadingClient(inner, transport=httpx.MockTransport(subgraph))
    a_placeholder = new_placeholder()
    a_may_finish = asyncio.Event()

    async def request_a() -> None:
        current_uploads.set({a_placeholder: _file(b"A's secret")})
        await a_may_finish.wait()
        await client.post("http://metadata/graphql", _body(f=a_placeholder), None)

    async def request_b() -> dict[str, Any]:
        current_uploads.set({new_placeholder(): _file(b"B's own")})
        try:
            return await client.post("http://metadata/graphql", _body(f=a_placeholder), None)
        finally:
            a_may_finish.set()

    a = asyncio.create_task(request_a(), context=contextvars.copy_context())
    b = asyncio.create_task(request_b(), context=contextvars.copy_context())
    assert await b == {"data": {"json": True}}
    await a
    assert inner.bodies == [{"query": "mutation($f: Upload) { up(f: $f) }", "variables": {"f": a_placeholder}}]
    assert [r["fields"]["0"][1] for r in subgraph.requests] == [b"A's secret"]  # only A's own fetch had it
    await client.aclose()


async def test_outside_an_upload_request_every_fetch_goes_to_the_wrapped_client() -> None:
    inner = _Inner()
    client = UploadingClient(inner, transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert await client.post("http://x/graphql", _body(f=new_placeholder()), None) == {"data": {"json": True}}
    await client.aclose()
