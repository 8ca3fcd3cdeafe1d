"""GET /.well-known/jwks.json and GET/HEAD /covers/{name} at the gateway, answered by the auth and metadata
subgraphs (stubs here) found through the supergraph's @join__graph URLs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from passthrough_kit import Federation, client, federation

from supergraph.passthrough import PassthroughRoutes
from supergraph.passthrough.upstreams import subgraph_base_urls

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 300


@pytest.fixture(scope="module")
def fed() -> Iterator[Federation]:
    with federation() as f:
        f.stubs.covers["9780441013593-abc.png"] = PNG
        yield f


@pytest.fixture(autouse=True)
def _clear(fed: Federation) -> None:
    fed.stubs.cover_requests.clear()
    fed.stubs.jwks_hits = 0
    fed.stubs.jwks_status = 200


async def test_the_jwks_is_the_auth_services_and_is_cached_briefly(fed: Federation) -> None:
    now = [1000.0]
    app = fed.app(jwks_cache_seconds=60)
    app._clock = lambda: now[0]  # noqa: SLF001 - time moves when the test says
    async with client(app) as http:
        first = await http.get("/.well-known/jwks.json")
        again = await http.get("/.well-known/jwks.json")
        assert fed.stubs.jwks_hits == 1
        fed.stubs.jwks["keys"].append({"kty": "OKP", "crv": "Ed25519", "x": "def", "kid": "k2"})
        now[0] += 61
        rotated = await http.get("/.well-known/jwks.json")
        fed.stubs.jwks["keys"].pop()
    assert first.status_code == 200
    assert first.json() == {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "abc", "kid": "k1"}]}
    assert first.headers["content-type"] == "application/json"
    assert first.headers["cache-control"] == "public, max-age=60"
    assert again.json() == first.json()
    assert [k["kid"] for k in rotated.json()["keys"]] == ["k1", "k2"]
    assert fed.stubs.jwks_hits == 2


async def test_a_failing_auth_service_gets_the_last_key_set_or_a_502(fed: Federation) -> None:
    now = [0.0]
    app = fed.app()
    app._clock = lambda: now[0]  # noqa: SLF001
    async with client(app) as http:
        fed.stubs.jwks_status = 503
        never_fetched = await http.get("/.well-known/jwks.json")
        fed.stubs.jwks_status = 200
        fetched = await http.get("/.well-known/jwks.json")
        fed.stubs.jwks_status = 503
        now[0] += 3600
        stale = await http.get("/.well-known/jwks.json")
    assert never_fetched.status_code == 502
    assert never_fetched.json()["errors"][0]["extensions"]["code"] == "BAD_GATEWAY"
    assert stale.status_code == 200 and stale.json() == fetched.json()


async def test_a_cover_is_streamed_with_its_caching_headers(fed: Federation) -> None:
    async with client(fed.app()) as http:
        response = await http.get("/covers/9780441013593-abc.png")
        head = await http.head("/covers/9780441013593-abc.png")
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == str(len(PNG))
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["etag"].startswith('"')
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "x-internal" not in response.headers  # only the headers a cover needs pass
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(PNG))
    assert fed.stubs.cover_requests == ["/metadata/covers/9780441013593-abc.png"] * 2


async def test_a_cover_the_client_holds_is_answered_304(fed: Federation) -> None:
    async with client(fed.app()) as http:
        etag = (await http.get("/covers/9780441013593-abc.png")).headers["etag"]
        cached = await http.get("/covers/9780441013593-abc.png", headers={"if-none-match": etag})
        stale = await http.get("/covers/9780441013593-abc.png", headers={"if-none-match": '"other"'})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["etag"] == etag
    assert stale.status_code == 200 and stale.content == PNG


@pytest.mark.parametrize("path", ["/covers/..%2F..%2Fetc%2Fpasswd", "/covers/..%2fgraphql", "/covers/a/b.png",
                                  "/covers/a.png%00.txt", "/covers/.hidden.png", "/covers/", "/covers/a..png",
                                  "/covers/%2e%2e"])
async def test_names_that_are_not_one_plain_file_name_never_reach_the_metadata_service(
        fed: Federation, path: str) -> None:
    async with client(fed.app()) as http:
        response = await http.get(path)
    assert response.status_code == 404
    assert fed.stubs.cover_requests == []


async def test_an_unknown_cover_is_404_and_other_methods_are_refused(fed: Federation) -> None:
    async with client(fed.app()) as http:
        missing = await http.get("/covers/9780441013593-fff.png")
        posted = await http.post("/covers/9780441013593-abc.png", content=b"x")
        jwks_posted = await http.post("/.well-known/jwks.json", content=b"x")
        elsewhere = await http.get("/covers-and-more/x.png")
    assert missing.status_code == 404
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"
    assert jwks_posted.status_code == 405
    assert elsewhere.status_code == 404  # the edge's own answer: only the exact routes pass through
    assert fed.stubs.cover_requests == ["/metadata/covers/9780441013593-fff.png"]


async def test_an_unreachable_metadata_service_is_a_502() -> None:
    routes = PassthroughRoutes(_never_called, auth_url="http://127.0.0.1:9", metadata_url="http://127.0.0.1:9")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=routes), base_url="http://gw") as http:
        cover = await http.get("/covers/a.png")
        jwks = await http.get("/.well-known/jwks.json")
    assert cover.status_code == 502 and jwks.status_code == 502
    assert "did not answer" in cover.json()["errors"][0]["message"]


async def _never_called(scope: object, receive: object, send: object) -> None:
    raise AssertionError("the passthrough routes must answer these themselves")


def test_base_urls_follow_the_gateways_overrides(fed: Federation) -> None:
    urls = subgraph_base_urls(fed.sdl)
    assert urls["auth"].endswith("/auth") and urls["metadata"].endswith("/metadata")
    overridden = subgraph_base_urls(fed.sdl, {"metadata": "http://metadata:4003/graphql",
                                              "AUTH": "https://auth.internal/graphql/"})
    assert overridden == {"auth": "https://auth.internal", "metadata": "http://metadata:4003"}
