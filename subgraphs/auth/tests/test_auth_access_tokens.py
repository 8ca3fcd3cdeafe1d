"""The access-token verifier the gateway uses: it accepts what auth issues and refuses every forgery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from bookshare_auth.domain.tokens import (
    InvalidAccessToken,
    generate_signing_key,
    issue_access_token,
    jwks_document,
    verify_access_token,
)

ISS, AUD = "bookshare-auth", "bookshare"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides):
    now = int(datetime.now(UTC).timestamp())
    base = {"iss": ISS, "aud": AUD, "sub": "user-1", "iat": now, "exp": now + 600, "roles": []}
    base.update(overrides)
    return base


def hand_made(header: dict, payload: dict, sign=None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{b64(signature)}"


@pytest.fixture()
def key():
    return generate_signing_key()


@pytest.fixture()
def jwks(key):
    return jwks_document([key.public_jwk])


def issue(key, **kw):
    args = {"private_pem": key.private_pem, "kid": key.kid, "issuer": ISS, "audience": AUD,
            "subject": "user-1", "roles": ["admin"]}
    args.update(kw)
    return issue_access_token(**args)


def test_a_token_auth_issued_verifies_with_its_subject_roles_and_15_minute_expiry(key, jwks):
    now = datetime.now(UTC)
    verified = verify_access_token(issue(key, now=now), jwks, issuer=ISS, audience=AUD)
    assert verified.subject == "user-1"
    assert verified.roles == frozenset({"admin"})
    assert verified.expires_at - verified.issued_at == timedelta(minutes=15)


def test_the_token_header_names_eddsa_and_the_key_id(key):
    header = json.loads(base64.urlsafe_b64decode(issue(key).split(".")[0] + "=="))
    assert header["alg"] == "EdDSA" and header["kid"] == key.kid


def test_published_jwk_holds_no_private_part(key):
    assert "d" not in key.public_jwk
    assert key.public_jwk["kty"] == "OKP" and key.public_jwk["crv"] == "Ed25519"


def test_either_of_two_live_keys_verifies(key, jwks):
    newer = generate_signing_key()
    both = jwks_document([newer.public_jwk, key.public_jwk])
    assert verify_access_token(issue(key), both, issuer=ISS, audience=AUD).subject == "user-1"
    assert verify_access_token(issue(newer), both, issuer=ISS, audience=AUD).subject == "user-1"


def test_expired_token_is_refused(key, jwks):
    token = issue(key, now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(InvalidAccessToken, match="expired"):
        verify_access_token(token, jwks, issuer=ISS, audience=AUD)


def test_alg_none_is_refused(key, jwks):
    token = hand_made({"alg": "none", "kid": key.kid, "typ": "JWT"}, claims())
    with pytest.raises(InvalidAccessToken, match="algorithm"):
        verify_access_token(token, jwks, issuer=ISS, audience=AUD)


@pytest.mark.parametrize("secret_form", ["jwk-x", "jwk-json", "pem"])
def test_hs256_signed_with_the_public_key_is_refused(key, jwks, secret_form):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    public = load_pem_private_key(key.private_pem.encode(), None).public_key()
    secret = {
        "jwk-x": key.public_jwk["x"].encode(),
        "jwk-json": json.dumps(key.public_jwk).encode(),
        "pem": public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
    }[secret_form]
    token = hand_made({"alg": "HS256", "kid": key.kid, "typ": "JWT"}, claims(),
                      sign=lambda m: hmac.new(secret, m, hashlib.sha256).digest())
    with pytest.raises(InvalidAccessToken, match="algorithm"):
        verify_access_token(token, jwks, issuer=ISS, audience=AUD)


def test_wrong_audience_is_refused(key, jwks):
    with pytest.raises(InvalidAccessToken, match="(?i)audience"):
        verify_access_token(issue(key, audience="someone-else"), jwks, issuer=ISS, audience=AUD)


def test_wrong_issuer_is_refused(key, jwks):
    with pytest.raises(InvalidAccessToken, match="(?i)issuer"):
        verify_access_token(issue(key, issuer="https://evil.example"), jwks, issuer=ISS, audience=AUD)


def test_tampered_payload_is_refused(key, jwks):
    header, _, signature = issue(key, roles=[]).split(".")
    forged = b64(json.dumps(claims(roles=["admin"])).encode())
    with pytest.raises(InvalidAccessToken, match="[Ss]ignature"):
        verify_access_token(f"{header}.{forged}.{signature}", jwks, issuer=ISS, audience=AUD)


def test_token_signed_by_a_key_outside_the_set_is_refused(key, jwks):
    stranger = generate_signing_key()
    with pytest.raises(InvalidAccessToken, match="unknown key"):
        verify_access_token(issue(stranger), jwks, issuer=ISS, audience=AUD)


def test_foreign_key_reusing_a_published_kid_is_refused(key, jwks):
    stranger = generate_signing_key()
    token = issue(stranger, kid=key.kid)
    with pytest.raises(InvalidAccessToken, match="[Ss]ignature"):
        verify_access_token(token, jwks, issuer=ISS, audience=AUD)


def test_token_without_kid_is_refused(key, jwks):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    private = load_pem_private_key(key.private_pem.encode(), None)
    token = hand_made({"alg": "EdDSA", "typ": "JWT"}, claims(), sign=private.sign)
    with pytest.raises(InvalidAccessToken, match="kid"):
        verify_access_token(token, jwks, issuer=ISS, audience=AUD)


def test_hand_signed_token_with_the_right_key_verifies(key, jwks):
    # Guards the forgery tests above: the hand-made tokens fail for their flaw, not for their making.
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    private = load_pem_private_key(key.private_pem.encode(), None)
    token = hand_made({"alg": "EdDSA", "kid": key.kid, "typ": "JWT"}, claims(), sign=private.sign)
    assert verify_access_token(token, jwks, issuer=ISS, audience=AUD).subject == "user-1"


@pytest.mark.parametrize("missing", ["exp", "sub", "iss", "aud", "iat"])
def test_token_missing_a_required_claim_is_refused(key, jwks, missing):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    private = load_pem_private_key(key.private_pem.encode(), None)
    payload = claims()
    del payload[missing]
    token = hand_made({"alg": "EdDSA", "kid": key.kid, "typ": "JWT"}, payload, sign=private.sign)
    with pytest.raises(InvalidAccessToken):
        verify_access_token(token, jwks, issuer=ISS, audience=AUD)


def test_jwk_of_another_key_type_under_the_kid_is_refused(key):
    rsa_like = {"kty": "RSA", "kid": key.kid, "n": "AQAB", "e": "AQAB"}
    with pytest.raises(InvalidAccessToken, match="Ed25519"):
        verify_access_token(issue(key), {"keys": [rsa_like]}, issuer=ISS, audience=AUD)


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "....."])
def test_garbage_is_refused(jwks, garbage):
    with pytest.raises(InvalidAccessToken):
        verify_access_token(garbage, jwks, issuer=ISS, audience=AUD)
