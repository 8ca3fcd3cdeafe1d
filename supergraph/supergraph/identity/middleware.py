"""ASGI middleware in front of the gateway: checks the bearer token once per request and hands the
gateway the credential to send to subgraphs (as an internal header only the gateway can set)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from bookshare_common.credential import CREDENTIAL_HEADER

from .access_tokens import InvalidAccessToken
from .credentials import BookshareIdentity

_CREDENTIAL = CREDENTIAL_HEADER.encode()


class IdentityMiddleware:
    def __init__(self, app: Callable, identity: BookshareIdentity) -> None:
        self.app = app
        self.identity = identity

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        # A client never gets to state its own credential: drop any it sent.
        raw = [(k, v) for k, v in scope["headers"] if k.lower() != _CREDENTIAL]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
        try:
            principal = await self.identity.principal(headers)
        except InvalidAccessToken as exc:
            body = orjson.dumps({"errors": [{"message": f"Invalid access token: {exc}",
                                             "extensions": {"code": "UNAUTHENTICATED"}}]})
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"www-authenticate", b'Bearer error="invalid_token"')]})
            await send({"type": "http.response.body", "body": body})
            return
        client = scope.get("client")
        extra = self.identity.subgraph_headers(principal, headers, client[0] if client else None)
        raw.extend((k.encode(), v.encode("latin-1")) for k, v in extra.items())
        await self.app({**scope, "headers": raw}, receive, send)


def forward_identity_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The gateway's subgraph_headers hook: pass on what IdentityMiddleware put in place."""
    out = {CREDENTIAL_HEADER: headers[CREDENTIAL_HEADER]} if CREDENTIAL_HEADER in headers else {}
    for name in ("x-forwarded-for", "x-request-id"):
        if name in headers:
            out[name] = headers[name]
    return out
