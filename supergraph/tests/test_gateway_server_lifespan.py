"""The server's lifespan: the GC is tuned for the request load at startup and put back at shutdown."""

import asyncio
import gc

from supergraph_testkit import FIXTURES

from supergraph.server import GC_GEN0_THRESHOLD, SERVER_OPTIONS, create_app


async def test_startup_raises_the_young_gc_threshold_and_shutdown_restores_it():
    app = create_app((FIXTURES / "sc_entities.graphql").read_text())
    before = gc.get_threshold()
    inbox: asyncio.Queue = asyncio.Queue()
    sent: list[dict] = []
    answered = asyncio.Event()

    async def send(message):
        sent.append(message)
        answered.set()

    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan"}, inbox.get, send))
    await asyncio.wait_for(answered.wait(), 10)
    try:
        assert sent == [{"type": "lifespan.startup.complete"}] and app.ready
        assert gc.get_threshold() == (GC_GEN0_THRESHOLD, *before[1:])
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await task
        gc.unfreeze()
    assert sent[-1] == {"type": "lifespan.shutdown.complete"} and not app.ready
    assert gc.get_threshold() == before


def test_uvicorn_is_asked_for_uvloop_and_httptools_which_are_installed():
    import httptools  # noqa: F401
    import uvloop  # noqa: F401

    assert SERVER_OPTIONS == {"loop": "uvloop", "http": "httptools"}
