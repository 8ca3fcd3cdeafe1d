"""In production a client sees a code and a message for each error, never internals; the full error is logged."""

from __future__ import annotations

from typing import Any

import structlog

log = structlog.get_logger("supergraph.edge")

# Codes whose messages are written for clients (by the subgraphs' domain errors or by the gateway itself).
CLIENT_CODES = frozenset({
    "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "RATE_LIMITED", "BAD_REQUEST",
    "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "PERSISTED_QUERY_NOT_FOUND",
})
MASKED_MESSAGE = "Internal server error"


def mask_errors(errors: list[dict[str, Any]], request_id: str, *, mask: bool) -> list[dict[str, Any]]:
    """Errors as the client may see them; every error not written for clients is logged in full."""
    out = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error.get("extensions"), dict) else {}
        code = extensions.get("code") if extensions else None
        if code in CLIENT_CODES:
            if not mask:
                out.append(error)
                continue
            safe: dict[str, Any] = {"message": error.get("message", "")}
        else:
            log.warning("operation error", request_id=request_id, error=error)
            if not mask:
                out.append(error)
                continue
            safe = {"message": MASKED_MESSAGE}
        for key in ("locations", "path"):
            if key in error:
                safe[key] = error[key]
        safe["extensions"] = {"code": code or "INTERNAL_SERVER_ERROR"}
        out.append(safe)
    return out
