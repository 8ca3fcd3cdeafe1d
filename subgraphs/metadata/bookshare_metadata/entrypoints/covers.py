"""GET /covers/{name}: cover images and thumbnails, public (no gateway credential), cached for good."""
from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bookshare_metadata.adapters.images import CONTENT_TYPES
from bookshare_metadata.adapters.settings import cover_storage
from bookshare_metadata.adapters.storage import valid_name

PATH_PREFIX = "/covers/"
# Names hold a hash of the content, so a name always means the same bytes.
CACHE_CONTROL = "public, max-age=31536000, immutable"


async def serve_cover(request: Request) -> Response:
    name = request.path_params["name"]
    if not valid_name(name):
        return Response("not found", status_code=404, media_type="text/plain")
    etag = f'"{name.rsplit(".", 1)[0]}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"etag": etag, "cache-control": CACHE_CONTROL})
    data = await cover_storage(request.app.state.ctx.settings.data_dir).get(name)
    if data is None:
        return Response("not found", status_code=404, media_type="text/plain")
    headers = {
        "cache-control": CACHE_CONTROL,
        "etag": etag,
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'",
        "digest": "sha-256=" + hashlib.sha256(data).hexdigest(),
    }
    return Response(data, media_type=CONTENT_TYPES[name.rsplit(".", 1)[1]], headers=headers)


routes = [Route(PATH_PREFIX + "{name}", serve_cover, methods=["GET", "HEAD"])]
