"""GET /covers/{name}: cover images and thumbnails, public (no gateway credential), cached for good. Served
from whichever storage is configured (folder or S3-compatible bucket), streamed in chunks."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from bookshare_metadata.adapters.images import CONTENT_TYPES
from bookshare_metadata.adapters.settings import cover_storage
from bookshare_metadata.adapters.storage import CACHE_CONTROL, valid_name

PATH_PREFIX = "/covers/"


def _not_found() -> Response:
    return Response("not found", status_code=404, media_type="text/plain")


async def serve_cover(request: Request) -> Response:
    name = request.path_params["name"]
    if not valid_name(name):
        return _not_found()
    # Names hold a hash of the content, so a name always means the same bytes.
    etag = f'"{name.rsplit(".", 1)[0]}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"etag": etag, "cache-control": CACHE_CONTROL})
    storage = cover_storage(request.app.state.ctx.settings.data_dir)
    headers = {
        "cache-control": CACHE_CONTROL,
        "etag": etag,
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'",
    }
    media_type = CONTENT_TYPES[name.rsplit(".", 1)[1]]
    if request.method == "HEAD":  # the size only; nothing is read
        size = await storage.size(name)
        if size is None:
            return _not_found()
        return Response(status_code=200, media_type=media_type, headers={**headers, "content-length": str(size)})
    stream = await storage.open(name)
    if stream is None:
        return _not_found()
    return StreamingResponse(stream.chunks, media_type=media_type,
                             headers={**headers, "content-length": str(stream.size)})


routes = [Route(PATH_PREFIX + "{name}", serve_cover, methods=["GET", "HEAD"])]
