"""Where cover files live: a folder (default, under the data folder). Names are content-addressed, so a
stored file never changes and can be cached for good."""
from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path
from typing import Protocol

NAME = re.compile(r"^97[89][0-9]{10}-[0-9a-f]{20}(-thumb)?\.(jpg|png|webp)$")


def valid_name(name: str) -> bool:
    return bool(NAME.match(name))


class CoverStorage(Protocol):
    async def put(self, name: str, data: bytes, content_type: str) -> None: ...

    async def get(self, name: str) -> bytes | None: ...


class FolderStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        if not valid_name(name):  # also keeps every path inside the folder
            raise ValueError(f"not a cover file name: {name!r}")
        return self.root / name[:3] / name[3:6] / name

    async def put(self, name: str, data: bytes, content_type: str) -> None:
        path = self._path(name)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)  # readers never see half a file

        await asyncio.to_thread(write)

    async def get(self, name: str) -> bytes | None:
        if not valid_name(name):
            return None
        path = self._path(name)

        def read() -> bytes | None:
            try:
                return path.read_bytes()
            except FileNotFoundError:
                return None

        return await asyncio.to_thread(read)
