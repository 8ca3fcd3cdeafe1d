"""The files of the request being served: recorded by the uploads layer, read by the uploading client.

A file variable travels through the gateway as a placeholder: a random token minted for this request. The
map from placeholder to file lives in a context variable, so only fetches made while serving this very request
can see it; a placeholder sent by a client (guessed, or seen before) names nothing in its own request.
"""

from __future__ import annotations

import asyncio
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import IO, Any

PLACEHOLDER_PREFIX = "bookshare-upload:"


@dataclass
class UploadedFile:
    field_name: str  # the multipart part's name (a key of `map`)
    filename: str | None
    content_type: str | None
    file: SpooledTemporaryFile[bytes]
    size: int = 0
    # one fetch at a time reads the file from its start (two fetches may send the same file)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def reader(self) -> IO[bytes]:
        return _Reader(self.file)

    def close(self) -> None:
        self.file.close()


class _Reader:
    """read/seek/tell only: asking a SpooledTemporaryFile for fileno() would move it to disk."""

    def __init__(self, file: SpooledTemporaryFile[bytes]) -> None:
        self._file = file

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()


def new_placeholder() -> str:
    return PLACEHOLDER_PREFIX + secrets.token_urlsafe(24)


current_uploads: ContextVar[dict[str, UploadedFile] | None] = ContextVar("bookshare_uploads", default=None)


def find_placeholders(value: Any, files: dict[str, UploadedFile], path: tuple[str | int, ...] = ()
                      ) -> list[tuple[tuple[str | int, ...], str]]:
    """Where in `value` (JSON) this request's placeholders stand: [(path, placeholder)]."""
    if isinstance(value, str):
        return [(path, value)] if value in files else []
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += find_placeholders(item, files, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += find_placeholders(item, files, (*path, index))
    return found
