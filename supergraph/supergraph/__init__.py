"""Bookshare's federation gateway.

Serving path, in the order a request meets it:
- loading.py: a supergraph SDL (Apollo's @link + join v0.2-v0.5) into model.py's Supergraph; refuses
  features linked for SECURITY/EXECUTION that the gateway does not implement.
- api_schema.py: the schema clients see (no join/link machinery, no @inaccessible elements).
- operation.py: a validated operation normalised for planning (@skip/@include decided by variables).
- planner.py + plan.py: fetch groups (root and `_entities` fetches) and their dependencies; EXPLAIN text.
- executor.py + transport.py: the fetches over pooled keep-alive HTTP (aiohttp), JSON merged in place.
- response.py: the client's response shaped from the merged JSON, nulls propagated.
- gateway.py: caches (documents, plans) and the request entry point; server.py: the ASGI app and `run`.
- explain.py: `explain_plan` for tools; testing.py: fixture subgraphs for tests.
"""
