"""The offline playground: GraphiQL (with the explorer plugin, the headers editor and graphql-ws
subscriptions) whose scripts and styles the gateway serves itself (see static/VERSIONS.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

STATIC = Path(__file__).parent / "static"
ASSET_PREFIX = "/graphql/assets/"
_TYPES = {".js": b"text/javascript; charset=utf-8", ".css": b"text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: bytes
    etag: bytes


def load_assets() -> dict[str, Asset]:
    assets = {}
    for path in STATIC.iterdir():
        content_type = _TYPES.get(path.suffix)
        if content_type is not None:
            body = path.read_bytes()
            etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
            assets[ASSET_PREFIX + path.name] = Asset(body, content_type, etag)
    return assets


PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bookshare playground</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  <link rel="stylesheet" href="{prefix}graphiql.min.css">
  <link rel="stylesheet" href="{prefix}plugin-explorer.css">
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="{prefix}react.production.min.js"></script>
  <script src="{prefix}react-dom.production.min.js"></script>
  <script src="{prefix}graphiql.min.js"></script>
  <script src="{prefix}plugin-explorer.umd.js"></script>
  <script>
    const here = new URL(window.location.href);
    const ws = (here.protocol === "https:" ? "wss://" : "ws://") + here.host + here.pathname;
    const fetcher = GraphiQL.createFetcher({
      url: here.origin + here.pathname,
      subscriptionUrl: ws,
      // The gateway's CSRF guard wants JSON or a preflight header; GraphiQL sends JSON.
      headers: {"apollo-require-preflight": "true"},
    });
    const explorer = GraphiQLPluginExplorer.explorerPlugin();
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {
      fetcher,
      plugins: [explorer],
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultQuery: "# Bookshare: one query across the subgraphs\\n{\\n  __typename\\n}\\n",
    }));
  </script>
</body>
</html>
"""


def page() -> bytes:
    return PAGE.replace("{prefix}", ASSET_PREFIX).encode()
