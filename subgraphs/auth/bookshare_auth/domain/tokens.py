"""Access tokens: EdDSA-signed JWTs, their signing keys as JWKs, and the one check every verifier runs.

`verify_access_token` is pure (no I/O): the gateway calls it with the JWKS it fetched from
`GET /.well-known/jwks.json`, so it needs nothing else from this package.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

# The only algorithm issued and the only one accepted: pinning it is what defeats `alg: none`
# and the "HS256 keyed with the public key" confusion.
ALGORITHM = "EdDSA"
DEFAULT_ACCESS_TOKEN_TTL = timedelta(minutes=15)
_REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat")


class InvalidAccessToken(Exception):
    """The token is not one this verifier accepts; the message says why (for logs, not for clients)."""


@dataclass(frozen=True)
class GeneratedKey:
    kid: str
    private_pem: str
    public_jwk: dict[str, str]


@dataclass(frozen=True)
class AccessClaims:
    subject: str
    roles: frozenset[str]
    issued_at: datetime
    expires_at: datetime
    token_id: str | None
    claims: Mapping[str, Any]


def generate_signing_key() -> GeneratedKey:
    """A fresh Ed25519 key pair: the private half as PEM (kept in the auth database), the public as a JWK."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = uuid.uuid4().hex
    return GeneratedKey(kid=kid, private_pem=pem, public_jwk=public_jwk_from_private(pem, kid))


def public_jwk_from_private(private_pem: str, kid: str) -> dict[str, str]:
    private = _load_private(private_pem)
    jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    assert isinstance(jwk, dict)  # as_dict=True always answers a dict
    return {**jwk, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def jwks_document(public_jwks: Sequence[Mapping[str, str]]) -> dict[str, list[dict[str, str]]]:
    return {"keys": [dict(k) for k in public_jwks]}


def issue_access_token(
    *,
    private_pem: str,
    kid: str,
    issuer: str,
    audience: str,
    subject: str,
    roles: Sequence[str],
    now: datetime | None = None,
    ttl: timedelta = DEFAULT_ACCESS_TOKEN_TTL,
    extra_claims: Mapping[str, Any] | None = None,
) -> str:
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        **(extra_claims or {}),
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        "roles": sorted(set(roles)),
    }
    return jwt.encode(claims, _load_private(private_pem), algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})


def verify_access_token(
    token: str,
    jwks: Mapping[str, Any],
    *,
    issuer: str,
    audience: str,
    leeway: timedelta = timedelta(seconds=30),
) -> AccessClaims:
    """Check an access token against a JWKS document (`{"keys": [...]}`) and answer its claims.

    Refuses anything not signed with EdDSA by a key of the set (looked up by `kid`), expired, not yet
    valid, for another audience or from another issuer, or without the claims Bookshare relies on.
    Raises InvalidAccessToken.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidAccessToken(f"malformed token: {exc}") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidAccessToken(f"algorithm {header.get('alg')!r} is not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidAccessToken("token has no key id (kid)")
    key = _find_key(jwks, kid)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": list(_REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError as exc:
        raise InvalidAccessToken(str(exc) or type(exc).__name__) from exc
    subject, roles = claims.get("sub"), claims.get("roles", [])
    if not isinstance(subject, str) or not subject:
        raise InvalidAccessToken("subject (sub) must be a non-empty string")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise InvalidAccessToken("roles must be a list of strings")
    return AccessClaims(
        subject=subject,
        roles=frozenset(roles),
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        token_id=claims.get("jti"),
        claims=claims,
    )


def _find_key(jwks: Mapping[str, Any], kid: str) -> Any:
    for entry in jwks.get("keys", []) or []:
        if not isinstance(entry, Mapping) or entry.get("kid") != kid:
            continue
        # Only an Ed25519 public key may verify; a JWK of another type under the same kid is refused
        # rather than trusted to pick the algorithm.
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519" or "d" in entry:
            raise InvalidAccessToken(f"key {kid!r} is not an Ed25519 public key")
        if entry.get("alg") not in (None, ALGORITHM):
            raise InvalidAccessToken(f"key {kid!r} is published for another algorithm")
        try:
            return jwt.PyJWK(dict(entry), algorithm=ALGORITHM).key
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken(f"key {kid!r} is unusable: {exc}") from exc
    raise InvalidAccessToken(f"unknown key id {kid!r}")


def _load_private(private_pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("signing keys must be Ed25519")
    return key
