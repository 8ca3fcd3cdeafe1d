"""Bearer tokens: only a valid, unexpired EdDSA token from the auth service's keys for this audience names a
user. Anything else is 401 UNAUTHENTICATED (never an anonymous request); unknown key ids refetch the JWKS,
at most once per interval."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from edge_kit import AUDIENCE, ISSUER, Federation, Keys, client, federation, new_keys, post

from bookshare_common.credential import ANONYMOUS, CredentialVerifier, public_key_pem
from supergraph.identity import AccessTokenVerifier, InvalidAccessToken
from supergraph.testing import serve_asgi


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _verifier(keys: Keys, **kwargs: Any) -> AccessTokenVerifier:
    verifier = AccessTokenVerifier("http://127.0.0.1:9/jwks.json", issuer=ISSUER, audience=AUDIENCE, **kwargs)
    verifier.load_jwks(keys.jwks())
    return verifier


async def test_a_valid_token_names_the_user_with_roles_and_scopes() -> None:
    keys = new_keys()
    principal = await _verifier(keys).verify(keys.token("u7", "read:email admin", roles=["librarian"]))
    assert principal.user_id == "u7"
    assert principal.scopes == frozenset({"read:email", "admin"})
    assert principal.roles == frozenset({"librarian"})


def _bad_tokens(keys: Keys) -> dict[str, str]:
    now = int(time.time())
    good = keys.token("u1")
    header, payload, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    rsa = generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "expired": keys.token(exp=now - 3600, iat=now - 7200),
        "expired beyond the clock skew": keys.token(exp=now - 31, iat=now - 600),
        "not yet valid (nbf)": keys.token(nbf=now + 300),
        "issued in the future": keys.token(iat=now + 300),
        "tampered": f"{header}.{_b64({**claims, 'sub': 'admin', 'scope': 'admin'})}.{signature}",
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': keys.kid})}.{payload}.",
        "HS256 keyed with the public key": jwt.encode(
            claims, keys.jwks()["keys"][0]["x"], algorithm="HS256", headers={"kid": keys.kid}),
        "RS256 by another key": jwt.encode(claims, rsa, algorithm="RS256", headers={"kid": keys.kid}),
        "wrong audience": keys.token(aud="someone-else"),
        "wrong issuer": keys.token(iss="https://evil.example"),
        "no expiry": keys.token(exp=None),
        "no subject": keys.token(sub=None),
        "no key id": jwt.encode(claims, keys.private, algorithm="EdDSA"),
        "another key with the same kid": Keys(keys.kid, new_keys().private).token(),
        "not a JWT": "abc.def",
    }


@pytest.mark.parametrize("case", list(_bad_tokens(new_keys())))
async def test_invalid_tokens_are_refused(case: str) -> None:
    keys = new_keys()
    verifier = _verifier(keys)
    verifier._last_fetch = time.monotonic()  # no JWKS refetch here (the URL is unreachable anyway)
    with pytest.raises(InvalidAccessToken):
        await verifier.verify(_bad_tokens(keys)[case])


async def test_clock_skew_is_forgiven_within_its_bound() -> None:
    keys = new_keys()
    now = int(time.time())
    verifier = _verifier(keys, leeway=30)
    assert (await verifier.verify(keys.token(exp=now - 20, iat=now - 600))).user_id == "u1"
    assert (await verifier.verify(keys.token(nbf=now + 20))).user_id == "u1"
    with pytest.raises(ValueError, match="between 0 and 120"):
        AccessTokenVerifier("http://x", issuer=ISSUER, audience=AUDIENCE, leeway=3600)


async def test_an_invalid_token_is_401_not_anonymous(fed: Federation) -> None:
    now = int(time.time())
    async with client(fed.app()) as http:
        fed.clear()
        expired = await post(http, "{ books { title } }", fed.keys.token(exp=now - 3600, iat=now - 7200))
        wrong_audience = await post(http, "{ books { title } }", fed.keys.token(aud="other"))
        not_bearer = await post(http, "{ books { title } }", headers={"authorization": "Basic dTpw"})
    for response in (expired, wrong_audience, not_bearer):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not fed.subgraphs["books"].requests


async def test_subgraphs_get_the_gateway_credential_never_the_clients_headers(fed: Federation) -> None:
    app = fed.app(forwarded_headers=["accept-language", "authorization"])
    sent = app._subgraph_headers(ANONYMOUS, {"bookshare-gateway-credential": "forged", "authorization": "Bearer x",
                                             "cookie": "s=1", "accept-language": "fr"}, "rid-1", "10.0.0.1")
    assert CredentialVerifier(public_key_pem(app.identity.issuer_pem)).verify(
        sent["bookshare-gateway-credential"]) == ANONYMOUS
    assert "authorization" not in sent and "cookie" not in sent  # even when listed, the token is never forwarded
    assert sent["accept-language"] == "fr" and sent["x-request-id"] == "rid-1"


class _Jwks:
    """A JWKS endpoint that counts its fetches; its keys can be rotated."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self.fetches = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                while (await receive())["type"] != "lifespan.shutdown":
                    await send({"type": "lifespan.startup.complete"})
                await send({"type": "lifespan.shutdown.complete"})
            return
        self.fetches += 1
        body = json.dumps(self.keys.jwks()).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


async def test_unknown_key_ids_refetch_the_jwks_at_most_once_per_interval() -> None:
    import asyncio

    old, new = new_keys(), new_keys()
    jwks = _Jwks(old)
    with serve_asgi(jwks) as base:
        verifier = AccessTokenVerifier(f"{base}/.well-known/jwks.json", issuer=ISSUER, audience=AUDIENCE,
                                       refetch_interval=1.0)
        assert (await verifier.verify(old.token())).user_id == "u1"  # first use: keys fetched
        assert jwks.fetches == 1
        for i in range(20):  # a flood of made-up key ids
            forged = Keys(f"made-up-{i}", new_keys().private).token()
            with pytest.raises(InvalidAccessToken, match="unknown key"):
                await verifier.verify(forged)
        assert jwks.fetches == 1
        jwks.keys = new  # the auth service rotates its key
        with pytest.raises(InvalidAccessToken):
            await verifier.verify(new.token())  # still inside the interval: not refetched yet
        await asyncio.sleep(1.1)
        assert (await verifier.verify(new.token("u9"))).user_id == "u9"
        assert jwks.fetches == 2


async def test_websocket_connections_get_the_same_identity_checks(fed: Federation) -> None:
    app = fed.app()
    seen: list[dict[str, str]] = []

    async def core(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append({k.decode(): v.decode() for k, v in scope["headers"]})

    app.state.app = core  # stands in for the core's subscription handler
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    scope = {"type": "websocket", "path": "/graphql", "client": ("10.0.0.9", 1), "headers": [
        (b"bookshare-gateway-credential", b"forged"), (b"authorization", f"Bearer {fed.keys.token('u3')}".encode())]}
    await app(scope, receive, send)
    credential = CredentialVerifier(public_key_pem(app.identity.issuer_pem)).verify(
        seen[0]["bookshare-gateway-credential"])
    assert credential.user_id == "u3"
    expired = fed.keys.token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    await app({**scope, "headers": [(b"authorization", f"Bearer {expired}".encode())]}, receive, send)
    assert len(seen) == 1 and sent == [{"type": "websocket.close", "code": 4401}]
