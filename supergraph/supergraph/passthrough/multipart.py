"""Reads a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec) off an ASGI
receive channel: `operations` (JSON), then `map` (JSON: file field -> paths of null variables), then the
files, each spooled to disk once it outgrows memory. Every limit is checked while the bytes arrive."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import Any

import orjson
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from .files import UploadedFile, new_placeholder
from .settings import PassthroughSettings

SPEC = "https://github.com/jaydenseric/graphql-multipart-request-spec"


class UploadRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> bytes:
        return orjson.dumps({"errors": [{"message": self.message, "extensions": {"code": self.code}}]})


def _bad(message: str) -> UploadRefused:
    return UploadRefused(400, "BAD_REQUEST", message)


def _too_large(message: str) -> UploadRefused:
    return UploadRefused(413, "PAYLOAD_TOO_LARGE", message)


@dataclass
class UploadRequest:
    operations: Any  # as the client sent it, each file's null replaced by that file's placeholder
    files: dict[str, UploadedFile]  # placeholder -> file

    def close(self) -> None:
        for file in self.files.values():
            file.close()


def boundary_of(content_type: str) -> bytes | None:
    """The boundary when `content_type` is multipart/form-data, else None."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        return None
    return options.get(b"boundary") or b""


class _Reader:
    """The parser's callbacks: they fill in the operations, the map and the files, refusing as they go."""

    def __init__(self, limits: PassthroughSettings) -> None:
        self.limits = limits
        self.operations: Any = None
        self.map: dict[str, str] | None = None  # field name -> placeholder
        self.files: dict[str, UploadedFile] = {}  # field name -> file
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._part: str | None = None  # "operations", "map" or a file's field name
        self._buffer = bytearray()
        self._file: UploadedFile | None = None

    # -- python-multipart callbacks
    def on_part_begin(self) -> None:
        self._headers = {}
        self._buffer = bytearray()
        self._file = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field = bytearray()
        self._header_value = bytearray()

    def on_headers_finished(self) -> None:
        kind, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name")
        if kind != b"form-data" or name is None:
            raise _bad("Each part of a multipart request needs Content-Disposition: form-data with a name.")
        part = name.decode("utf-8", "replace")
        if part == "operations":
            if self.operations is not None:
                raise _bad("The 'operations' field is sent twice.")
        elif part == "map":
            if self.operations is None:
                raise _bad(f"The 'operations' field must come first, then 'map', then the files ({SPEC}).")
            if self.map is not None:
                raise _bad("The 'map' field is sent twice.")
        else:
            self._begin_file(part, options)
        self._part = part

    def _begin_file(self, part: str, options: dict[bytes, bytes]) -> None:
        if self.map is None:
            raise _bad(f"Files must come after the 'operations' and 'map' fields ({SPEC}).")
        if part not in self.map:
            raise _bad(f"The file field '{part}' is not in the map.")
        if part in self.files:
            raise _bad(f"The file field '{part}' is sent twice.")
        filename = options.get(b"filename")
        content_type = self._headers.get(b"content-type")
        self._file = UploadedFile(
            field_name=part,
            filename=filename.decode("utf-8", "replace") if filename is not None else None,
            content_type=content_type.decode("latin-1").strip() if content_type else None,
            file=SpooledTemporaryFile(max_size=self.limits.upload_spool_bytes),
        )
        self.files[part] = self._file

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        if self._file is not None:
            self._file.size += size
            if self._file.size > self.limits.upload_max_file_bytes:
                raise _too_large(f"The file '{self._file.filename or self._file.field_name}' is larger than the "
                                 f"{_human(self.limits.upload_max_file_bytes)} this gateway accepts per file.")
            self._file.file.write(data[start:end])
            return
        if len(self._buffer) + size > self.limits.upload_max_field_bytes:
            raise _too_large(f"The '{self._part}' field is larger than "
                             f"{_human(self.limits.upload_max_field_bytes)}.")
        self._buffer += data[start:end]

    def on_part_end(self) -> None:
        if self._file is not None:
            self._file.file.seek(0)
        elif self._part == "operations":
            self.operations = _json(self._buffer, "operations")
            if not isinstance(self.operations, (dict, list)) or not self.operations:
                raise _bad("The 'operations' field must be a JSON object (or a non-empty array for a batch).")
        elif self._part == "map":
            self.map = self._placeholders(_json(self._buffer, "map"))
        self._part = None

    # -- the map
    def _placeholders(self, mapping: Any) -> dict[str, str]:
        """Check the map against the operations and put one placeholder per file where its null stands."""
        if not isinstance(mapping, dict):
            raise _bad("The 'map' field must be a JSON object of file field names to arrays of paths.")
        if len(mapping) > self.limits.upload_max_files:
            raise _too_large(f"The request maps {len(mapping)} files; this gateway accepts at most "
                             f"{self.limits.upload_max_files}.")
        placeholders: dict[str, str] = {}
        used: set[str] = set()
        for name, paths in mapping.items():
            if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
                raise _bad(f"In the map, '{name}' must name a non-empty array of paths such as "
                           "\"variables.file\".")
            placeholder = placeholders[name] = new_placeholder()
            for path in paths:
                if path in used:
                    raise _bad(f"In the map, the path '{path}' is given two files.")
                used.add(path)
                self._put(path, placeholder)
        return placeholders

    def _put(self, path: str, placeholder: str) -> None:
        keys = path.split(".")
        batch = isinstance(self.operations, list)
        variables_at = 1 if batch else 0
        if len(keys) <= variables_at + 1 or keys[variables_at] != "variables" or (batch and not keys[0].isdigit()):
            raise _bad(f"The map path '{path}' must lead into an operation's variables "
                       f"(\"{'0.' if batch else ''}variables.<name>\").")
        container: Any = self.operations
        for key in keys[:-1]:
            container = _step(container, key, path)
        last = keys[-1]
        if isinstance(container, dict) and last in container and container[last] is None:
            container[last] = placeholder
        elif isinstance(container, list) and last.isdigit() and int(last) < len(container) \
                and container[int(last)] is None:
            container[int(last)] = placeholder
        else:
            raise _bad(f"The map path '{path}' must point to a null in 'operations', where the file goes.")


def _step(container: Any, key: str, path: str) -> Any:
    if isinstance(container, dict) and key in container:
        return container[key]
    if isinstance(container, list) and key.isdigit() and int(key) < len(container):
        return container[int(key)]
    raise _bad(f"The map path '{path}' does not exist in 'operations'.")


def _json(raw: bytearray, field: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _bad(f"The '{field}' field is not valid JSON.") from None


def _human(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


async def read_upload_request(content_type: str, content_length: str | None,
                              receive: Callable[[], Awaitable[dict[str, Any]]],
                              limits: PassthroughSettings) -> UploadRequest:
    """The operations and files of a multipart request, or UploadRefused (the files made so far are closed)."""
    boundary = boundary_of(content_type)
    if not boundary:
        raise _bad("A multipart request needs a boundary in its Content-Type.")
    total_limit = limits.upload_max_total_bytes
    if content_length is not None and content_length.isdigit() and int(content_length) > total_limit:
        raise _too_large(f"The request is larger than the {_human(total_limit)} this gateway accepts.")
    reader = _Reader(limits)
    parser = MultipartParser(boundary, {
        "on_part_begin": reader.on_part_begin, "on_part_data": reader.on_part_data,
        "on_part_end": reader.on_part_end, "on_header_field": reader.on_header_field,
        "on_header_value": reader.on_header_value, "on_header_end": reader.on_header_end,
        "on_headers_finished": reader.on_headers_finished,
    })
    received = 0
    try:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _bad("The client went away before the request ended.")
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > total_limit:
                raise _too_large(f"The request is larger than the {_human(total_limit)} this gateway accepts.")
            if chunk:
                parser.write(chunk)
            if not message.get("more_body"):
                break
        parser.finalize()
        if reader.operations is None or reader.map is None:
            raise _bad(f"A multipart request needs the 'operations' and 'map' fields ({SPEC}).")
        missing = [name for name in reader.map if name not in reader.files]
        if missing:
            raise _bad(f"The file field '{missing[0]}' is in the map but not in the request.")
        if reader._part is not None:
            raise _bad("The multipart request ends in the middle of a part.")
    except MultipartParseError as exc:
        _close(reader)
        raise _bad(f"The multipart body is malformed: {exc}") from None
    except BaseException:
        _close(reader)
        raise
    return UploadRequest(reader.operations, {reader.map[name]: file for name, file in reader.files.items()})


def _close(reader: _Reader) -> None:
    for file in reader.files.values():
        file.close()
