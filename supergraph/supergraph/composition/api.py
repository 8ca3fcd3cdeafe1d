"""The composition entry point."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import CompositionError
from .merge import Hint, Merger
from .normalise import normalise
from .printer import print_supergraph


@dataclass(frozen=True)
class SubgraphSource:
    name: str
    url: str
    sdl: str


@dataclass
class CompositionResult:
    supergraph_sdl: str | None
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None


def compose(subgraphs: list[SubgraphSource]) -> CompositionResult:
    """Compose subgraph SDLs (Federation 1 or 2) into a supergraph SDL, or say why they do not compose."""
    if not subgraphs:
        return CompositionResult(None, [CompositionError("NO_SUBGRAPHS", "No subgraphs to compose")])
    # Apollo orders subgraphs by name (join__Graph, join directives, tie-breaks), whatever the input order
    ordered = sorted(subgraphs, key=lambda s: s.name)
    normalised, errors = normalise([(s.name, s.url, s.sdl) for s in ordered])
    if errors:
        return CompositionResult(None, errors)
    merger = Merger(normalised)
    supergraph = merger.merge()
    if supergraph is None or merger.errors:
        return CompositionResult(None, merger.errors, merger.hints)
    return CompositionResult(print_supergraph(supergraph), [], merger.hints)
