"""Supergraph composition: subgraph SDLs in, a supergraph in Apollo's join-spec format out.

Steps: read and normalise each subgraph (link imports, Federation 1 -> 2 meaning), validate each one,
merge them (join directives, sharing, overrides, type compatibility) and print the supergraph.
"""

from .api import CompositionResult, SubgraphSource, compose
from .errors import CompositionError
from .fetch import FetchError, compose_from_urls, fetch_sdl
from .merge import Hint

__all__ = [
    "CompositionError",
    "CompositionResult",
    "FetchError",
    "Hint",
    "SubgraphSource",
    "compose",
    "compose_from_urls",
    "fetch_sdl",
]
