"""Where cover files live: a folder (default, under the data folder) or an S3-compatible bucket. Names are
content-addressed, so a stored file never changes and can be cached for good.

Both storages read in chunks, so the cover route streams a file instead of holding it in memory."""
from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

NAME = re.compile(r"^97[89][0-9]{10}-[0-9a-f]{20}(-thumb)?\.(jpg|png|webp)$")
CHUNK = 64 * 1024
# Covers never change under a name (see above): whoever serves them straight from the bucket may cache them.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def valid_name(name: str) -> bool:
    return bool(NAME.match(name))


@dataclass
class CoverStream:
    """An open stored file: its size, and its bytes in chunks (iterate once; stopping early closes it)."""
    size: int
    chunks: AsyncIterator[bytes]


class CoverStorage(Protocol):
    async def put(self, name: str, data: bytes, content_type: str) -> None: ...

    async def get(self, name: str) -> bytes | None: ...

    async def size(self, name: str) -> int | None: ...

    async def open(self, name: str) -> CoverStream | None: ...

    async def delete(self, name: str) -> None: ...


async def _read_all(storage: CoverStorage, name: str) -> bytes | None:
    stream = await storage.open(name)
    if stream is None:
        return None
    return b"".join([chunk async for chunk in stream.chunks])


async def _chunks(read: Callable[[int], bytes], close: Callable[[], Any]) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(read, CHUNK):
            yield chunk
    finally:
        await asyncio.to_thread(close)


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
        return await _read_all(self, name)

    async def size(self, name: str) -> int | None:
        if not valid_name(name):
            return None
        try:
            return (await asyncio.to_thread(self._path(name).stat)).st_size
        except FileNotFoundError:
            return None

    async def open(self, name: str) -> CoverStream | None:
        if not valid_name(name):
            return None
        try:
            handle = await asyncio.to_thread(self._path(name).open, "rb")
        except FileNotFoundError:
            return None
        size = os.fstat(handle.fileno()).st_size  # of the file we hold open, even if replaced meanwhile
        return CoverStream(size=size, chunks=_chunks(handle.read, handle.close))

    async def delete(self, name: str) -> None:
        await asyncio.to_thread(self._path(name).unlink, missing_ok=True)


@dataclass(frozen=True)
class S3Config:
    bucket: str
    endpoint_url: str | None = None  # None: AWS itself; else MinIO, Ceph, R2, ... (or moto in tests)
    region: str = "us-east-1"
    access_key_id: str | None = None  # None: boto3's own chain (AWS_* variables, instance role, ...)
    secret_access_key: str | None = None
    prefix: str = "covers/"
    addressing_style: str | None = None  # None: "path" with an endpoint URL (what most S3 look-alikes want)


class S3Storage:
    """Covers as objects `<prefix><name>` in one bucket. boto3 is synchronous: each call runs in a worker
    thread (its clients are thread-safe), so the event loop never waits on the network."""

    def __init__(self, config: S3Config) -> None:
        import boto3
        from botocore.config import Config

        self.config = config
        style = config.addressing_style or ("path" if config.endpoint_url else "auto")
        self._client = boto3.session.Session().client(
            "s3", endpoint_url=config.endpoint_url, region_name=config.region,
            aws_access_key_id=config.access_key_id, aws_secret_access_key=config.secret_access_key,
            config=Config(s3={"addressing_style": style}, signature_version="s3v4", max_pool_connections=32,
                          retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30),
        )

    def key(self, name: str) -> str:
        if not valid_name(name):  # keys are built only from names we made
            raise ValueError(f"not a cover file name: {name!r}")
        return self.config.prefix + name

    @staticmethod
    def _missing(exc: Exception) -> bool:
        from botocore.exceptions import ClientError

        if not isinstance(exc, ClientError):
            return False
        code = str(exc.response.get("Error", {}).get("Code", ""))
        return code in {"NoSuchKey", "404", "NotFound"}

    async def put(self, name: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._client.put_object, Bucket=self.config.bucket, Key=self.key(name), Body=data,
                                ContentType=content_type, CacheControl=CACHE_CONTROL)

    async def get(self, name: str) -> bytes | None:
        return await _read_all(self, name)

    async def size(self, name: str) -> int | None:
        if not valid_name(name):
            return None
        try:
            head = await asyncio.to_thread(self._client.head_object, Bucket=self.config.bucket, Key=self.key(name))
        except Exception as exc:
            if self._missing(exc):
                return None
            raise
        return int(head["ContentLength"])

    async def open(self, name: str) -> CoverStream | None:
        if not valid_name(name):
            return None
        try:
            got = await asyncio.to_thread(self._client.get_object, Bucket=self.config.bucket, Key=self.key(name))
        except Exception as exc:
            if self._missing(exc):
                return None
            raise
        body = got["Body"]
        return CoverStream(size=int(got["ContentLength"]), chunks=_chunks(body.read, body.close))

    async def delete(self, name: str) -> None:
        await asyncio.to_thread(self._client.delete_object, Bucket=self.config.bucket, Key=self.key(name))
