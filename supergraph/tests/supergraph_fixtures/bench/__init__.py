"""The public gateway benchmark's workload, read from the one copy the repository keeps (bench/gateway)."""

from pathlib import Path

WORKLOAD = Path(__file__).resolve().parents[4] / "bench" / "gateway" / "workload"
