"""Benchmark 5: demograph in front of remote stores, beside the stores themselves.

For each size (default 100k and 1M triples; 10M is accepted) the synthetic graph of
bench/graphgen.py is put in three places — an embedded demograph store, a remote `oxigraph
serve` (loaded by demograph's own staged build, `RemoteStore.replace`) and a remote Virtuoso
(the same, when `virtuoso-t` is installed) — and the query mix of bench/sparql.py is timed,
one request at a time (result cache and rate limit off), through `demograph serve` and sent
directly to the store (`oxigraph serve-read-only` on the embedded snapshot's database;
the remote stores' own endpoints, Virtuoso with the merge graph as default graph, which is
what demograph sends). The overhead is demograph p50 ÷ direct p50 per query (target ≤ 1.2×).

    .venv/bin/python bench/remote.py [--sizes 100k,1M] [--runs 15] [--out bench/results.json]

Writes ``remote`` into results.json and its own section in RESULTS.md (between markers, other
sections untouched). Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO)]

import pyoxigraph as ox  # noqa: E402
from graphgen import generate_graph, parse_size, size_label  # noqa: E402
from measure import machine_facts  # noqa: E402
from sparql import PREFIXES, query_mix, result_digest, write_store  # noqa: E402

from demograph.store.protocol import GraphSet  # noqa: E402
from demograph.store.remote import MERGE, RemoteConfig, RemoteStore  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.remote_stores import VIRTUOSO, start_oxigraph, start_virtuoso  # noqa: E402

DEMOGRAPH = Path(sys.executable).parent / "demograph"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
START, END = "<!-- remote:start -->", "<!-- remote:end -->"
TARGET_X = 1.2


class Endpoint:
    """POSTs queries over one kept-alive connection; returns the body."""

    def __init__(self, url: str, extra: list[tuple[str, str]] | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port or 80, parts.path
        self.extra = extra or []
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def run(self, query: str) -> bytes:
        body = urllib.parse.urlencode([("query", query), *self.extra])
        self.conn.request("POST", self.path, body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{self.path}: HTTP {response.status}: {data[:300]!r}")
        return data


def serve_demograph(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    environment.update(env, DEMOGRAPH_PORT=str(port), DEMOGRAPH_HOST="127.0.0.1",
                       DEMOGRAPH_WORKERS="2", DEMOGRAPH_RATE_LIMIT="0",
                       DEMOGRAPH_RESULT_CACHE="0", DEMOGRAPH_QUERY_TIMEOUT="120")
    process = subprocess.Popen([str(DEMOGRAPH), "serve"], env=environment,
                               stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    return process, url + "/sparql"
            finally:
                c.close()
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"demograph serve did not start: {log.read_text()[-1000:]}")


def time_mix(pairs: dict[str, tuple[Endpoint, Endpoint]], mix: list[Any], runs: int) -> dict[str, Any]:
    """p50 per query through demograph and directly, alternating, after one warm-up each;
    answers must agree (row count and digest)."""
    out: dict[str, Any] = {}
    for q in mix:
        text = PREFIXES + q.text
        demo, direct = pairs[q.name] if q.name in pairs else pairs["*"]
        a, b = result_digest(demo.run(text)), result_digest(direct.run(text))
        if a != b:
            raise RuntimeError(f"{q.name}: demograph {a} ≠ store {b}")
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(runs):
            for endpoint, into in ((demo, times[0]), (direct, times[1])):
                began = time.perf_counter()
                endpoint.run(text)
                into.append(time.perf_counter() - began)
        d, s = statistics.median(times[0]), statistics.median(times[1])
        out[q.name] = {"kind": q.kind, "rows": a[0], "demograph_p50_ms": d * 1000,
                       "direct_p50_ms": s * 1000, "ratio": d / s}
    ratios = [v["ratio"] for v in out.values()]
    out["_geomean_ratio"] = math.exp(statistics.fmean(math.log(r) for r in ratios))
    return out


def graphset(nq: Path, info: Any) -> GraphSet:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(  # type: ignore[union-attr]
            ox.Triple(quad.subject, quad.predicate, quad.object))
    kinds = {g: info.graph_kinds.get(g, "source") for g in graphs}
    return GraphSet(graphs, kinds, dict(info.sources), "https://w3id.org/demograph/")


def bench_size(size: int, runs: int, work: Path) -> dict[str, Any]:
    nq = work / "graph.nq"
    info = generate_graph(size, 2021, nq)
    mix = query_mix(info)
    result: dict[str, Any] = {"size": size_label(size)}
    processes: list[Any] = []
    try:
        # embedded: demograph's snapshot, and oxigraph serve-read-only on the same database
        current, written = write_store(nq, work / "store", info)
        result["triples"] = written["distinct_triples"]
        demo, demo_url = serve_demograph({"DEMOGRAPH_STORE": str(work / "store")}, work / "d1.log")
        processes.append(demo)
        port = free_port()
        direct = subprocess.Popen([str(OXIGRAPH), "serve-read-only", "--location",
                                   str(current / "db"), "--bind", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(direct)
        time.sleep(2)
        result["embedded"] = time_mix({"*": (Endpoint(demo_url), Endpoint(
            f"http://127.0.0.1:{port}/query"))}, mix, runs)
        data = graphset(nq, info)
        stores = [("oxigraph", start_oxigraph)]
        if VIRTUOSO:
            stores.append(("virtuoso", start_virtuoso))
        for name, start in stores:
            server = start(work / name)
            processes.append(server)
            store = RemoteStore(RemoteConfig(server.url, timeout=600))
            began = time.perf_counter()
            store.replace(data)
            loaded = time.perf_counter() - began
            demo, demo_url = serve_demograph({"DEMOGRAPH_STORE_URL": server.url}, work / f"{name}.log")
            processes.append(demo)
            extra = [("default-graph-uri", MERGE)] if store.dialect() == "union" else []
            timed = time_mix({"*": (Endpoint(demo_url), Endpoint(server.url, extra))}, mix, runs)
            timed["_load_seconds"] = loaded
            result[f"remote-{name}"] = timed
    finally:
        for p in reversed(processes):
            (p.stop() if hasattr(p, "stop") else (p.terminate(), p.wait(timeout=30)))
    return result


def report(results: dict[str, Any]) -> str:
    lines = [START, "## Remote stores (benchmark 5, bench/remote.py)", "",
             "p50 latency of the query mix, one request at a time, result cache off: through "
             "`demograph serve` and sent directly to the store. Ratio = demograph ÷ direct "
             f"(target ≤ {TARGET_X}×).", ""]
    for size in results["sizes"]:
        lines += [f"### {size['size']} ({size.get('triples', '?')} distinct triples)", "",
                  "| query | backend | demograph ms | direct ms | ratio |", "|---|---|---|---|---|"]
        for backend in ("embedded", "remote-oxigraph", "remote-virtuoso"):
            for name, v in size.get(backend, {}).items():
                if not name.startswith("_"):
                    lines.append(f"| {name} | {backend} | {v['demograph_p50_ms']:.1f} | "
                                 f"{v['direct_p50_ms']:.1f} | {v['ratio']:.2f} |")
        lines.append("")
        for backend in ("embedded", "remote-oxigraph", "remote-virtuoso"):
            if backend in size:
                extra = (f", loaded by the staged build in {size[backend]['_load_seconds']:.0f} s"
                         if "_load_seconds" in size[backend] else "")
                lines.append(f"- {backend}: geometric-mean ratio "
                             f"{size[backend]['_geomean_ratio']:.2f}×{extra}")
        lines.append("")
    lines += [f"Machine: {results['machine']}", END]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=BENCH)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine_facts(), "sizes": []}
    for label in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="demograph-remote-bench-") as tmp:
            print(f"size {label} …", file=sys.stderr)
            results["sizes"].append(bench_size(parse_size(label), args.runs, Path(tmp)))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "results.json"
    existing = json.loads(path.read_text()) if path.exists() else {}
    existing["remote"] = results
    path.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    md = args.out / "RESULTS.md"
    text = md.read_text() if md.exists() else ""
    section = report(results)
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    md.write_text(text)
    print(section)


if __name__ == "__main__":
    main()
