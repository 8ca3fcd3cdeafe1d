"""The gateway credential: a short-lived token, signed by the gateway (EdDSA), carrying the user.

Subgraphs answer only requests that carry a valid one (DESIGN.md, "Trust"). The client's own
Authorization header never reaches a subgraph; the gateway checks it and re-states the user here.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CREDENTIAL_HEADER = "bookshare-gateway-credential"
ISSUER = "bookshare-gateway"
AUDIENCE = "bookshare-subgraphs"
ALGORITHM = "EdDSA"
LIFETIME_SECONDS = 60


class InvalidCredential(Exception):
    """The request's gateway credential is missing, forged, expired or malformed."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a user (with roles and scopes) or nobody."""

    user_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    username: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


ANONYMOUS = Principal()


def generate_private_key_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_key_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def development_key_pair(data_dir: Path) -> tuple[str, str]:
    """The development key pair, made on first use under the data folder (never used in production)."""
    path = data_dir / "keys" / "gateway-ed25519.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(generate_private_key_pem())
        tmp.chmod(0o600)
        tmp.replace(path)
    private = path.read_text()
    return private, public_key_pem(private)


class CredentialIssuer:
    """Signs credentials; caches one per principal for part of its lifetime (signing is on the hot path)."""

    def __init__(self, private_key_pem: str, *, lifetime: int = LIFETIME_SECONDS) -> None:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the gateway credential key must be an Ed25519 private key")
        self._key = key
        self._lifetime = lifetime
        self._cache: OrderedDict[Principal, tuple[str, float]] = OrderedDict()

    def issue(self, principal: Principal) -> str:
        now = time.time()
        cached = self._cache.get(principal)
        if cached is not None and cached[1] > now:
            return cached[0]
        claims: dict[str, object] = {"iss": ISSUER, "aud": AUDIENCE, "iat": int(now), "exp": int(now) + self._lifetime}
        if principal.user_id is not None:
            claims["sub"] = principal.user_id
        if principal.username is not None:
            claims["name"] = principal.username
        claims["roles"] = sorted(principal.roles)
        claims["scope"] = " ".join(sorted(principal.scopes))
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
        self._cache[principal] = (token, now + self._lifetime / 2)  # reuse while more than half is left
        if len(self._cache) > 10_000:
            self._cache.popitem(last=False)
        return token


class CredentialVerifier:
    """Checks credentials fully (signature, algorithm, iss, aud, exp); remembers ones already checked."""

    def __init__(self, public_key_pem: str, *, leeway: int = 5) -> None:
        key = serialization.load_pem_public_key(public_key_pem.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the gateway credential key must be an Ed25519 public key")
        self._key = key
        self._leeway = leeway
        self._cache: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def verify(self, token: str | None) -> Principal:
        if not token:
            raise InvalidCredential("missing gateway credential")
        now = time.time()
        cached = self._cache.get(token)
        if cached is not None:
            if cached[1] + self._leeway >= now:
                return cached[0]
            del self._cache[token]
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER, leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidCredential(f"invalid gateway credential: {exc}") from None
        roles, scope = claims.get("roles", []), claims.get("scope", "")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles) or not isinstance(scope, str):
            raise InvalidCredential("invalid gateway credential: malformed roles or scope")
        sub = claims.get("sub")
        principal = Principal(user_id=str(sub) if sub is not None else None, roles=frozenset(roles),
                              scopes=frozenset(scope.split()), username=claims.get("name"))
        self._cache[token] = (principal, float(claims["exp"]))
        if len(self._cache) > 10_000:
            self._cache.popitem(last=False)
        return principal
