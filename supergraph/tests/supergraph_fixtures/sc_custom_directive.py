"""An executable directive kept by @composeDirective, declared with a default argument in one subgraph only."""

from __future__ import annotations

from supergraph.testing import FixtureSubgraph


def _sdl(default: str, field: str) -> str:
    return (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.1", import: ["@key", "@composeDirective"])\n'
        '  @link(url: "https://example.com/access/v1.0", import: ["@access"]) @composeDirective(name: "@access")\n'
        f"directive @access(scope: Scope!{default}) on FIELD\n"
        "enum Scope { PUBLIC PRIVATE }\n"
        f"type Query {{ {field}: String }}\n"
    )


SUBGRAPHS = {"a": _sdl("", "a"), "b": _sdl(" = PUBLIC", "b")}


def build() -> list[FixtureSubgraph]:
    return [
        FixtureSubgraph("a", SUBGRAPHS["a"], root={"a": "a"}),
        FixtureSubgraph("b", SUBGRAPHS["b"], root={"b": "b"}),
    ]
