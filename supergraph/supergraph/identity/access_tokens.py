"""Access-token checks against a JWKS fetched from the auth service, cached by key id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import httpx
import jwt
import structlog
from jwt.algorithms import OKPAlgorithm

from bookshare_common.credential import Principal

log = structlog.get_logger(__name__)

ALGORITHM = "EdDSA"  # pinned: defeats `alg: none` and HS256-keyed-with-the-public-key tokens
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat"]  # nbf is checked when present
MAX_LEEWAY_SECONDS = 120  # clock skew forgiven on exp/nbf/iat; more would stretch a short-lived token's life


class InvalidAccessToken(Exception):
    """The bearer token is not valid; the message is for logs and for the client's error."""


class AccessTokenVerifier:
    def __init__(self, jwks_url: str, *, issuer: str, audience: str, leeway: int = 30,
                 refetch_interval: float = 30.0) -> None:
        if not 0 <= leeway <= MAX_LEEWAY_SECONDS:
            raise ValueError(f"the clock-skew leeway must be between 0 and {MAX_LEEWAY_SECONDS} seconds")
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._keys: dict[str, Any] = {}
        self._refetch_interval = refetch_interval
        self._last_fetch = 0.0
        self._fetching: asyncio.Task[None] | None = None

    def load_jwks(self, document: Mapping[str, Any]) -> None:
        keys: dict[str, Any] = {}
        for entry in document.get("keys", []) or []:
            if isinstance(entry, Mapping) and entry.get("kty") == "OKP" and isinstance(entry.get("kid"), str):
                try:
                    keys[entry["kid"]] = OKPAlgorithm.from_jwk(dict(entry))
                except (jwt.InvalidKeyError, ValueError, TypeError):
                    log.warning("ignoring a malformed JWK", kid=entry.get("kid"))
        self._keys = keys

    async def refresh(self) -> None:
        self._last_fetch = time.monotonic()
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
                self.load_jwks(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("could not fetch the JWKS", url=self.jwks_url, error=str(exc))

    def _schedule_refresh(self) -> None:
        # An unknown kid may mean a rotation: refetch, but at most once per interval, so a flood of
        # tokens with made-up kids cannot hammer the auth service.
        if time.monotonic() - self._last_fetch < self._refetch_interval:
            return
        if self._fetching is None or self._fetching.done():
            self._fetching = asyncio.get_running_loop().create_task(self.refresh())

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken(f"malformed token: {exc}") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidAccessToken(f"algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidAccessToken("the token has no key id")
        key = self._keys.get(kid)
        if key is None:
            self._schedule_refresh()
            if self._fetching is not None and not self._fetching.done():
                await asyncio.shield(self._fetching)
            key = self._keys.get(kid)
            if key is None:
                raise InvalidAccessToken("the token was signed by an unknown key")
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                                leeway=self.leeway, options={"require": REQUIRED_CLAIMS})
        except jwt.PyJWTError as exc:
            raise InvalidAccessToken(str(exc) or type(exc).__name__) from None
        roles, scope = claims.get("roles", []), claims.get("scope", "")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles) or not isinstance(scope, str):
            raise InvalidAccessToken("malformed roles or scope")
        return Principal(user_id=str(claims["sub"]), roles=frozenset(roles), scopes=frozenset(scope.split()),
                         username=claims.get("username") if isinstance(claims.get("username"), str) else None)
