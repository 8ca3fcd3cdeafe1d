import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bookshare_common.testing import ServiceClient, service_client
from bookshare_metadata.entrypoints.app import SPEC


@pytest.fixture
async def metadata(database_url: str, tmp_path: Path) -> AsyncIterator[ServiceClient]:
    """The metadata service on SQLite and on PostgreSQL, demo catalogue loaded."""
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as client:
        yield client
        # Let the outbox relay take the wake-up of the last commit before shutdown cancels it: on Python
        # 3.11, asyncio.wait_for in OutboxRelay.run can swallow a cancel that lands just as it wakes, and the
        # relay then never stops (reported to the lead; bookshare_common.events.outbox).
        await asyncio.sleep(0.1)
