"""Composes the supergraph from the subgraphs' own SDL without starting servers (for CI and `compose
--offline`): each subgraph app is called in-process with a gateway credential, as the gateway would."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bookshare.services import SUBGRAPHS, spec
from bookshare_common.settings import load_settings
from bookshare_common.testing import service_client


async def subgraph_sdls(data_dir: Path) -> dict[str, str]:
    sdls: dict[str, str] = {}
    for name in SUBGRAPHS:
        db = f"sqlite+aiosqlite:///{data_dir / f'{name}.db'}"
        async with service_client(spec(name), database_url=db, data_dir=data_dir) as client:
            answer = await client.query("{ _service { sdl } }")
            sdls[name] = answer["data"]["_service"]["sdl"]
    return sdls


async def compose_offline(data_dir: Path | None = None) -> str:
    from supergraph.composition import SubgraphSource, compose

    with tempfile.TemporaryDirectory() as scratch:
        sdls = await subgraph_sdls(data_dir or Path(scratch))
    sources = [SubgraphSource(name=name, url=f"http://127.0.0.1:{load_settings(name).port}/graphql", sdl=sdl)
               for name, sdl in sdls.items()]
    result = compose(sources)
    if result.errors or result.supergraph_sdl is None:
        raise SystemExit("composition failed:\n" + "\n".join(f"  - {e}" for e in result.errors))
    return result.supergraph_sdl
