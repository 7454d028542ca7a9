"""The reliability load test (bench/load.py) in a short, bounded form: a mix of pages and
SPARQL at concurrency 16 for 8 s, with a real rebuild swapping the store during it. No
timing threshold — correctness only: no 5xx but deliberate 503/429 (with Retry-After), no
failed connection, and every answer exactly what the old or the new snapshot gives."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench_load() -> object:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_load_with_a_rebuild_midway_loses_nothing_and_mixes_nothing(seed_store: Path,
                                                                     tmp_path: Path) -> None:
    load = _bench_load()
    # one WSGI worker and a rebuild of two texts: the swap comes within the run on a small
    # CI machine, where the rebuild competes with the load for the CPU
    figures = load.run_load(duration=8, concurrency=16, workdir=tmp_path,  # type: ignore[attr-defined]
                            workers=1, rebuild_after=1, rebuild_seeds=1,
                            initial=seed_store)
    assert figures["rebuild"]["exit_code"] == 0
    assert figures["failure_count"] == 0, figures["failures"]
    assert set(figures["statuses"]) <= {"200", "429", "503"}
    # answers that differ between the snapshots were seen from both, and from nothing else
    assert {"count commitments", "health", "home"} <= set(figures["telling_requests"])
    snapshots = figures["snapshots"]
    assert snapshots["mismatch"] == 0
    assert snapshots["old"] > 0 and snapshots["new"] > 0, snapshots
