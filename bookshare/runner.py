"""Runs services: all of them in one process (`bookshare dev`) or one per process (`bookshare serve`)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import structlog
import uvicorn

from bookshare.services import SUBGRAPHS, spec
from bookshare_common.credential import ANONYMOUS, CREDENTIAL_HEADER, CredentialIssuer, development_key_pair
from bookshare_common.events import InMemoryTransport, Transport
from bookshare_common.service import create_service_app
from bookshare_common.settings import ServiceSettings, load_settings

log = structlog.get_logger("bookshare")


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to us (several share one process)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _server(app: object, host: str, port: int) -> _Server:
    return _Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                  lifespan="on"))


def gateway_issuer(settings: ServiceSettings) -> CredentialIssuer:
    private = settings.gateway_private_key
    if private is None:
        if settings.production:
            raise SystemExit("BOOKSHARE_GATEWAY_PRIVATE_KEY must be set in production")
        private, _ = development_key_pair(settings.data_dir)
    return CredentialIssuer(private)


def gateway_app(supergraph_sdl: str, settings: ServiceSettings, *, auth_url: str | None):  # noqa: ANN201
    """Our gateway behind its edge: bearer tokens checked, credentials to subgraphs, @authenticated and
    @requiresScopes, limits, persisted operations, playground, health/ready/metrics (BOOKSHARE_GATEWAY_*)."""
    import os

    from supergraph.edge import EdgeApp, EdgeSettings
    from supergraph.edge.logs import configure_logging
    from supergraph.edge.tracing import configure_tracing
    from supergraph.identity import AccessTokenVerifier, BookshareIdentity

    edge_settings = EdgeSettings(environment=settings.environment)
    configure_logging(json=edge_settings.json_logs, level=edge_settings.log_level)
    verifier = None
    if auth_url:
        verifier = AccessTokenVerifier(
            f"{auth_url.rstrip('/')}/.well-known/jwks.json",
            issuer=os.environ.get("BOOKSHARE_AUTH_ISSUER", "bookshare-auth"),
            audience=os.environ.get("BOOKSHARE_AUTH_AUDIENCE", "bookshare"),
        )
    identity = BookshareIdentity(gateway_issuer(settings), verifier)
    overrides = subgraph_url_overrides(os.environ.get("BOOKSHARE_SUBGRAPH_URLS", ""))
    path = os.environ.get(GATEWAY_SUPERGRAPH_ENV)
    from supergraph.passthrough import uploading_client_factory, with_passthrough  # uploads, JWKS, /covers

    edge = EdgeApp(supergraph_sdl, settings=edge_settings, identity=identity, url_overrides=overrides,
                   supergraph_path=Path(path) if path else None, tracing=configure_tracing(edge_settings),
                   client_factory=uploading_client_factory())
    return with_passthrough(edge, supergraph_sdl, url_overrides=overrides)


def subgraph_url_overrides(spec: str) -> dict[str, str]:
    """`auth=http://auth:4001/graphql,store=…`: where the subgraphs really are (containers, other hosts)."""
    overrides: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, url = item.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise SystemExit(f"BOOKSHARE_SUBGRAPH_URLS: expected name=http(s)://…, got {item!r}")
        overrides[name.strip()] = url.strip()
    return overrides


async def compose_running(subgraph_urls: dict[str, str], settings: ServiceSettings) -> str:
    """Fetch each running subgraph's SDL (with the gateway credential) and compose the supergraph."""
    from supergraph.composition import compose_from_urls

    headers = {CREDENTIAL_HEADER: gateway_issuer(settings).issue(ANONYMOUS)}
    result = await compose_from_urls(list(subgraph_urls.items()), headers=headers)
    if result.errors or result.supergraph_sdl is None:
        lines = "\n".join(f"  - {error}" for error in result.errors)
        raise SystemExit(f"composition failed:\n{lines}")
    return result.supergraph_sdl


async def _wait_started(servers: list[_Server]) -> None:
    while not all(s.started for s in servers):
        if any(s.should_exit for s in servers):
            raise SystemExit("a service failed to start")
        await asyncio.sleep(0.05)


async def run_dev(host: str = "127.0.0.1", data_dir: Path = Path(".data")) -> None:
    """Everything in one process: subgraphs on 4001-4005 on SQLite, the in-process bus, the gateway on 4000."""
    transport: Transport = InMemoryTransport()
    servers: list[_Server] = []
    urls: dict[str, str] = {}
    for name in SUBGRAPHS:
        settings = load_settings(name, data_dir=data_dir)
        app = create_service_app(spec(name), settings, transport=transport)
        servers.append(_server(app, host, settings.port))
        urls[name] = f"http://{host}:{settings.port}/graphql"
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _wait_started(servers)
        gw_settings = load_settings("gateway", data_dir=data_dir)
        sdl = await compose_running(urls, gw_settings)
        (data_dir / "supergraph.graphql").write_text(sdl)
        auth_url = urls["auth"].removesuffix("/graphql")
        gateway = _server(gateway_app(sdl, gw_settings, auth_url=auth_url), host, gw_settings.port)
        servers.append(gateway)
        tasks.append(asyncio.create_task(gateway.serve()))
        await _wait_started(servers)
        print(f"Bookshare is running: http://localhost:{gw_settings.port}/graphql  (Ctrl-C stops it)", flush=True)
        for name, url in urls.items():
            print(f"  {name:<13} {url}", flush=True)
        await stop.wait()
    finally:
        print("stopping…", flush=True)
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)


def serve_one(name: str, host: str, port: int | None) -> None:
    """One service in this process, on the broker and database its environment names (compose.yaml)."""
    settings = load_settings(name, host=host, **({"port": port} if port else {}))
    app = create_service_app(spec(name), settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=False)


GATEWAY_SUPERGRAPH_ENV = "BOOKSHARE_SUPERGRAPH_PATH"
GATEWAY_AUTH_URL_ENV = "BOOKSHARE_AUTH_URL"


def gateway_from_env():  # noqa: ANN201
    """App factory for gateway worker processes (uvicorn --factory)."""
    import os

    settings = load_settings("gateway")
    sdl = Path(os.environ[GATEWAY_SUPERGRAPH_ENV]).read_text()
    return gateway_app(sdl, settings, auth_url=os.environ.get(GATEWAY_AUTH_URL_ENV) or None)


def serve_gateway(supergraph: Path, host: str, port: int, workers: int, auth_url: str | None) -> None:
    """The Bookshare gateway on a supergraph file: bearer tokens checked, credentials sent to subgraphs."""
    import os

    os.environ[GATEWAY_SUPERGRAPH_ENV] = str(supergraph.resolve())
    if auth_url:
        os.environ[GATEWAY_AUTH_URL_ENV] = auth_url
    gateway_from_env()  # fail here, once, on a bad supergraph or setting, before any worker starts
    uvicorn.run("bookshare.runner:gateway_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)
