"""Composition errors, with Apollo's error codes where Apollo has one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompositionError:
    """One reason composition failed, pointing at the subgraph, type and field at fault."""

    code: str
    message: str
    subgraph: str | None = None
    type: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class SubgraphErrors(Exception):
    """Raised while reading one subgraph when it cannot be used at all."""

    def __init__(self, errors: list[CompositionError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
