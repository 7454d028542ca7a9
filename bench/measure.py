"""How the benchmarks measure: child processes with their own peak memory, summary statistics,
and the facts about the machine that every result is reported with."""

from __future__ import annotations

import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PACKAGES = ("demograph", "pyoxigraph", "rdflib", "pyshacl", "click")


@dataclass
class ChildRun:
    """One command run to its end (or stopped at its time limit)."""

    argv: list[str]
    seconds: float
    returncode: int
    max_rss_kb: int  # the child's peak RSS, its own descendants included
    stdout: str
    stderr: str
    timed_out: bool = False


def run_child(argv: list[str], timeout: float, cwd: Path | None = None) -> ChildRun:
    """Run ``argv`` and reap it with ``os.wait4``: the same kernel accounting as
    ``getrusage(RUSAGE_CHILDREN)``, but for this one child only, so the peak RSS of one run is
    not mixed with the runs before it. Output goes to files, never pipes, so a chatty child
    cannot block; past ``timeout`` seconds its whole process group is killed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(argv, seconds, proc.returncode, usage.ru_maxrss,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        killed.is_set())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``q`` % of values at or below.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile(list(range(1, 21)), 95)
    (2.0, 19)
    """
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "min": min(values), "mean": statistics.fmean(values),
            "p50": statistics.median(values), "p95": percentile(values, 95), "max": max(values),
            "total": sum(values)}


def own_max_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load_average() -> str:
    """The 1, 5 and 15 minute load: other work on the machine slows every figure."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def demograph_command() -> list[str]:
    """The `demograph` script of the interpreter running the benchmarks (the project's venv)."""
    beside = Path(sys.executable).parent / "demograph"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("demograph")
    if found:
        return [found]
    raise SystemExit("bench: no `demograph` command next to this Python or on PATH; "
                     "install the project (pip install -e .) first")


def machine_facts() -> dict[str, object]:
    def nproc() -> int:
        try:
            return int(subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout)
        except (OSError, ValueError, subprocess.CalledProcessError):
            return len(os.sched_getaffinity(0))

    def from_proc(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "nproc": nproc(),
            "cpu_model": from_proc("/proc/cpuinfo", "model name"),
            "memory": from_proc("/proc/meminfo", "MemTotal"),
            "kernel": platform.release(), "load_average": load_average(),
            "python": platform.python_version(),
            "python_executable": sys.executable, "packages": versions}
