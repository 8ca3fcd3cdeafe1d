"""The gateway: request in, response out. Parsing, validation and plans are cached per operation text."""

from __future__ import annotations

import gc
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLSchema, execute_sync, validate
from graphql.execution.values import get_variable_values
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.utilities import value_from_ast_untyped

from .api_schema import serving_schema
from .dedup import InflightQueries, deduplication_default, request_key
from .executor import CompiledGroup, Execution, compile_group
from .loading import load_supergraph
from .model import Supergraph
from .operation import FieldSel, OperationError, condition_variables, normalize, select_operation
from .plan import QueryPlan
from .planner import Planner, PlanningError
from .response import ResponseShaper, Shaper
from .transport import AiohttpSubgraphClient, SubgraphClient
from .variables import Check, compile_checks, problems

log = logging.getLogger("supergraph.gateway")


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or_none(self, key: Any) -> Any:
        v = self.get(key)
        if v is not None:
            self.move_to_end(key)
        return v

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)


@dataclass
class ParsedDocument:
    document: DocumentNode | None
    errors: list[dict[str, Any]]
    condition_vars: tuple[str, ...] = ()
    # per operation: variable checks that need no graphql-core (None: they do) and declared defaults
    variable_meta: dict[int, tuple[list[Check] | None, dict[str, Any]]] = field(default_factory=dict)

    def meta(self, op: OperationDefinitionNode) -> tuple[list[Check] | None, dict[str, Any]]:
        found = self.variable_meta.get(id(op))
        if found is None:
            definitions = op.variable_definitions or ()
            defaults = {
                d.variable.name.value: value_from_ast_untyped(d.default_value)
                for d in definitions if d.default_value is not None
            }
            found = self.variable_meta[id(op)] = (compile_checks(definitions), defaults)
        return found


@dataclass
class CachedPlan:
    plan: QueryPlan
    compiled: dict[int, CompiledGroup]
    shaper: ResponseShaper
    root_type: str
    operation_node: OperationDefinitionNode
    document: DocumentNode
    introspection_keys: tuple[str, ...] = ()  # root fields answered from the API schema (__schema, __type)
    variable_checks: list[Check] | None = None  # None: variables are checked by graphql-core


@dataclass
class GatewayResult:
    body: dict[str, Any]
    status: int = 200


def _introspection_only(doc: DocumentNode, op: OperationDefinitionNode) -> DocumentNode:
    """The operation reduced to its __schema/__type root fields, for graphql-core to answer from the API schema."""
    fields = tuple(
        s for s in op.selection_set.selections
        if isinstance(s, FieldNode) and s.name.value in ("__schema", "__type")
    )
    only = OperationDefinitionNode(
        operation=op.operation, name=op.name, variable_definitions=op.variable_definitions,
        directives=op.directives, selection_set=SelectionSetNode(selections=fields),
    )
    fragments = tuple(d for d in doc.definitions if isinstance(d, FragmentDefinitionNode))
    return DocumentNode(definitions=(only, *fragments))


def _bad_variables(found: list[str]) -> GatewayResult:
    return GatewayResult({"errors": [_gql_error(m, "BAD_USER_INPUT") for m in found]}, 400)


def _gql_error(message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extra}}


class Gateway:
    def __init__(
        self,
        supergraph_sdl: str,
        *,
        url_overrides: dict[str, str] | None = None,
        client: SubgraphClient | None = None,
        timeout: float = 30.0,
        cache_size: int = 1000,
        freeze_heap: bool = True,
        deduplicate_queries: bool | None = None,
    ):
        """`deduplicate_queries`: identical queries in flight together share one execution (dedup.py); None takes
        BOOKSHARE_GATEWAY_DEDUPLICATE_QUERIES (on unless false)."""
        self.supergraph: Supergraph = load_supergraph(supergraph_sdl)
        self.api_schema: GraphQLSchema = serving_schema(supergraph_sdl)
        self.planner = Planner(self.supergraph)
        self.shaper = Shaper(self.api_schema)
        overrides = url_overrides or {}
        self.urls = {
            enum: overrides.get(g.name, overrides.get(enum, g.url)) for enum, g in self.supergraph.graphs.items()
        }
        self.services = {enum: g.name for enum, g in self.supergraph.graphs.items()}
        self._abstract_types = frozenset(n for n, t in self.supergraph.types.items() if t.is_abstract)
        self._client = client
        self._timeout = timeout
        self._documents: _LRU = _LRU(cache_size)
        self._plans: _LRU = _LRU(cache_size)
        if deduplicate_queries is None:
            deduplicate_queries = deduplication_default()
        self.inflight: InflightQueries | None = InflightQueries(
            lambda r: r.body, lambda r, body: GatewayResult(body, r.status)
        ) if deduplicate_queries else None
        if freeze_heap:
            # the schema, ASTs and model live as long as the process: keep the cyclic GC from rescanning them on
            # every collection (measured on the benchmark query: 6 ms -> 2 ms of CPU per request). A reloaded
            # supergraph's old objects then stay in memory, which is fine for rare reloads. (No gc.collect() first:
            # a full collection would stall the event loop while a supergraph is reloaded under traffic.)
            gc.freeze()

    @property
    def client(self) -> SubgraphClient:
        if self._client is None:
            self._client = AiohttpSubgraphClient(timeout=self._timeout)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    # ------------------------------------------------------------------ caches
    def _document(self, query: str) -> ParsedDocument:
        cached = self._documents.get_or_none(query)
        if cached is not None:
            return cached
        try:
            doc = parse(query)
        except GraphQLError as exc:
            parsed = ParsedDocument(None, [_gql_error(exc.message, "GRAPHQL_PARSE_FAILED")])
        else:
            errors = validate(self.api_schema, doc)
            if errors:
                parsed = ParsedDocument(
                    None,
                    [
                        {**e.formatted, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
                        for e in errors
                    ],
                )
            else:
                parsed = ParsedDocument(doc, [], condition_variables(doc))
        self._documents.put(query, parsed)
        return parsed

    def _root_type(self, op: OperationDefinitionNode) -> str:
        kind = op.operation.value
        if kind == "mutation":
            return self.supergraph.mutation_type or "Mutation"
        if kind == "subscription":
            return self.supergraph.subscription_type or "Subscription"
        return self.supergraph.query_type

    def _prepare(
        self, query: str, operation_name: str | None, variables: dict[str, Any]
    ) -> tuple[CachedPlan | None, GatewayResult | None]:
        parsed = self._document(query)
        if parsed.document is None:
            return None, GatewayResult({"errors": parsed.errors}, 400)
        try:
            op = select_operation(parsed.document, operation_name)
        except OperationError as exc:
            return None, GatewayResult({"errors": [_gql_error(str(exc), "GRAPHQL_VALIDATION_FAILED")]}, 400)
        conditions: dict[str, Any] = {}
        checks, defaults = parsed.meta(op)
        if parsed.condition_vars and checks is not None:
            found = problems(checks, variables)
            if found:
                return None, _bad_variables(found)
            conditions = {v: variables[v] if v in variables else defaults.get(v) for v in parsed.condition_vars}
        elif parsed.condition_vars:
            coerced = get_variable_values(self.api_schema, op.variable_definitions or [], variables)
            if isinstance(coerced, list):
                return None, GatewayResult(
                    {"errors": [{**e.formatted, "extensions": {"code": "BAD_USER_INPUT"}} for e in coerced]}, 400
                )
            values = getattr(coerced, "coerced", coerced)  # graphql-core 3.3 wraps them in VariableValues
            conditions = {v: values.get(v) for v in parsed.condition_vars}
        labels = self._roll_override_labels()
        key = (query, operation_name, tuple(conditions.get(v) is True for v in parsed.condition_vars), labels)
        cached = self._plans.get_or_none(key)
        if cached is not None:
            return cached, None
        if op.operation.value == "subscription":
            return None, GatewayResult({"errors": [_gql_error(
                "Subscriptions are served over WebSocket (graphql-transport-ws), not over POST.",
                "SUBSCRIPTION_NOT_SUPPORTED")]}, 400)
        root_type = self._root_type(op)
        normalized = normalize(parsed.document, op, root_type, conditions)
        try:
            plan = self.planner.plan(normalized, labels)
        except PlanningError as exc:
            log.warning("planning failed: %s", exc)
            return None, GatewayResult({"errors": [_gql_error(str(exc), "QUERY_PLANNING_FAILED")], "data": None}, 500)
        except Exception:  # noqa: BLE001 - a planner fault must answer this request, not crash the server
            log.exception("planning failed")
            return None, GatewayResult(
                {"errors": [_gql_error("The operation could not be planned.", "QUERY_PLANNING_FAILED")], "data": None},
                500,
            )
        compiled = {g.id: compile_group(g, self.supergraph) for step in plan.steps for g in step}
        introspection = tuple(
            s.key for s in normalized.selections if isinstance(s, FieldSel) and s.name in ("__schema", "__type")
        )
        document = parsed.document
        if introspection:
            document = _introspection_only(parsed.document, op)
        cached = CachedPlan(plan, compiled, ResponseShaper(self.shaper), root_type, op, document, introspection,
                            checks)
        self._plans.put(key, cached)
        return cached, None

    def _roll_override_labels(self) -> frozenset[str]:
        """Progressive @override: each request takes the overriding subgraph with the label's percentage.
        Custom labels (not `percent(N)`) stay off: nothing here switches them on."""
        labels = self.supergraph.override_labels
        if not labels:
            return frozenset()
        return frozenset(
            label for label, pct in labels.items()
            if pct is not None and (pct >= 100 or random.random() * 100 < pct)  # noqa: S311 - traffic split
        )

    # ------------------------------------------------------------------ requests
    async def execute(
        self,
        query: Any,
        variables: Any = None,
        operation_name: Any = None,
        *,
        headers: dict[str, str] | None = None,
        explain: bool = False,
        read_only: bool = False,
    ) -> GatewayResult:
        """`read_only`: the caller changes only top-level keys of the body it gets (not `data` in place), so a
        shared (deduplicated) answer needs no private copy: much cheaper under load (see dedup.py)."""
        if not isinstance(query, str) or not query.strip():
            return GatewayResult({"errors": [_gql_error("Must provide query string.", "BAD_REQUEST")]}, 400)
        if variables is None:
            variables = {}
        if not isinstance(variables, dict):
            return GatewayResult({"errors": [_gql_error("Variables must be an object.", "BAD_REQUEST")]}, 400)
        if operation_name is not None and not isinstance(operation_name, str):
            return GatewayResult({"errors": [_gql_error("operationName must be a string.", "BAD_REQUEST")]}, 400)
        cached, failure = self._prepare(query, operation_name, variables)
        if failure is not None:
            return failure
        assert cached is not None
        op = cached.operation_node
        if op.variable_definitions and cached.variable_checks is not None:
            found = problems(cached.variable_checks, variables)
            if found:
                return _bad_variables(found)
        elif op.variable_definitions:
            coerced = get_variable_values(self.api_schema, op.variable_definitions, variables)
            if isinstance(coerced, list):
                return GatewayResult(
                    {"errors": [{**e.formatted, "extensions": {"code": "BAD_USER_INPUT"}} for e in coerced]}, 400
                )
        if self.inflight is not None and not explain and op.operation.value == "query":
            key = request_key(query, operation_name, variables, headers)
            if key is not None:
                return await self.inflight.run(key, lambda: self._run(cached, variables, headers, explain),
                                               read_only=read_only)
        return await self._run(cached, variables, headers, explain)

    async def _run(self, cached: CachedPlan, variables: dict[str, Any], headers: dict[str, str] | None,
                   explain: bool) -> GatewayResult:
        run = Execution(
            cached.plan, cached.compiled, self.client, self.urls, self.services, variables, headers,
            self._abstract_types,
        )
        await run.run()
        errors = run.errors
        data = cached.shaper.shape(cached.root_type, cached.plan.operation.selections, run.data, errors)
        if cached.introspection_keys and isinstance(data, dict):
            result = execute_sync(self.api_schema, cached.document, variable_values=variables)
            for key in cached.introspection_keys:
                data[key] = (result.data or {}).get(key)
            errors.extend(e.formatted for e in result.errors or ())
        body: dict[str, Any] = {"errors": errors, "data": data} if errors else {"data": data}
        if explain:
            body["extensions"] = {"queryPlan": cached.plan.describe()}
        return GatewayResult(body)

    def explain(self, query: str, operation_name: str | None = None, variables: dict[str, Any] | None = None) -> str:
        cached, failure = self._prepare(query, operation_name, variables or {})
        if failure is not None:
            messages = "; ".join(e.get("message", "") for e in failure.body.get("errors", []))
            raise ValueError(f"cannot plan this operation: {messages}")
        assert cached is not None
        return cached.plan.describe()
