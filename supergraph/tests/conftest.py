"""Gateway tests: make the fixture package (supergraph_fixtures) and test kit importable.

pytest's importlib mode names these modules `supergraph.tests.*` and may register a placeholder `supergraph`
module for the folder; the real package (supergraph/supergraph) must win, so the placeholder is dropped here.
"""

import importlib
import sys
from pathlib import Path

_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

_placeholder = sys.modules.get("supergraph")
if _placeholder is not None and getattr(_placeholder, "__file__", None) is None:
    del sys.modules["supergraph"]
    importlib.import_module("supergraph")
