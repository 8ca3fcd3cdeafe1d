"""The harness: supergraph rewriting, answer comparison, wrk's error counting, and a real gateway end to end."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest


def test_rewrite_points_every_graph_at_our_subgraphs(bench_run, bench_dir: Path):
    text = (bench_dir / "workload" / "supergraph.graphql").read_text()
    rewritten = bench_run.rewrite_supergraph(text, "http://127.0.0.1:5555")
    for name in ("accounts", "inventory", "products", "reviews"):
        assert f'@join__graph(name: "{name}", url: "http://127.0.0.1:5555/{name}")' in rewritten
    assert "0.0.0.0" not in rewritten
    with pytest.raises(ValueError, match="join__graph"):
        bench_run.rewrite_supergraph("type Query { a: Int }", "http://127.0.0.1:1")


def test_first_difference_names_the_path_that_differs(bench_run):
    expected = {"data": {"users": [{"id": "1", "reviews": [{"id": "1"}]}]}}
    assert bench_run.first_difference(json.loads(json.dumps(expected)), expected) is None
    changed = {"data": {"users": [{"id": "1", "reviews": [{"id": "2"}]}]}}
    assert bench_run.first_difference(changed, expected) == "$.data.users[0].reviews[0].id: '2' instead of '1'"
    reordered = {"data": {"users": [{"reviews": [{"id": "1"}], "id": "1"}]}}
    assert "keys" in bench_run.first_difference(reordered, expected)
    assert "1 items instead of 2" in bench_run.first_difference([1], [1, 2])


@pytest.fixture
def subgraphs(bench_run, bench_dir: Path, tmp_path: Path):
    port = bench_run.free_port()
    service = bench_run.Service(
        "subgraphs", [sys.executable, "-m", "bench_subgraphs", "--port", str(port)], bench_dir,
        tmp_path / "subgraphs.log",
    )
    service.start()
    try:
        probe = json.dumps({"query": "{ _service { sdl } }"}).encode()
        not_ready = bench_run.wait_ready(
            service, lambda: bench_run.post_json(f"http://127.0.0.1:{port}/reviews", probe)[0] == 200, 30
        )
        assert not_ready is None, not_ready
        yield port, service
    finally:
        service.stop()
    assert not service.alive()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk)")
def test_post_lua_counts_graphql_errors_and_wrong_sizes(bench_run, subgraphs, tmp_path: Path):
    port, _ = subgraphs
    args = type("Args", (), {"threads": 1, "connections": 2, "timeout": 5})()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"query": "{ topProducts { upc } }"}))
    url = f"http://127.0.0.1:{port}/products"
    _, body = bench_run.post_json(url, good.read_bytes())
    clean = bench_run.summarise(bench_run.run_wrk("wrk", url, args, 1, good, len(body)))
    assert clean["requests"] > 0 and clean["errors"] == 0
    wrong_size = bench_run.summarise(bench_run.run_wrk("wrk", url, args, 1, good, len(body) + 1))
    assert wrong_size["length_mismatches"] == wrong_size["requests"] > 0
    failing = tmp_path / "failing.json"
    failing.write_text(json.dumps({
        "query": "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { shippingEstimate } } }",
        "variables": {"r": [{"__typename": "Product", "upc": "1"}]},
    }))
    saved = tmp_path / "wrong"
    errors = bench_run.summarise(
        bench_run.run_wrk("wrk", f"http://127.0.0.1:{port}/inventory", args, 1, failing, -1, saved)
    )
    assert errors["graphql_errors"] == errors["requests"] > 0
    (first_wrong,) = saved.iterdir()
    assert first_wrong.read_text().startswith("GraphQL errors (HTTP 200)")
    assert "@requires" in first_wrong.read_text()
    refused = bench_run.summarise(bench_run.run_wrk("wrk", f"http://127.0.0.1:{port}/nowhere", args, 1, good, -1))
    assert refused["non_2xx"] == refused["requests"] > 0


@pytest.mark.skipif(
    shutil.which("node") is None or not (Path(__file__).resolve().parents[1] / "node_modules").is_dir(),
    reason="needs node and bench/gateway/node_modules (npm ci --prefix bench/gateway)",
)
def test_apollo_gateway_on_our_subgraphs_returns_the_expected_response(bench_run, bench_dir, subgraphs, tmp_path):
    port, _ = subgraphs
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(bench_run.rewrite_supergraph(
        (bench_dir / "workload" / "supergraph.graphql").read_text(), f"http://127.0.0.1:{port}"
    ))
    gateway_port = bench_run.free_port()
    gateway = bench_run.Service(
        "apollo",
        ["node", "apollo_gateway.mjs", "--supergraph", str(supergraph), "--port", str(gateway_port), "--workers", "1"],
        bench_dir, tmp_path / "apollo.log", {"NODE_ENV": "production"},
    )
    gateway.start()
    try:
        url = f"http://127.0.0.1:{gateway_port}/"
        probe = json.dumps({"query": "{ __typename }"}).encode()
        assert bench_run.wait_ready(gateway, lambda: bench_run.post_json(url, probe)[0] == 200, 60) is None
        query = json.dumps({"query": (bench_dir / "workload" / "query.graphql").read_text()}).encode()
        expected = json.loads((bench_dir / "workload" / "expected-response.json").read_text())
        check = bench_run.check_answer(url, query, expected)
        assert check["equal"], check["difference"]
    finally:
        gateway.stop()
    assert not gateway.alive()


def test_the_table_shows_each_gateways_median_round_and_counts_every_rounds_errors(bench_run):
    def round_result(rps: float, errors: int, correct: bool = True) -> dict:
        measured = {"rps": rps, "errors": errors, "p95_ms": 100.0, "rps_per_core": rps}
        return {"gateway": "apollo", "label": "Apollo Gateway", "measured": measured, "correct": correct}

    rounds = [round_result(30, 0), round_result(10, 2), round_result(20, 0, correct=False)]
    (chosen,) = bench_run.representatives(rounds)
    assert chosen["measured"]["rps"] == 20
    assert chosen["rps_all_rounds"] == [30, 10, 20]
    assert chosen["errors_all_rounds"] == 2
    assert chosen["correct_all_rounds"] is False
    skipped = {"gateway": "ours", "label": "Bookshare (Python)", "skipped": "not installed"}
    assert bench_run.representatives([skipped]) == [skipped]
    assert bench_run.ratios([skipped, chosen]) == {}
