"""OpenTelemetry: with an exporter configured, a request is one trace: the gateway's server span, a client span
per subgraph fetch under it, and the trace context sent to each subgraph; a caller's traceparent is continued."""

from __future__ import annotations

import pytest
from edge_kit import Federation, client, federation, post
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from supergraph.edge import EdgeApp, EdgeSettings
from supergraph.edge.tracing import Tracing, configure_tracing


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


async def test_a_request_is_one_trace_across_the_gateway_and_its_subgraphs(fed: Federation) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = EdgeApp(fed.sdl, settings=EdgeSettings(), url_overrides=fed.overrides,
                  tracing=Tracing(provider.get_tracer("test")))
    caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    async with client(app) as http:
        fed.clear()
        response = await post(http, "query Owners { books { title owner { name } } }", headers={
            "traceparent": f"00-{caller_trace}-00f067aa0ba902b7-01", "x-request-id": "trace-1"})
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    server = next(s for s in spans if s.kind == SpanKind.SERVER)
    fetches = [s for s in spans if s.kind == SpanKind.CLIENT]
    assert format(server.context.trace_id, "032x") == caller_trace  # the caller's trace continues
    assert server.attributes["graphql.operation.name"] == "Owners"
    assert server.attributes["bookshare.request_id"] == "trace-1"
    assert sorted(s.name for s in fetches) == ["fetch accounts", "fetch books"]
    assert all(s.parent is not None and s.parent.span_id == server.context.span_id for s in fetches)
    for name in ("books", "accounts"):
        traceparent = fed.recorder.headers[name][-1]["traceparent"]
        assert traceparent.split("-")[1] == caller_trace
        fetch = next(s for s in fetches if s.name == f"fetch {name}")
        assert traceparent.split("-")[2] == format(fetch.context.span_id, "016x")


def test_no_exporter_no_tracing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert configure_tracing(EdgeSettings()) is None
    assert configure_tracing(EdgeSettings(otlp_endpoint="http://127.0.0.1:4318")) is not None
