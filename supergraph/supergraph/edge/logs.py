"""Structured logs: JSON lines in production, readable lines in development; the request id rides along."""

from __future__ import annotations

import logging
import sys

import structlog


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


_handler = _StderrHandler()


def configure_logging(*, json: bool, level: str = "info") -> None:
    """Configure structlog; the standard library's loggers (gateway core, bookshare command) go through it."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer] if json else [*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        # Not cached: module-level loggers must follow a later reconfiguration (tests, reloads of settings);
        # nothing logs on the hot path unless the access log is turned on.
        cache_logger_on_first_use=False,
    )
    _handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
    ))
    for name in ("supergraph", "bookshare"):
        logger = logging.getLogger(name)
        if _handler not in logger.handlers:
            logger.addHandler(_handler)
        logger.setLevel(numeric)
        logger.propagate = False
