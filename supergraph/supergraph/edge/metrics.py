"""Prometheus metrics of one gateway process, in a registry of its own (several apps may share a process)."""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from ..transport import SubgraphClient, SubgraphTransportError

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
MAX_OPERATION_NAMES = 200  # operation names come from clients: past this many, new ones count as "other"


class EdgeMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("bookshare_gateway_requests", "GraphQL operations by name and outcome",
                                ["operation", "outcome"], registry=self.registry)
        self.fetch_errors = Counter("bookshare_gateway_subgraph_fetch_errors",
                                    "Subgraph fetches that failed (transport) or answered with errors",
                                    ["subgraph", "kind"], registry=self.registry)
        # Latencies and cache lookups are recorded on every request (and every fetch): plain numbers, read only
        # when /metrics is scraped (prometheus_client's own take a lock each time). With several worker
        # processes (PROMETHEUS_MULTIPROC_DIR set), prometheus_client's, summed across the workers.
        self.multiprocess = bool(os.environ.get(MULTIPROCESS_ENV))
        histograms = {"latency": ("bookshare_gateway_request_duration_seconds", "Time to answer an operation",
                                  "operation"),
                      "fetch_latency": ("bookshare_gateway_subgraph_fetch_duration_seconds",
                                        "Time a subgraph took to answer one fetch", "subgraph")}
        for attribute, (name, doc, label) in histograms.items():
            if self.multiprocess:
                family: Any = Histogram(name, doc, [label], buckets=LATENCY_BUCKETS, registry=self.registry)
            else:
                family = LightHistograms(name, doc, label)
                self.registry.register(family)
            setattr(self, attribute, family)
        caches = {"bookshare_gateway_plan_cache": "Query plan cache lookups",
                  "bookshare_gateway_document_checks_cache":
                      "Per-document limit checks served from the cache (hit) or computed (miss)"}
        if self.multiprocess:
            self.plan_cache, self.document_checks = (
                CountedHitsAndMisses(Counter(name, doc, ["result"], registry=self.registry))
                for name, doc in caches.items())
        else:
            self.plan_cache, self.document_checks = HitsAndMisses(), HitsAndMisses()
            self.registry.register(_CacheCollector({
                name: (doc, counts) for (name, doc), counts in zip(
                    caches.items(), (self.plan_cache, self.document_checks), strict=True)}))
        self.reloads = Counter("bookshare_gateway_supergraph_reloads", "Supergraph reloads", ["result"],
                               registry=self.registry)
        self._names: dict[str | None, tuple[str, Any]] = {}
        self._outcomes: dict[tuple[str, str], Any] = {}

    def count_request(self, label: str, outcome: str) -> None:
        child = self._outcomes.get((label, outcome))
        if child is None:
            child = self._outcomes[(label, outcome)] = self.requests.labels(label, outcome)
        child.inc()

    def operation(self, name: str | None) -> tuple[str, Any]:
        """The label for an operation name and its latency child (cached: labels() is not free)."""
        known = self._names.get(name)
        if known is None:
            label = (name or "anonymous")[:100] if len(self._names) < MAX_OPERATION_NAMES else "other"
            known = (label, self.latency.labels(label))
            if len(self._names) < MAX_OPERATION_NAMES:
                self._names[name] = known
        return known

    def render(self) -> bytes:
        if self.multiprocess:  # every worker's samples, from the shared directory
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


class LightHistogram:
    """One histogram's buckets as plain numbers (no lock: the event loop is single-threaded)."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.total = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(LATENCY_BUCKETS, value)] += 1
        self.total += value


class LightHistograms(Collector):
    """A labelled family of LightHistograms, exported as a Prometheus histogram."""

    def __init__(self, name: str, documentation: str, label: str) -> None:
        self.name, self.documentation, self.label = name, documentation, label
        self.children: dict[str, LightHistogram] = {}

    def labels(self, value: str) -> LightHistogram:
        child = self.children.get(value)
        if child is None:
            child = self.children[value] = LightHistogram()
        return child

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, child in list(self.children.items()):
            running, buckets = 0, []
            for bound, count in zip((*LATENCY_BUCKETS, float("inf")), child.counts, strict=True):
                running += count
                buckets.append((floatToGoString(bound), running))
            family.add_metric([value], buckets, child.total)
        yield family


class HitsAndMisses:
    __slots__ = ("hit", "miss")

    def __init__(self) -> None:
        self.hit = 0
        self.miss = 0

    def count(self, hit: bool) -> None:
        if hit:
            self.hit += 1
        else:
            self.miss += 1


class CountedHitsAndMisses:
    def __init__(self, counter: Counter) -> None:
        self._hit, self._miss = counter.labels("hit"), counter.labels("miss")

    def count(self, hit: bool) -> None:
        (self._hit if hit else self._miss).inc()


class _CacheCollector(Collector):
    def __init__(self, caches: dict[str, tuple[str, HitsAndMisses]]) -> None:
        self.caches = caches

    def collect(self) -> Iterator[CounterMetricFamily]:
        for name, (documentation, counts) in self.caches.items():
            family = CounterMetricFamily(name, documentation, labels=["result"])
            family.add_metric(["hit"], counts.hit)
            family.add_metric(["miss"], counts.miss)
            yield family


class MeteredClient:
    """A SubgraphClient that times each fetch and counts failures, per subgraph. The wrapped client is made on
    first use (inside the serving event loop)."""

    def __init__(self, factory: Callable[[], SubgraphClient], metrics: EdgeMetrics, names: dict[str, str],
                 tracing: Any = None) -> None:
        self.factory = factory
        self.tracing = tracing
        self.inner: SubgraphClient | None = None
        self.metrics = metrics
        self.names = names  # url -> subgraph name
        self._timers: dict[str, Any] = {}

    async def post(self, url: str, body: Any, headers: dict[str, str] | None) -> dict[str, Any]:
        if self.inner is None:
            self.inner = self.factory()
        timer = self._timers.get(url)
        if timer is None:
            timer = self._timers[url] = self.metrics.fetch_latency.labels(self.names.get(url, "unknown"))
        started = time.perf_counter()
        try:
            if self.tracing is None:
                payload = await self.inner.post(url, body, headers)
            else:
                with self.tracing.fetch(self.names.get(url, "unknown"), headers) as traced_headers:
                    payload = await self.inner.post(url, body, traced_headers)
        except SubgraphTransportError:
            self.metrics.fetch_errors.labels(self.names.get(url, "unknown"), "transport").inc()
            raise
        finally:
            timer.observe(time.perf_counter() - started)
        if payload.get("errors"):
            self.metrics.fetch_errors.labels(self.names.get(url, "unknown"), "graphql").inc()
        return payload

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()
