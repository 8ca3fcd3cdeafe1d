"""Persisted operations: Apollo's automatic persisted queries (APQ) and a trusted-documents manifest."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import Any

import orjson

from .errors import Refusal

NOT_FOUND = Refusal(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")  # Apollo clients retry with text
NOT_SUPPORTED = Refusal(400, "PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")
HASH_MISMATCH = Refusal(400, "PERSISTED_QUERY_HASH_MISMATCH", "The sha256Hash does not match the query.")
BAD_EXTENSION = Refusal(400, "BAD_REQUEST", "extensions.persistedQuery must be {version: 1, sha256Hash: <hex>}.")
NOT_IN_LIST = Refusal(400, "PERSISTED_QUERY_NOT_IN_LIST",
                      "This gateway only serves trusted operations, and this one is not in its manifest.")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class AutomaticPersistedQueries:
    """An in-memory LRU from sha256 hash to query text (per process)."""

    def __init__(self, size: int = 10_000) -> None:
        self._store: OrderedDict[str, str] = OrderedDict()
        self._size = size

    def get(self, digest: str) -> str | None:
        query = self._store.get(digest)
        if query is not None:
            self._store.move_to_end(digest)
        return query

    def put(self, digest: str, query: str) -> None:
        self._store[digest] = query
        if len(self._store) > self._size:
            self._store.popitem(last=False)


class TrustedDocuments:
    """Operations from a manifest: Apollo's persisted query manifest, or a plain {sha256: body} object."""

    def __init__(self, by_id: dict[str, str]) -> None:
        self.by_id = by_id
        self.bodies = frozenset(by_id.values())

    @classmethod
    def load(cls, path: Path) -> TrustedDocuments:
        document = orjson.loads(path.read_bytes())
        by_id: dict[str, str] = {}
        if isinstance(document, dict) and isinstance(document.get("operations"), list):
            for operation in document["operations"]:
                if isinstance(operation, dict) and isinstance(operation.get("body"), str):
                    by_id[str(operation.get("id") or sha256(operation["body"]))] = operation["body"]
        elif isinstance(document, dict):
            by_id = {str(k): v for k, v in document.items() if isinstance(v, str)}
        if not by_id:
            raise ValueError(f"{path}: no operations (expected an Apollo persisted query manifest)")
        return cls(by_id)


def persisted_hash(extensions: Any) -> str | None | Refusal:
    """The hash a request names in extensions.persistedQuery; None when it names none."""
    if not isinstance(extensions, dict):
        return None
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1 \
            or not isinstance(persisted.get("sha256Hash"), str):
        return BAD_EXTENSION
    return persisted["sha256Hash"].lower()


def resolve(query: Any, extensions: Any, apq: AutomaticPersistedQueries | None,
            trusted: TrustedDocuments | None) -> str | Any | Refusal:
    """The query text to run (or a refusal), applying APQ and the trusted-documents rule."""
    digest = persisted_hash(extensions)
    if isinstance(digest, Refusal):
        return digest
    if trusted is not None:
        if digest is not None:
            body = trusted.by_id.get(digest)
            if body is None:
                return NOT_IN_LIST
            if isinstance(query, str) and query != body:
                return HASH_MISMATCH
            return body
        if isinstance(query, str) and query in trusted.bodies:
            return query
        return NOT_IN_LIST
    if digest is None:
        return query
    if apq is None:
        return NOT_SUPPORTED
    if isinstance(query, str) and query:
        if sha256(query) != digest:
            return HASH_MISMATCH
        apq.put(digest, query)
        return query
    stored = apq.get(digest)
    return NOT_FOUND if stored is None else stored
