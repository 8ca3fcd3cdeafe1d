"""What the gateway passes through to subgraphs beyond GraphQL JSON: file uploads (GraphQL multipart requests)
and two plain HTTP routes (the auth service's JWKS, the metadata service's cover images)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..transport import AiohttpSubgraphClient
from .client import UploadingClient
from .routes import PassthroughRoutes
from .settings import PassthroughSettings
from .uploads import UploadsLayer
from .upstreams import subgraph_base_urls

__all__ = ["PassthroughRoutes", "PassthroughSettings", "UploadingClient", "UploadsLayer", "uploading_client_factory",
           "with_passthrough"]


def uploading_client_factory(settings: PassthroughSettings | None = None,
                             inner: Callable[[], Any] = AiohttpSubgraphClient) -> Callable[[], UploadingClient]:
    """For `EdgeApp(client_factory=…)`: the gateway's usual client, sending fetches with files as multipart."""
    timeout = (settings or PassthroughSettings()).upload_timeout_seconds
    return UploadingClient.factory(inner, timeout=timeout)


def with_passthrough(app: Callable, supergraph_sdl: str, *, url_overrides: dict[str, str] | None = None,
                     settings: PassthroughSettings | None = None) -> PassthroughRoutes:
    """`app` (the edge) behind the uploads layer and the JWKS and cover routes."""
    settings = settings or PassthroughSettings()
    urls = subgraph_base_urls(supergraph_sdl, url_overrides)
    origins = getattr(getattr(app, "settings", None), "allowed_origins", ())  # the edge's CORS origins
    inner = UploadsLayer(app, settings, cors_origins=origins) if settings.uploads else app
    return PassthroughRoutes(inner, auth_url=urls.get("auth"), metadata_url=urls.get("metadata"), settings=settings)
