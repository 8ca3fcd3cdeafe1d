"""Covers through the gateway, end to end: `bookshare dev` on free ports, a user signs up and adds a book,
uploads a real PNG with `uploadCover` (a GraphQL multipart request to the gateway), then fetches the cover
and its thumbnail at the gateway's /covers/ URLs. Bad uploads are refused with reasons a user can act on, and
the gateway publishes the auth service's keys at /.well-known/jwks.json."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ["gateway", "auth", "store", "metadata", "posts", "notification"]
ISBN = "9780306406157"
COVER_LIMIT = 300_000  # the metadata service's limit per cover, set low for the test
GATEWAY_LIMIT = 1024 * 1024  # the gateway's limit per uploaded file
UPLOAD = """mutation($isbn: String!, $file: Upload!) {
  uploadCover(isbn: $isbn, file: $file) { isbn cover { url width height thumbnailUrl thumbnailWidth thumbnailHeight } }
}"""


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@dataclass
class System:
    gateway: str
    auth: str
    log: Path


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    data_dir = tmp_path_factory.mktemp("data")
    ports = dict(zip(SERVICES, _free_ports(len(SERVICES)), strict=True))
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    env = {**os.environ, "BOOKSHARE_DATA_DIR": str(data_dir),
           **{f"BOOKSHARE_{name.upper()}_PORT": str(port) for name, port in ports.items()},
           "BOOKSHARE_METADATA_COVERS_BASE_URL": f"{gateway}/covers",
           "BOOKSHARE_METADATA_COVERS_MAX_BYTES": str(COVER_LIMIT),
           "BOOKSHARE_METADATA_SEED_DEMO_CATALOGUE": "false",
           "BOOKSHARE_GATEWAY_UPLOAD_MAX_FILE_BYTES": str(GATEWAY_LIMIT)}
    env.pop("BOOKSHARE_BROKER_URL", None)
    env.pop("BOOKSHARE_SUBGRAPH_URLS", None)
    log = data_dir / "dev.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(Path(sys.executable).parent / "bookshare"), "dev"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_ready(gateway, process, log)
            yield System(gateway, f"http://127.0.0.1:{ports['auth']}", log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_ready(gateway: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bookshare dev exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{gateway}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"bookshare dev did not start in time:\n{log.read_text()[-3000:]}")


def _graphql(system: System, query: str, variables: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{system.gateway}/graphql", json={"query": query, "variables": variables},
                          headers=headers, timeout=30)
    return response.json()


def _upload(system: System, token: str, filename: str, data: bytes, content_type: str,
            preflight: bool = True) -> httpx.Response:
    operations = json.dumps({"query": UPLOAD, "variables": {"isbn": ISBN, "file": None}})
    headers = {"authorization": f"Bearer {token}", **({"apollo-require-preflight": "true"} if preflight else {})}
    return httpx.post(f"{system.gateway}/graphql", headers=headers, timeout=60,
                      data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
                      files={"0": (filename, data, content_type)})


def _image(fmt: str, size: tuple[int, int] = (400, 600)) -> bytes:
    image = Image.new("RGB", size)
    image.putdata([(x % 256, y % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def token(system: System) -> str:
    name = f"reader{uuid.uuid4().hex[:8]}"
    signed_up = _graphql(system, "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
                         {"i": {"username": name, "email": f"{name}@example.org", "password": "a long passphrase 42"}})
    assert "errors" not in signed_up, signed_up
    access = signed_up["data"]["signUp"]["accessToken"]
    added = _graphql(system, "mutation($i: AddBookInput!) { addBook(input: $i) { isbn title } }",
                     {"i": {"isbn": ISBN, "title": "Numbers and Covers", "authors": ["A. Tester"]}}, access)
    assert added == {"data": {"addBook": {"isbn": ISBN, "title": "Numbers and Covers"}}}, added
    return access


def _refusal(response: httpx.Response) -> tuple[str, str]:
    error = response.json()["errors"][0]
    return error["extensions"]["code"], error["message"]


def test_a_png_cover_uploaded_through_the_gateway_is_served_by_it(system: System, token: str) -> None:
    png = _image("PNG")
    response = _upload(system, token, "cover.png", png, "image/png")
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    book = response.json()["data"]["uploadCover"]
    cover = book["cover"]
    assert (cover["width"], cover["height"]) == (400, 600)
    assert cover["url"].startswith(f"{system.gateway}/covers/")
    assert cover["thumbnailUrl"].startswith(f"{system.gateway}/covers/")

    image = httpx.get(cover["url"], timeout=10)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-length"] == str(len(image.content))
    assert "immutable" in image.headers["cache-control"]
    assert Image.open(io.BytesIO(image.content)).size == (400, 600)

    thumbnail = httpx.get(cover["thumbnailUrl"], timeout=10)
    assert thumbnail.status_code == 200
    assert Image.open(io.BytesIO(thumbnail.content)).size == (cover["thumbnailWidth"], cover["thumbnailHeight"])
    assert cover["thumbnailWidth"] <= 200 and cover["thumbnailHeight"] <= 300

    again = httpx.get(cover["url"], headers={"if-none-match": image.headers["etag"]}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    head = httpx.head(cover["url"], timeout=10)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(image.content))

    asked = _graphql(system, "query($i: String!) { book(isbn: $i) { cover { url } } }", {"i": ISBN})
    assert asked["data"]["book"]["cover"]["url"] == cover["url"]


def test_a_file_that_is_not_an_image_is_refused(system: System, token: str) -> None:
    response = _upload(system, token, "cover.png", b"these are words, not pixels\n" * 20, "image/png")
    code, message = _refusal(response)
    assert code == "BAD_USER_INPUT"
    assert "not an image" in message


def test_an_image_with_a_lying_extension_is_refused(system: System, token: str) -> None:
    response = _upload(system, token, "cover.png", _image("JPEG"), "application/octet-stream")
    code, message = _refusal(response)
    assert code == "BAD_USER_INPUT"
    assert message.endswith("the file is named '.png' but its content is a JPEG image")


def test_files_over_the_size_limits_are_refused(system: System, token: str) -> None:
    over_cover_limit = _upload(system, token, "cover.png", _image("PNG") + b"\0" * COVER_LIMIT, "image/png")
    code, message = _refusal(over_cover_limit)
    assert code == "BAD_USER_INPUT" and "too big" in message

    over_gateway_limit = _upload(system, token, "cover.png", b"\0" * (GATEWAY_LIMIT + 1), "image/png")
    assert over_gateway_limit.status_code == 413
    code, message = _refusal(over_gateway_limit)
    assert code == "PAYLOAD_TOO_LARGE"
    assert "larger than the 1 MiB this gateway accepts per file" in message


def test_an_upload_without_a_preflight_header_is_refused_as_csrf(system: System, token: str) -> None:
    response = _upload(system, token, "cover.png", _image("PNG"), "image/png", preflight=False)
    assert response.status_code == 400
    assert _refusal(response)[0] == "CSRF_PREVENTION"


def test_cover_paths_outside_plain_names_are_not_found(system: System) -> None:
    for path in ("/covers/..%2f..%2fmetadata.db", "/covers/%2e%2e", "/covers/x/y.png"):
        assert httpx.get(f"{system.gateway}{path}", timeout=10).status_code == 404, path


def test_the_gateway_publishes_the_auth_services_keys(system: System) -> None:
    through_gateway = httpx.get(f"{system.gateway}/.well-known/jwks.json", timeout=10)
    direct = httpx.get(f"{system.auth}/.well-known/jwks.json", timeout=10)
    assert through_gateway.status_code == 200
    assert through_gateway.json() == direct.json()
    keys = through_gateway.json()["keys"]
    assert keys and all("kid" in key and "d" not in key for key in keys)  # public keys only
