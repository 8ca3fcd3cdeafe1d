"""The uploads layer: a GraphQL multipart POST to /graphql becomes the JSON request the gateway knows, with
each file's variable holding a placeholder, and the files recorded for this request (files.current_uploads)
while the wrapped app serves it. Every other request passes untouched.

The request keeps its multipart Content-Type on the way in, so the edge applies Apollo's CSRF rule to it as
to any request a browser may send without a preflight (an `apollo-require-preflight` or
`x-apollo-operation-name` header is needed); the rule stays in one place, the edge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from .files import current_uploads
from .multipart import UploadRefused, boundary_of, read_upload_request
from .settings import PassthroughSettings

GRAPHQL_PATH = "/graphql"
_REPLACED = frozenset({b"content-length", b"transfer-encoding"})


class UploadsLayer:
    def __init__(self, app: Callable, settings: PassthroughSettings | None = None, path: str = GRAPHQL_PATH,
                 cors_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.settings = settings or PassthroughSettings()
        self.path = path
        # the edge's allowed origins: a browser app must be able to read why its upload was refused
        self.cors_origins = frozenset(cors_origins)

    def __getattr__(self, name: str) -> Any:
        if name == "app":
            raise AttributeError(name)
        return getattr(self.app, name)

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        content_type = content_length = origin = None
        for key, value in scope["headers"]:
            lowered = key.lower()
            if lowered == b"content-type":
                content_type = value.decode("latin-1")
            elif lowered == b"content-length":
                content_length = value.decode("latin-1")
            elif lowered == b"origin":
                origin = value
        if content_type is None or boundary_of(content_type) is None:
            await self.app(scope, receive, send)
            return
        try:
            request = await read_upload_request(content_type, content_length, receive, self.settings)
        except UploadRefused as refusal:
            body = refusal.body()
            headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            if origin is not None and (origin.decode("latin-1") in self.cors_origins or "*" in self.cors_origins):
                headers += [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
            await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        try:
            body = orjson.dumps(request.operations)
            headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _REPLACED]
            headers.append((b"content-length", str(len(body)).encode()))
            token = current_uploads.set(request.files)
            try:
                await self.app({**scope, "headers": headers}, _replay(body, receive), send)
            finally:
                current_uploads.reset(token)
        finally:
            request.close()


def _replay(body: bytes, receive: Callable) -> Callable:
    """The JSON body once, then the client's own channel (which tells of a disconnect)."""
    sent = False

    async def replayed() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
