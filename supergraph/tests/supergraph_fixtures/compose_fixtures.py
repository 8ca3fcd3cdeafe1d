"""Regenerate the committed fixture supergraphs with Apollo's own composition (needs node; tests do not).

    .venv/bin/python supergraph/tests/supergraph_fixtures/compose_fixtures.py [scenario ...]

Each scenario module in this folder defines SUBGRAPHS = {name: federation SDL}; its supergraph is written next
to it as <scenario>.graphql. URLs are placeholders: tests point the gateway at their own servers.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
COMPOSE = ROOT / "tools" / "federation" / "compose.mjs"


def scenarios() -> list[str]:
    return sorted(p.stem for p in HERE.glob("sc_*.py"))


def compose(name: str) -> str:
    module = importlib.import_module(f"supergraph_fixtures.{name}")
    services = [{"name": n, "url": f"http://{n}.invalid/graphql", "sdl": sdl} for n, sdl in module.SUBGRAPHS.items()]
    proc = subprocess.run(
        ["node", str(COMPOSE)], input=json.dumps(services), capture_output=True, text=True, check=False
    )
    out = json.loads(proc.stdout or "{}")
    if "supergraphSdl" not in out:
        raise SystemExit(f"{name}: composition failed: {out.get('errors') or proc.stderr}")
    return out["supergraphSdl"]


def main(names: list[str]) -> None:
    sys.path.insert(0, str(HERE.parent))
    for name in names or scenarios():
        (HERE / f"{name}.graphql").write_text(compose(name) + "\n")
        print(f"composed {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
