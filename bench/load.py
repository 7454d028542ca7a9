"""The reliability load test: a mix of page views and SPARQL queries at fixed concurrency for
a fixed time against `demograph serve`, with a rebuild that swaps the store half-way.

    .venv/bin/python bench/load.py --duration 60 --concurrency 64     # the recorded run
    .venv/bin/python bench/load.py --duration 8 --concurrency 16 --no-record   # what CI runs

Loopback only: it builds its own store in a temporary directory, serves it on 127.0.0.1, and
stops the server at the end. What it checks, for every response:

- the status is 200 (or 303 for a redirect asked for), or a deliberate 503/429 with
  Retry-After — any other 5xx, any connection error, is a failure;
- the body is exactly what the old snapshot or the new one answers to that request, never
  something else (a mix of the two, or a half-written store): expected bodies are taken from
  each snapshot while the server is quiet, before the load and after it.

It prints the figures as JSON, and unless --no-record writes them to bench/results.json
(key "reliability") and to the load section of RELIABILITY.md. The exit code is 0 only when
nothing failed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMOGRAPH = Path(sys.executable).parent / "demograph"
SEEDS = ROOT / "data" / "declarations"
EXTRA = ROOT / "tests" / "cases" / "dev-075-uppsala-sex-aktorer" / "input.txt"  # the rebuild adds it
RESULTS = ROOT / "bench" / "results.json"
REPORT = ROOT / "RELIABILITY.md"
BEGIN, END = "<!-- load:begin -->", "<!-- load:end -->"

DG = "https://w3id.org/demograph/def/"
KIL = "https://w3id.org/demograph/id/org/kommun/1715"


def _sparql(query: str, accept: str = "application/sparql-results+json") -> tuple[str, dict[str, str]]:
    return "/sparql?" + urllib.parse.urlencode({"query": query}), {"Accept": accept}


# (name, kind, path, headers): the requests the clients choose from, equally often
REQUESTS: list[tuple[str, str, str, dict[str, str]]] = [
    ("home", "page", "/", {"Accept": "text/html"}),
    ("actor page", "page", "/doc/org/kommun/1715", {"Accept": "text/html"}),
    ("actor turtle", "page", "/doc/org/kommun/1715", {"Accept": "text/turtle"}),
    ("dataset", "page", "/dataset", {"Accept": "text/html"}),
    ("health", "page", "/health", {"Accept": "application/json"}),
    ("query editor", "page", "/query", {"Accept": "text/html"}),
    ("count commitments", "sparql", *_sparql(f"SELECT (COUNT(?c) AS ?n) {{ ?c a <{DG}Commitment> }}")),
    ("commitments by actor", "sparql", *_sparql(
        f"SELECT ?a (COUNT(?c) AS ?n) {{ ?c <{DG}committedBy> ?a }} GROUP BY ?a ORDER BY ?a", "text/csv")),
    ("kil commitments", "sparql", *_sparql(
        f"SELECT ?c ?t {{ ?c <{DG}committedBy> <{KIL}> ; <{DG}commitmentType> ?t }} ORDER BY ?c")),
    ("describe kil", "sparql", *_sparql(f"CONSTRUCT {{ <{KIL}> ?p ?o }} WHERE {{ <{KIL}> ?p ?o }}",
                                        "application/n-triples")),
]
# and a query no cache has seen: it always reaches a query worker
UNCACHED = f"SELECT (COUNT(*) AS ?n) {{ ?c <{DG}committedBy> ?a ; ?p ?o }} # "


@dataclass
class Record:
    name: str
    kind: str
    started: float
    seconds: float
    status: int  # 0: no answer (connection error)
    digest: str | None  # of the answer's normal form, when it can tell the snapshot
    note: str = ""


@dataclass
class Run:
    until: float  # clients send no new request after this (time.monotonic())
    records: list[Record] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _exchange(conn: http.client.HTTPConnection, path: str,
              headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def _digest(name: str, body: bytes) -> str:
    """What must be equal for two answers to come from the same snapshot, hashed."""
    if name == "health":  # one snapshot's name and size, together
        report = json.loads(body)
        body = json.dumps([report["snapshot"], report["triples"]]).encode()
    return hashlib.sha256(body).hexdigest()


def expected_bodies(host: str, port: int) -> dict[str, str]:
    conn = http.client.HTTPConnection(host, port, timeout=60)
    bodies = {}
    for name, _, path, headers in REQUESTS:
        status, _, body = _exchange(conn, path, headers)
        if status != 200:
            raise SystemExit(f"{name}: {status} while quiet: {body[:300]!r}")
        again = _exchange(conn, path, headers)[2]
        # a request whose answer changes by itself cannot show which snapshot answered
        if _digest(name, again) == _digest(name, body):
            bodies[name] = _digest(name, body)
    conn.close()
    return bodies


def client(host: str, port: int, seed: int, run: Run, compared: set[str]) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    mine: list[Record] = []
    while time.monotonic() < run.until:
        if rng.random() < 0.1:
            name, kind = "uncached query", "sparql"
            path, headers = _sparql(UNCACHED + str(rng.getrandbits(48)))
        else:
            name, kind, path, headers = rng.choice(REQUESTS)
        started = time.monotonic()
        try:
            status, got, body = _exchange(conn, path, headers)
        except (OSError, http.client.HTTPException) as exc:
            mine.append(Record(name, kind, started, time.monotonic() - started, 0, None,
                               f"{type(exc).__name__}: {exc}"))
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
            continue
        seconds = time.monotonic() - started
        digest, note = None, ""
        if status in (429, 503) and "retry-after" not in got:
            note = f"{status} without Retry-After"
        elif status == 200 and name in compared:
            digest = _digest(name, body)
        elif status != 200 and status not in (429, 503):
            note = body[:200].decode("utf-8", "replace")
        mine.append(Record(name, kind, started, seconds, status, digest, note))
        if got.get("connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.close()
    with run.lock:
        run.records.extend(mine)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] * 1000, 1), "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


def _env(store: Path, **settings: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    environment["DEMOGRAPH_STORE"] = str(store)
    environment.update({f"DEMOGRAPH_{k.upper()}": v for k, v in settings.items()})
    return environment


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"demograph serve exited: {log.read_text(errors='replace')[-2000:]}")
        host, port = url.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=2)
        try:
            if _exchange(conn, "/health", {})[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    raise SystemExit("demograph serve did not answer in 60 s")


def run_load(duration: float, concurrency: int, workdir: Path, workers: int = 2,
             rebuild_after: float | None = None, max_extra: float = 120,
             rebuild_seeds: int | None = None, initial: Path | None = None) -> dict[str, Any]:
    """Serve a fresh store, load it, rebuild half-way; the figures, and what failed. The
    rebuild reads the seed texts (the first ``rebuild_seeds`` of them: a smaller, quicker
    rebuild for CI) and one text more, so the two snapshots answer differently. ``initial``:
    a store built from the seeds already, copied instead of building one."""
    store = workdir / "store"
    if initial is not None:
        shutil.copytree(initial, store, symlinks=True)
    else:
        built = subprocess.run([str(DEMOGRAPH), "build", str(SEEDS)], env=_env(store),
                               capture_output=True, timeout=600)
        if built.returncode != 0:
            raise SystemExit(f"the first build failed: {built.stderr.decode(errors='replace')}")
    inputs = workdir / "inputs"
    inputs.mkdir()
    for text in sorted(SEEDS.glob("*.txt"))[:rebuild_seeds]:
        shutil.copy(text, inputs / text.name)
    shutil.copy(EXTRA, inputs / "zz-extra.txt")

    port = _free_port()
    log = workdir / "serve.log"
    with open(log, "wb") as handle:
        server = subprocess.Popen([str(DEMOGRAPH), "serve"], stdout=handle, stderr=subprocess.STDOUT,
                                  env=_env(store, host="127.0.0.1", port=str(port),
                                           workers=str(workers), rate_limit="0"))
        try:
            _wait_healthy(f"127.0.0.1:{port}", server, log)
            old = expected_bodies("127.0.0.1", port)
            started = time.monotonic()
            # until the rebuild is done the load goes on (bounded by max_extra); then see below
            run = Run(until=started + duration + max_extra)
            threads = [threading.Thread(target=client, args=("127.0.0.1", port, i, run, set(old)))
                       for i in range(concurrency)]
            for thread in threads:
                thread.start()
            time.sleep(rebuild_after if rebuild_after is not None else duration / 2)
            build_started = time.monotonic() - started
            rebuild = subprocess.run([str(DEMOGRAPH), "build", str(inputs)], env=_env(store),
                                     capture_output=True, timeout=600)
            build_done = time.monotonic() - started
            # the load goes on for the planned time, and a few seconds after the swap at least
            run.until = max(started + duration, time.monotonic() + 3)
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            new = expected_bodies("127.0.0.1", port)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return _figures(run, old, new, duration, elapsed, concurrency, workers, build_started,
                    build_done, rebuild)


def _figures(run: Run, old: dict[str, str], new: dict[str, str], duration: float,
             elapsed: float, concurrency: int, workers: int, build_started: float,
             build_done: float, rebuild: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    records = run.records
    statuses = Counter(r.status for r in records)
    snapshots: Counter[str] = Counter()
    failures = []
    if rebuild.returncode != 0:
        failures.append(f"the rebuild failed: {rebuild.stderr.decode(errors='replace')[-500:]}")
    for r in records:
        if r.digest is not None and r.name in new:
            which = "old" if r.digest == old[r.name] else "new" if r.digest == new[r.name] else "mismatch"
            snapshots[which] += 1
            if which == "mismatch":
                failures.append(f"{r.name}: an answer from neither snapshot")
        if r.status == 0:
            failures.append(f"{r.name}: no answer: {r.note}")
        elif r.status >= 500 and r.status != 503:
            failures.append(f"{r.name}: {r.status}: {r.note}")
        elif r.status not in (200, 429, 503):
            failures.append(f"{r.name}: unexpected {r.status}: {r.note}")
        elif r.note:
            failures.append(f"{r.name}: {r.note}")
    return {
        "duration_s": round(elapsed, 1), "planned_s": duration, "concurrency": concurrency,
        "wsgi_workers": workers, "requests": len(records),
        "requests_per_s": round(len(records) / elapsed, 1) if elapsed else 0.0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latency": percentiles([r.seconds for r in records if r.status]),
        "latency_pages": percentiles([r.seconds for r in records if r.status and r.kind == "page"]),
        "latency_sparql": percentiles([r.seconds for r in records if r.status and r.kind == "sparql"]),
        "rebuild": {"started_s": round(build_started, 1), "published_s": round(build_done, 1),
                    "exit_code": rebuild.returncode},
        "snapshots": {k: snapshots.get(k, 0) for k in ("old", "new", "mismatch")},
        # requests whose answer differs between the snapshots: these show which one answered
        "telling_requests": sorted(n for n in set(old) & set(new) if old[n] != new[n]),
        "failures": failures[:50], "failure_count": len(failures),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--concurrency", type=int, default=64, help="clients at once (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="WSGI worker processes (default 2)")
    parser.add_argument("--rebuild-after", type=float, default=None,
                        help="seconds into the load the rebuild starts (default: half-way)")
    parser.add_argument("--no-record", action="store_true",
                        help="print the figures only; do not write results.json or RELIABILITY.md")
    parser.add_argument("--json-out", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="demograph-load-") as tmp:
        figures = run_load(args.duration, args.concurrency, Path(tmp), args.workers,
                           args.rebuild_after)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n", "utf-8")
    if not args.no_record:
        record(figures)
    return 0 if figures["failure_count"] == 0 else 1


def record(figures: dict[str, Any]) -> None:
    results = json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {}
    results["reliability"] = {"load": figures, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")  # as the other benches
    if REPORT.exists() and BEGIN in (text := REPORT.read_text("utf-8")):
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        REPORT.write_text(head + BEGIN + "\n" + load_section(figures) + END + tail, "utf-8")


def load_section(f: dict[str, Any]) -> str:
    lat, pages, sparql = f["latency"], f["latency_pages"], f["latency_sparql"]
    rows = "\n".join(f"| {name} | {d.get('p50_ms')} | {d.get('p90_ms')} | {d.get('p99_ms')} | {d.get('max_ms')} |"
                     for name, d in (("all", lat), ("pages", pages), ("SPARQL", sparql)))
    return (f"{f['concurrency']} clients for {f['duration_s']} s ({f['wsgi_workers']} WSGI workers): "
            f"**{f['requests']} requests**, {f['requests_per_s']} per second; statuses "
            f"{', '.join(f'{k}: {v}' for k, v in f['statuses'].items())}. The rebuild started at "
            f"{f['rebuild']['started_s']} s and was published at {f['rebuild']['published_s']} s; "
            f"answers compared with each snapshot: {f['snapshots']['old']} from the old, "
            f"{f['snapshots']['new']} from the new, **{f['snapshots']['mismatch']} from neither**. "
            f"Failures (a 5xx other than 503, a refused connection, a 503/429 without Retry-After): "
            f"**{f['failure_count']}**.\n\n"
            "| requests | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|\n" + rows + "\n")


if __name__ == "__main__":
    sys.exit(main())
