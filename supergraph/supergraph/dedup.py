"""Inbound deduplication: identical queries in flight at the same time share one execution.

Two requests are identical when their query text, operation name, variables and subgraph-bound headers are
equal, request-correlation headers aside (a request id or trace context names one request, not who asks or
what is asked). The gateway calls this only for queries, never for mutations or subscriptions: a query read
twice at the same moment may be answered once, a mutation must run as often as it is sent.

Each caller gets its own copy of the answer, because callers may go on to change their bodies deep down (the
edge's authorization completion writes into `data`): a copy decoded from a snapshot taken when the execution
finished, before anyone could have changed it (the first such caller takes the original when no read-only
caller shares it). Decoding costs about 0.26 ms for the 87 KB benchmark answer, most of a shared request's CPU,
so a caller that only replaces top-level keys (`errors`, `extensions`) may ask for `read_only`: it gets a new
top-level dict over the same, never changed, `data`."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

DEDUPLICATE_ENV = "BOOKSHARE_GATEWAY_DEDUPLICATE_QUERIES"

# Headers that identify one request rather than the caller: they do not keep two requests apart. Subgraphs
# see the values of the request whose execution is shared.
PER_REQUEST_HEADERS = frozenset({"x-request-id", "traceparent", "tracestate", "baggage", "sentry-trace"})


def deduplication_default() -> bool:
    """On unless BOOKSHARE_GATEWAY_DEDUPLICATE_QUERIES says false/0/no/off."""
    return os.environ.get(DEDUPLICATE_ENV, "true").strip().lower() not in ("0", "false", "no", "off")


def request_key(query: str, operation_name: str | None, variables: Mapping[str, Any],
                headers: Mapping[str, str] | None) -> tuple[Any, ...] | None:
    """What makes two requests the same; None when the variables cannot be compared (never shared then)."""
    try:
        variables_key = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
    except TypeError:
        return None
    headers_key = tuple(sorted((k, v) for k, v in headers.items() if k not in PER_REQUEST_HEADERS)) \
        if headers else ()
    return (query, operation_name, variables_key, headers_key)


class _Shared:
    __slots__ = ("claimed", "private", "read_only", "snapshot", "task")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task = task
        self.private = 0  # callers that may change their body anywhere
        self.read_only = 0  # callers that change top-level keys only
        self.claimed = False  # the original went to a private caller
        self.snapshot: bytes | None = None

    def needs_snapshot(self) -> bool:
        return self.private > 1 or (self.private == 1 and self.read_only > 0)


class InflightQueries:
    """The executions running now, by request key. `body_of`/`with_body` let it copy results it knows nothing of."""

    def __init__(self, body_of: Callable[[Any], Any], with_body: Callable[[Any, Any], Any]) -> None:
        self._running: dict[tuple[Any, ...], _Shared] = {}
        self._body_of = body_of
        self._with_body = with_body
        self.shared_requests = 0  # requests answered by another request's execution (for tests and metrics)

    def __len__(self) -> int:
        return len(self._running)

    async def run(self, key: tuple[Any, ...], execute: Callable[[], Awaitable[Any]], *,
                  read_only: bool = False) -> Any:
        shared = self._running.get(key)
        if shared is None:
            # its own task: a caller that goes away (client disconnect) must not cancel the others' answer
            task = asyncio.get_running_loop().create_task(self._execute(key, execute))
            shared = self._running[key] = _Shared(task)
        else:
            self.shared_requests += 1
        if read_only:
            shared.read_only += 1
        else:
            shared.private += 1
        result = await asyncio.shield(shared.task)
        if read_only:
            return self._with_body(result, {**self._body_of(result)})
        if not shared.claimed and shared.read_only == 0:
            shared.claimed = True
            return result
        assert shared.snapshot is not None
        return self._with_body(result, orjson.loads(shared.snapshot))

    async def _execute(self, key: tuple[Any, ...], execute: Callable[[], Awaitable[Any]]) -> Any:
        try:
            result = await execute()
        finally:
            # no one joins a finished execution: later requests start their own
            shared = self._running.pop(key, None)
        if shared is not None and shared.needs_snapshot():
            # taken before any caller resumes, so no caller's changes reach another's copy
            shared.snapshot = orjson.dumps(self._body_of(result))
        return result
