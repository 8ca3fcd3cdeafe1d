"""Refusals the edge answers itself, before any subgraph is called."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: str
    message: str
    extensions: dict[str, Any] = field(default_factory=dict)
    headers: tuple[tuple[bytes, bytes], ...] = ()

    def error(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code, **self.extensions}}

    def body(self) -> bytes:
        return orjson.dumps({"errors": [self.error()]})


def gql_error(message: str, code: str, path: list[str | int] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message}
    if path is not None:
        error["path"] = path
    error["extensions"] = {"code": code}
    return error
