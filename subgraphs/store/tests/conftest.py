"""The store service under test, on SQLite and on PostgreSQL (see bookshare_store.testing for helpers)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bookshare_common.testing import service_client
from bookshare_store.entrypoints.app import SPEC
from bookshare_store.testing import Store


@pytest.fixture
async def store(database_url: str, tmp_path: Path) -> AsyncIterator[Store]:
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as client:
        yield Store(client)
