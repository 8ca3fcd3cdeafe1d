"""Fixtures for the posts tests: the service running in-process on each database, and event delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bookshare_common.events import InMemoryTransport
from bookshare_common.testing import ServiceClient, deliver, service_client, user_event
from bookshare_posts.entrypoints.app import SPEC

__all__ = ["deliver", "user_event"]  # the shared helpers, handed on to this folder's tests


@pytest.fixture
async def posts(database_url: str, tmp_path: Path) -> AsyncIterator[ServiceClient]:
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path,
                              transport=InMemoryTransport()) as client:
        yield client
