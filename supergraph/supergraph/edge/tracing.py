"""OpenTelemetry traces, only when an exporter is configured: a server span per GraphQL request (continuing
the caller's W3C `traceparent`) and a client span per subgraph fetch, whose context is sent to the subgraph
so its spans join the same trace. Without an exporter nothing here runs on the request path."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .settings import EdgeSettings


class Tracing:
    def __init__(self, tracer: trace.Tracer) -> None:
        self.tracer = tracer

    @contextmanager
    def request(self, headers: Mapping[str, str], request_id: str) -> Iterator[Any]:
        with self.tracer.start_as_current_span("graphql.request", context=propagate.extract(headers),
                                               kind=SpanKind.SERVER) as span:
            span.set_attribute("bookshare.request_id", request_id)
            yield span

    @contextmanager
    def fetch(self, subgraph: str, headers: dict[str, str] | None) -> Iterator[dict[str, str]]:
        """A span around one subgraph fetch; yields the headers to send (with the trace context added)."""
        with self.tracer.start_as_current_span(f"fetch {subgraph}", kind=SpanKind.CLIENT) as span:
            span.set_attribute("graphql.subgraph", subgraph)
            out = dict(headers or {})
            propagate.inject(out)
            try:
                yield out
            except Exception as exc:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise


def configure_tracing(settings: EdgeSettings) -> Tracing | None:
    """An OTLP/HTTP exporter when BOOKSHARE_GATEWAY_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT is set."""
    endpoint = settings.otlp_endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if not endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces")))
    return Tracing(provider.get_tracer("supergraph.edge"))
