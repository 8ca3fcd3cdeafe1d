"""Answers GraphQL-over-HTTP request bodies for one subgraph, fast enough not to limit a gateway.

Parsed and validated documents are cached by query text. The data is static, so an answer depends only
on the request body; answers are memoised per exact body (bounded), which keeps the subgraphs far
cheaper than any gateway while every distinct request is still really executed once.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, execute_sync, parse, validate

from .schema import Subgraph

_DOCUMENT_CACHE_SIZE = 512
_ANSWER_CACHE_SIZE = 4096


class Executor:
    def __init__(self, subgraph: Subgraph, *, memoise: bool = True) -> None:
        self.subgraph = subgraph
        self.memoise = memoise
        self._documents: OrderedDict[str, tuple[DocumentNode | None, list[dict[str, Any]]]] = OrderedDict()
        self._answers: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()

    def answer(self, body: bytes) -> tuple[int, bytes]:
        """HTTP status and JSON body for a POSTed GraphQL request body."""
        if self.memoise:
            cached = self._answers.get(body)
            if cached is not None:
                return cached
        result = self._execute(body)
        if self.memoise:
            self._answers[body] = result
            if len(self._answers) > _ANSWER_CACHE_SIZE:
                self._answers.popitem(last=False)
        return result

    def _document(self, query: str) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
        cached = self._documents.get(query)
        if cached is None:
            try:
                document = parse(query)
            except GraphQLError as error:
                cached = (None, [error.formatted])
            else:
                errors = validate(self.subgraph.schema, document)
                cached = (None, [e.formatted for e in errors]) if errors else (document, [])
            self._documents[query] = cached
            if len(self._documents) > _DOCUMENT_CACHE_SIZE:
                self._documents.popitem(last=False)
        return cached

    def _execute(self, body: bytes) -> tuple[int, bytes]:
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return 400, orjson.dumps({"errors": [{"message": "the body is not JSON"}]})
        if not isinstance(request, dict) or not isinstance(request.get("query"), str):
            return 400, orjson.dumps({"errors": [{"message": "the body must be an object with a 'query' string"}]})
        variables = request.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return 400, orjson.dumps({"errors": [{"message": "'variables' must be an object"}]})
        document, errors = self._document(request["query"])
        if document is None:
            return 400, orjson.dumps({"errors": errors})
        result = execute_sync(
            self.subgraph.schema,
            document,
            variable_values=variables,
            operation_name=request.get("operationName"),
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        return 200, orjson.dumps(payload)
