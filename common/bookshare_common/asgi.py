"""ASGI pieces every service mounts: the gateway-credential guard and health/readiness routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from bookshare_common.credential import CREDENTIAL_HEADER, CredentialVerifier, InvalidCredential

_HEADER = CREDENTIAL_HEADER.encode()


class GatewayCredentialMiddleware:
    """Lets through only requests that carry a valid gateway credential (401 otherwise, before any
    resolver, `_service` and `_entities` included); puts the verified Principal in scope["state"]."""

    def __init__(self, app: ASGIApp, verifier: CredentialVerifier, *, public_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.verifier = verifier
        self.public_paths = tuple(public_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].startswith(self.public_paths):
            await self.app(scope, receive, send)
            return
        token = next((v.decode("latin-1") for k, v in scope["headers"] if k == _HEADER), None)
        try:
            principal = self.verifier.verify(token)
        except InvalidCredential as exc:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401, "reason": "unauthorized"})
                return
            body = orjson.dumps({"errors": [{"message": str(exc), "extensions": {"code": "UNAUTHENTICATED"}}]})
            await Response(body, status_code=401, media_type="application/json")(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def health_routes(checks: Callable[[], Awaitable[dict[str, bool]]]) -> list[Route]:
    """GET /health: the process is alive. GET /ready: every dependency answers (503 otherwise)."""

    async def health(_: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    async def ready(_: Request) -> Response:
        results = await checks()
        ok = all(results.values())
        body = orjson.dumps({"status": "ready" if ok else "unavailable", "checks": results})
        return Response(body, status_code=200 if ok else 503, media_type="application/json")

    return [Route("/health", health), Route("/ready", ready)]
