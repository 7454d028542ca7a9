"""The reliability load test (bench/load.py) in a short, bounded form: a mix of pages and
SPARQL at concurrency 16 for 8 s, with a real rebuild swapping the store during it. No
timing threshold — correctness only: no 5xx but deliberate 503/429 (with Retry-After), no
failed connection, and every answer exactly what the old or the new snapshot gives."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench_load() -> object:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_load_with_a_rebuild_midway_loses_nothing_and_mixes_nothing(tmp_path: Path) -> None:
    load = _bench_load()
    figures = load.run_load(duration=8, concurrency=16, workdir=tmp_path,  # type: ignore[attr-defined]
                            rebuild_after=1)
    assert figures["rebuild"]["exit_code"] == 0
    assert figures["failure_count"] == 0, figures["failures"]
    assert set(figures["statuses"]) <= {"200", "429", "503"}
    # answers that differ between the snapshots were seen from both, and from nothing else
    assert {"count commitments", "health", "home"} <= set(figures["telling_requests"])
    snapshots = figures["snapshots"]
    assert snapshots["mismatch"] == 0
    assert snapshots["old"] > 0 and snapshots["new"] > 0, snapshots
