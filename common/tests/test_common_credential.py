"""A subgraph answers only requests that carry a valid gateway credential."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bookshare_common.asgi import GatewayCredentialMiddleware
from bookshare_common.credential import (
    AUDIENCE,
    CREDENTIAL_HEADER,
    ISSUER,
    CredentialIssuer,
    CredentialVerifier,
    Principal,
    generate_private_key_pem,
    public_key_pem,
)

PRIVATE = generate_private_key_pem()
PUBLIC = public_key_pem(PRIVATE)
reached: list[str] = []


async def resolver(request: Request) -> JSONResponse:
    reached.append(request.url.path)
    principal = request.scope["state"]["principal"]
    return JSONResponse({"user": principal.user_id, "roles": sorted(principal.roles)})


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/graphql", resolver, methods=["POST"]), Route("/health", health)])
    app.add_middleware(GatewayCredentialMiddleware, verifier=CredentialVerifier(PUBLIC),  # type: ignore[arg-type]
                       public_paths=("/health",))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://subgraph")


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 60, "sub": "u1", "roles": [], "scope": "",
            **overrides}


async def test_a_valid_credential_reaches_the_resolver_with_the_user() -> None:
    token = CredentialIssuer(PRIVATE).issue(Principal(user_id="u1", roles=frozenset({"admin"})))
    async with client() as http:
        response = await http.post("/graphql", json={"query": "{ _service { sdl } }"},
                                   headers={CREDENTIAL_HEADER: token})
    assert response.status_code == 200
    assert response.json() == {"user": "u1", "roles": ["admin"]}


def signed(payload: dict[str, object], private_pem: str = PRIVATE) -> str:
    return jwt.encode(payload, serialization.load_pem_private_key(private_pem.encode(), None), algorithm="EdDSA")


def hand_made(header: dict[str, object], payload: dict[str, object], key: bytes | None) -> str:
    """A token PyJWT would refuse to make: HS256 keyed with the public key, or alg none."""
    def part(obj: dict[str, object]) -> str:
        return jwt.utils.base64url_encode(json.dumps(obj).encode()).decode()

    signing_input = f"{part(header)}.{part(payload)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{jwt.utils.base64url_encode(signature).decode()}"


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-jwt",
        signed(claims(), generate_private_key_pem()),
        signed(claims(exp=int(time.time()) - 120)),
        signed(claims(aud="someone-else")),
        signed(claims(iss="someone-else")),
        hand_made({"alg": "HS256", "typ": "JWT"}, claims(), PUBLIC.encode()),
        hand_made({"alg": "none", "typ": "JWT"}, claims(), None),
    ],
    ids=["missing", "empty", "garbage", "other-key", "expired", "wrong-audience", "wrong-issuer",
         "hs256-with-public-key", "alg-none"],
)
async def test_requests_without_a_valid_credential_get_401_and_reach_nothing(token: str | None) -> None:
    reached.clear()
    headers = {CREDENTIAL_HEADER: token} if token is not None else {}
    async with client() as http:
        for query in ("{ _service { sdl } }", '{ _entities(representations: [{__typename: "User", id: "1"}]) '
                                              "{ __typename } }", "{ me { id } }"):
            response = await http.post("/graphql", json={"query": query}, headers=headers)
            assert response.status_code == 401
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert reached == []


async def test_a_tampered_credential_is_refused() -> None:
    token = CredentialIssuer(PRIVATE).issue(Principal(user_id="u1"))
    header, payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"u1"', b'"u2"')).decode()
    async with client() as http:
        forged = f"{header}.{forged_payload}.{signature}"
        response = await http.post("/graphql", json={}, headers={CREDENTIAL_HEADER: forged})
    assert response.status_code == 401


async def test_health_needs_no_credential() -> None:
    async with client() as http:
        assert (await http.get("/health")).status_code == 200
