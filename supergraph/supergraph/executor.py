"""Running a query plan: subgraph requests in dependency order, their JSON merged into one tree."""

from __future__ import annotations

import asyncio
import logging
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .model import Supergraph
from .plan import FetchGroup, QueryPlan
from .selection import OutSel
from .transport import SubgraphClient, SubgraphTransportError

log = logging.getLogger("supergraph.executor")

# (key in the representation, key in the merged data, nested spec or None), type-conditioned specs
Spec = tuple[tuple[tuple[str, str, "Spec | None"], ...], tuple[tuple[frozenset[str], "Spec"], ...]]


def compile_spec(sel: OutSel, sg: Supergraph) -> Spec:
    fields = tuple((f.key, f.source or f.key, compile_spec(f.selection, sg) if f.selection is not None else None)
                   for f in sel.fields.values())
    frags = tuple(
        (frozenset([cond, *sg.possible_types.get(cond, [])]), compile_spec(s, sg)) for cond, s in sel.fragments.items()
    )
    return fields, frags


def extract(obj: dict[str, Any], spec: Spec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields, frags = spec
    for key, source, sub in fields:
        if source not in obj:
            continue
        v = obj[source]
        out[key] = _extract_value(v, sub) if sub is not None else v
    if frags:
        t = obj.get("__typename")
        for types, sub in frags:
            if t in types:
                out.update(extract(obj, sub))
    return out


def _extract_value(v: Any, spec: Spec) -> Any:
    if isinstance(v, dict):
        return extract(v, spec)
    if isinstance(v, list):
        return [_extract_value(x, spec) for x in v]
    return v


@dataclass
class _RepEntry:
    rep_typename: str
    spec: Spec
    key_fields: tuple[str, ...]
    # when the representation is a flat list of fields (the common case): read them with one itemgetter
    flat: tuple[str, ...] | None = None
    getter: Callable[[dict[str, Any]], Any] | None = None


@dataclass
class CompiledGroup:
    group: FetchGroup
    url_name: str
    reps: dict[str, _RepEntry]  # concrete typename in the data -> how to build its representation
    variables: tuple[str, ...]


def compile_group(g: FetchGroup, sg: Supergraph) -> CompiledGroup:
    reps: dict[str, _RepEntry] = {}
    for data_type, (rep_type, rep_sel, key_fields) in g.reps.items():
        entry = _RepEntry(rep_type, compile_spec(rep_sel, sg), key_fields)
        if not rep_sel.fragments and all(f.selection is None for f in rep_sel.fields.values()):
            names = tuple(k for k in rep_sel.fields if k != "__typename")
            sources = tuple(rep_sel.fields[k].source or k for k in names)
            if names and names[: len(key_fields)] == key_fields:
                entry.flat = names
                entry.getter = operator.itemgetter(*sources) if len(sources) > 1 else _single(sources[0])
        reps[data_type] = entry
        for t in sg.possible_types.get(data_type, []):
            reps.setdefault(t, entry)
    return CompiledGroup(g, g.graph, reps, tuple(sorted(g.variables)))


def _single(name: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    def get(o: dict[str, Any]) -> tuple[Any, ...]:
        return (o[name],)

    return get


def deep_merge(target: dict[str, Any], src: dict[str, Any]) -> None:
    for k, v in src.items():
        if k in target:
            t = target[k]
            if isinstance(t, dict):
                if isinstance(v, dict):
                    deep_merge(t, v)
                continue
            if isinstance(t, list):
                if isinstance(v, list) and len(v) == len(t):
                    for a, b in zip(t, v, strict=True):
                        if isinstance(a, dict) and isinstance(b, dict):
                            deep_merge(a, b)
                continue
            if k == "__typename" or v is None:
                continue
        target[k] = v


def _walk(objs: list[Any], out: list[dict[str, Any]]) -> None:
    for o in objs:
        if isinstance(o, dict):
            out.append(o)
        elif isinstance(o, list):
            _walk(o, out)


def collect(data: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The objects at `path` (lists walked through). Runs for every entity fetch, hence the plain loops."""
    objs: list[dict[str, Any]] = [data]
    for key in path:
        nxt: list[dict[str, Any]] = []
        append = nxt.append
        for o in objs:
            v = o.get(key)
            if v is None:
                continue
            t = type(v)
            if t is dict:
                append(v)
            elif t is list:
                for x in v:
                    tx = type(x)
                    if tx is dict:
                        append(x)
                    elif tx is list:
                        _walk(x, nxt)
        objs = nxt
    return objs


def collect_paths(data: Any, path: tuple[str, ...], prefix: tuple = ()) -> list[tuple[dict[str, Any], tuple]]:
    if not path:
        if isinstance(data, dict):
            return [(data, prefix)]
        if isinstance(data, list):
            out = []
            for i, x in enumerate(data):
                out.extend(collect_paths(x, path, (*prefix, i)))
            return out
        return []
    if isinstance(data, list):
        out = []
        for i, x in enumerate(data):
            out.extend(collect_paths(x, path, (*prefix, i)))
        return out
    if isinstance(data, dict) and path[0] in data:
        return collect_paths(data[path[0]], path[1:], (*prefix, path[0]))
    return []


class Execution:
    """One request's run of a plan."""

    def __init__(
        self,
        plan: QueryPlan,
        compiled: dict[int, CompiledGroup],
        client: SubgraphClient,
        urls: dict[str, str],
        services: dict[str, str],
        variables: dict[str, Any],
        headers: dict[str, str] | None,
        abstract_types: frozenset[str] = frozenset(),
    ):
        self.plan = plan
        self.compiled = compiled
        self.client = client
        self.urls = urls
        self.services = services
        self.variables = variables
        self.headers = headers
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []
        self.abstract_types = abstract_types
        self.share_fetches = plan.operation.kind == "query"
        self._inflight: dict[tuple[str, bytes], asyncio.Future[dict[str, Any] | None]] = {}

    async def run(self) -> None:
        for step in self.plan.steps:
            await self._run_step(step)

    async def _run_step(self, step: list[FetchGroup]) -> None:
        if len(step) == 1:
            await self._guarded_fetch(self.compiled[step[0].id])
            return
        futures: dict[int, asyncio.Future[None]] = {g.id: asyncio.get_running_loop().create_future() for g in step}

        async def run(g: FetchGroup) -> None:
            try:
                for d in g.deps:
                    f = futures.get(d)
                    if f is not None:
                        await f
                await self._guarded_fetch(self.compiled[g.id])
            finally:
                futures[g.id].set_result(None)

        await asyncio.gather(*(run(g) for g in step))

    async def _guarded_fetch(self, cg: CompiledGroup) -> None:
        """A fault while handling one fetch costs that fetch's fields, never the whole response."""
        try:
            await self._fetch(cg)
        except Exception:  # noqa: BLE001
            log.exception("fetch from %s failed", self.services[cg.group.graph])
            self.errors.append({
                "message": f"Internal error while fetching from '{self.services[cg.group.graph]}'.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "service": self.services[cg.group.graph]},
            })

    def _vars(self, cg: CompiledGroup) -> dict[str, Any]:
        return {v: self.variables[v] for v in cg.variables if v in self.variables}

    async def _fetch(self, cg: CompiledGroup) -> None:
        g = cg.group
        service = self.services[g.graph]
        if g.kind == "root":
            body = {"query": g.query, "variables": self._vars(cg)}
            payload = await self._post(cg, body, service, ())
            if payload is None:
                return
            d = payload.get("data")
            if isinstance(d, dict):
                if g.renames:
                    _apply_renames([d], g.renames)
                deep_merge(self.data, d)
            for err in payload.get("errors") or ():
                self.errors.append(_subgraph_error(err, service, _root_path(err)))
            return
        objs = collect(self.data, g.path)
        reps: list[dict[str, Any]] = []
        targets: list[list[dict[str, Any]]] = []
        index: dict[Any, int] = {}
        reps_get = cg.reps.get
        for o in objs:
            entry = reps_get(o.get("__typename"))  # type: ignore[arg-type]
            if entry is None:
                continue
            getter = entry.getter
            if getter is not None:
                try:
                    vals = getter(o)
                except KeyError:
                    continue  # the key or a required field never arrived (its fetch failed)
                if None in vals[: len(entry.key_fields)]:
                    continue  # a null key cannot identify an entity: its fields stay null
                k: Any = (entry.rep_typename, vals)
                try:
                    i = index.get(k)
                except TypeError:  # list- or object-valued fields: compare by their JSON
                    k = orjson.dumps([entry.rep_typename, vals])
                    i = index.get(k)
                if i is None:
                    index[k] = len(reps)
                    rep = {"__typename": entry.rep_typename}
                    rep.update(zip(entry.flat, vals, strict=True))  # type: ignore[arg-type]
                    reps.append(rep)
                    targets.append([o])
                else:
                    targets[i].append(o)
                continue
            rep = extract(o, entry.spec)
            if not all(rep.get(k) is not None for k in entry.key_fields):
                continue  # a null key cannot identify an entity: its fields stay null
            rep["__typename"] = entry.rep_typename
            k = orjson.dumps(rep)
            i = index.get(k)
            if i is None:
                index[k] = len(reps)
                reps.append(rep)
                targets.append([o])
            else:
                targets[i].append(o)
        if not reps:
            return
        variables = self._vars(cg)
        variables["representations"] = reps
        payload = await self._post(cg, {"query": g.query, "variables": variables}, service, g.path)
        if payload is None:
            return
        data = payload.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if isinstance(entities, list):
            if g.renames:
                _apply_renames(entities, g.renames)
            abstract = self.abstract_types
            for i, ent in enumerate(entities[: len(targets)]):
                if isinstance(ent, dict):
                    for o in targets[i]:
                        deep_merge(o, ent)
                        # an @interfaceObject subgraph only knows the interface; a later answer names the real type
                        if o.get("__typename") in abstract and ent.get("__typename") not in (None, *abstract):
                            o["__typename"] = ent["__typename"]
        errs = payload.get("errors") or ()
        if errs:
            paths = None
            for err in errs:
                path = err.get("path") if isinstance(err, dict) else None
                mapped: tuple | None = None
                if isinstance(path, list) and len(path) >= 2 and path[0] == "_entities" and isinstance(path[1], int):
                    if paths is None:
                        paths = {id(o): p for o, p in collect_paths(self.data, g.path)}
                    i = path[1]
                    if i < len(targets):
                        base = paths.get(id(targets[i][0]))
                        if base is not None:
                            mapped = (*base, *path[2:])
                self.errors.append(_subgraph_error(err, service, mapped))

    async def _post(self, cg: CompiledGroup, body: dict[str, Any], service: str, path: tuple) -> dict[str, Any] | None:
        url = self.urls[cg.url_name]
        raw = orjson.dumps(body)
        if self.share_fetches:
            # the same request (same subgraph, query and representations) at two places of one query plan is
            # sent once; its answer is merged at both places
            key = (url, raw)
            pending = self._inflight.get(key)
            if pending is not None:
                return await asyncio.shield(pending)
            future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
            self._inflight[key] = future
            try:
                result = await self._send(url, raw, service)
            except BaseException:
                future.set_result(None)
                raise
            future.set_result(result)
            return result
        return await self._send(url, raw, service)

    async def _send(self, url: str, raw: bytes, service: str) -> dict[str, Any] | None:
        try:
            return await self.client.post(url, raw, self.headers)
        except SubgraphTransportError as exc:
            err: dict[str, Any] = {
                "message": f"HTTP fetch failed from '{service}': {exc}",
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "service": service},
            }
            self.errors.append(err)
            return None
        except Exception as exc:  # noqa: BLE001 - a subgraph must never crash the gateway
            self.errors.append({
                "message": f"HTTP fetch failed from '{service}': {type(exc).__name__}",
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "service": service},
            })
            return None


def _apply_renames(roots: list[Any], renames: list[tuple[tuple[str, ...], str, str]]) -> None:
    for rel, alias, key in renames:
        objs: list[dict[str, Any]] = []
        _walk(roots, objs)
        for step in rel:
            nxt: list[dict[str, Any]] = []
            for o in objs:
                v = o.get(step)
                if isinstance(v, dict):
                    nxt.append(v)
                elif isinstance(v, list):
                    _walk(v, nxt)
            objs = nxt
        for o in objs:
            if alias in o:
                o[key] = o.pop(alias)


def _root_path(err: Any) -> tuple | None:
    path = err.get("path") if isinstance(err, dict) else None
    return tuple(path) if isinstance(path, list) else None


def _subgraph_error(err: Any, service: str, path: tuple | None) -> dict[str, Any]:
    if not isinstance(err, dict):
        return {"message": str(err), "extensions": {"service": service}}
    out: dict[str, Any] = {"message": str(err.get("message", "subgraph error"))}
    if path is not None:
        out["path"] = list(path)
    ext = err.get("extensions")
    ext = dict(ext) if isinstance(ext, dict) else {}
    ext.setdefault("service", service)
    out["extensions"] = ext
    return out

