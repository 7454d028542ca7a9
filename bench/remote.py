"""Benchmark 5: demograph in front of remote stores, beside the stores themselves.

For each size (default 100k and 1M triples; 10M is accepted) the synthetic graph of
bench/graphgen.py is put in three places — an embedded demograph store, a remote `oxigraph
serve` (loaded by demograph's own staged build, `RemoteStore.replace`) and a remote Virtuoso
(the same, when `virtuoso-t` is installed) — and the query mix of bench/sparql.py is timed,
one request at a time (result cache and rate limit off), through `demograph serve` and sent
directly to the store, the two alternating request by request so that the machine's load
(2 cores, shared) falls on both alike. Direct means: for the embedded store, an in-memory
`oxigraph serve` holding the snapshot's own quads (demograph's query workers answer from
their in-memory copy of a snapshot up to DEMOGRAPH_MEMORY_TRIPLES, and timing starts only
once every answer comes from it — X-Demograph-Engine: memory); for the remote stores, their
own endpoints (Virtuoso with the merge graph as default graph, which is what demograph
sends). The overhead is demograph p50 ÷ direct p50 per query (target ≤ 1.2×); the absolute
difference is reported too, since a ratio of two sub-millisecond times says little.

    .venv/bin/python bench/remote.py [--sizes 100k,1M] [--runs 15] [--out bench/results.json]

Writes ``remote`` into results.json and its own section in RESULTS.md (between markers, other
sections untouched). Figures are reported, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import io
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
from measure import load_average, machine_facts  # noqa: E402
from sparql import Server, query_mix, result_digest, start, stop, wait_for_memory_copies  # noqa: E402
from sparql import write_store  # noqa: E402

from demograph.config import Settings  # noqa: E402
from demograph.store.protocol import GraphSet  # noqa: E402
from demograph.store.remote import MERGE, RemoteConfig, RemoteStore  # noqa: E402
from tests.remote_stores import VIRTUOSO, start_oxigraph, start_virtuoso  # noqa: E402

DEMOGRAPH = Path(sys.executable).parent / "demograph"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
START, END = "<!-- remote:start -->", "<!-- remote:end -->"
TARGET_X = 1.2
# Virtuoso's page cache for bulk-loaded sizes: 2.7 GB (the tests' default is 400 MB)
VIRTUOSO_BULK_BUFFERS = 340_000


class Endpoint:
    """POSTs queries over one kept-alive connection; returns the body."""

    def __init__(self, url: str, extra: list[tuple[str, str]] | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port or 80, parts.path
        self.extra = extra or []
        self.timeout = 600  # a heavy query at 10M triples on disk takes tens of seconds
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

        self.engines: dict[str, int] = {}  # X-Demograph-Engine values seen while timing

    def run(self, query: str) -> bytes:
        body = urllib.parse.urlencode([("query", query), *self.extra])
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json"}
        try:
            self.conn.request("POST", self.path, body, headers)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed the kept-alive connection while it sat idle (gunicorn after
            # 2 s, which a query of the other endpoint can outlast at 10M): send it again
            self.reconnect()
            self.conn.request("POST", self.path, body, headers)
            response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{self.path}: HTTP {response.status}: {data[:300]!r}")
        engine = response.getheader("X-Demograph-Engine")
        if engine:
            self.engines[engine] = self.engines.get(engine, 0) + 1
        return data

    def close(self) -> None:
        self.conn.close()

    def reconnect(self) -> None:
        """A new connection, after a request that failed mid-way."""
        self.conn.close()
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)


def serve_demograph(env: dict[str, str], log: Path, name: str) -> Server:
    """`demograph serve` in its own process group (sparql.start/stop end it and its query
    workers, and nothing else)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    environment.update(env, DEMOGRAPH_PORT="{port}", DEMOGRAPH_HOST="127.0.0.1",
                       DEMOGRAPH_WORKERS="2", DEMOGRAPH_RATE_LIMIT="0",
                       DEMOGRAPH_RESULT_CACHE="0", DEMOGRAPH_QUERY_TIMEOUT="120",
                       DEMOGRAPH_ACCESS_LOG="0",  # the stores answering directly log nothing
                       # the same answers as the stores, which cap nothing below a million
                       DEMOGRAPH_MAX_ROWS="1000000")
    server = Server(name, [str(DEMOGRAPH), "serve"], environment, "/sparql", "/health", log)
    start(server, 120)
    return server


MIN_RUNS = 7  # timed pairs per query however long they take (--min-runs)


def time_mix(demo: Endpoint, direct: Endpoint, mix: list[Any], runs: int,
             seconds: float) -> dict[str, Any]:
    """p50 per query through demograph and directly, alternating, after two warm-ups
    each; answers must agree (row count and digest). Each query gets ``runs`` pairs, or
    fewer (never under MIN_RUNS) when they take more than ``seconds``."""
    out: dict[str, Any] = {"_load_average_at_start": load_average()}
    for q in mix:
        try:
            a, b = result_digest(demo.run(q.text)), result_digest(direct.run(q.text))
            if a != b:
                raise RuntimeError(f"demograph {a} ≠ store {b}")
            demo.run(q.text), direct.run(q.text)
            times: tuple[list[float], list[float]] = ([], [])
            began = time.perf_counter()
            while len(times[0]) < runs and (len(times[0]) < MIN_RUNS or
                                            time.perf_counter() - began < seconds):
                for endpoint, into in ((demo, times[0]), (direct, times[1])):
                    t0 = time.perf_counter()
                    endpoint.run(q.text)
                    into.append(time.perf_counter() - t0)
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            # at 10M a query can pass a store's own time limit: reported, and the mix goes on
            out[q.name] = {"kind": q.kind, "error": str(exc)[:300]}
            print(f"    {q.name:18} failed: {str(exc)[:200]}", file=sys.stderr)
            demo.reconnect(), direct.reconnect()
            continue
        d, s = statistics.median(times[0]), statistics.median(times[1])
        out[q.name] = {"kind": q.kind, "rows": a[0], "runs": len(times[0]),
                       "demograph_p50_ms": d * 1000, "direct_p50_ms": s * 1000,
                       "added_ms": (d - s) * 1000, "ratio": d / s}
        print(f"    {q.name:18} rows {a[0]:6} demograph {d * 1000:9.2f} ms  direct "
              f"{s * 1000:9.2f} ms  ×{d / s:.2f}", file=sys.stderr)
    out["_load_average_at_end"] = load_average()
    timed = [v for k, v in out.items() if not k.startswith("_") and "ratio" in v]
    out["_geomean_ratio"] = math.exp(statistics.fmean(math.log(v["ratio"]) for v in timed))
    out["_median_added_ms"] = statistics.median(v["added_ms"] for v in timed)
    if demo.engines:
        out["_engines"] = dict(demo.engines)
    return out


def graphset(nq: Path, info: Any) -> GraphSet:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(  # type: ignore[union-attr]
            ox.Triple(quad.subject, quad.predicate, quad.object))
    kinds = {g: info.graph_kinds.get(g, "source") for g in graphs}
    return GraphSet(graphs, kinds, dict(info.sources), "https://w3id.org/demograph/")


def memory_oxigraph(snapshot: Path, log: Path) -> Server:
    """An in-memory `oxigraph serve` holding the snapshot's quads (its merged default graph
    included): the engine demograph's workers answer from once their copy is made."""
    server = Server("oxigraph-memory", [str(OXIGRAPH), "serve", "--bind", "127.0.0.1:{port}"],
                    dict(os.environ), "/query", "/query?query=ASK%7B%7D", log)
    start(server, 60)
    dump = ox.Store.read_only(str(snapshot / "db"))
    buffer = io.BytesIO()
    dump.dump(buffer, format=ox.RdfFormat.N_QUADS)
    del dump
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    conn.request("POST", "/store", buffer.getvalue(), {"Content-Type": "application/n-quads"})
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    if response.status >= 300:
        stop(server)
        raise RuntimeError(f"oxigraph serve refused the snapshot's quads: {answer[:300]!r}")
    return server


def embedded(result: dict[str, Any], nq: Path, info: Any, mix: list[Any], runs: int,
             seconds: float, work: Path) -> None:
    """demograph's snapshot, and oxigraph serve over the same data as demograph's workers
    read it: an in-memory one holding its quads, or — above DEMOGRAPH_MEMORY_TRIPLES, where
    the workers read the files — `oxigraph serve-read-only` on the snapshot's database."""
    servers: list[Server] = []
    try:
        current, written = write_store(nq, work / "store", info)
        result["triples"] = written["distinct_triples"]
        result["_store_write_seconds"] = written["seconds"]
        demo = serve_demograph({"DEMOGRAPH_STORE": str(work / "store")}, work / "d1.log",
                               "demograph-embedded")
        servers.append(demo)
        in_memory = written["distinct_triples"] <= Settings.load(env={}).memory_triples
        if in_memory:
            direct = memory_oxigraph(current, work / "oxigraph-memory.log")
        else:
            direct = Server("oxigraph-files", [str(OXIGRAPH), "serve-read-only", "--location",
                                               str(current / "db"), "--bind", "127.0.0.1:{port}"],
                            dict(os.environ), "/query", "/query?query=ASK%7B%7D",
                            work / "oxigraph-files.log")
            start(direct, 120)
        servers.append(direct)
        waited = wait_for_memory_copies(demo, mix[0].text, 120) if in_memory else 0.0
        print(f"  embedded ({'memory copies ready after ' + str(waited) + ' s' if in_memory else 'from the files'})",
              file=sys.stderr)
        result["_embedded_direct"] = "in-memory oxigraph serve" if in_memory else \
            "oxigraph serve-read-only on the snapshot's files"
        a, b = Endpoint(f"http://127.0.0.1:{demo.port}/sparql"), \
            Endpoint(f"http://127.0.0.1:{direct.port}/query")
        result["embedded"] = time_mix(a, b, mix, runs, seconds)
        result["embedded"]["_memory_wait_seconds"] = waited
        a.close(), b.close()
    finally:
        for server in reversed(servers):
            stop(server)


def bulk_files(nq: Path, work: Path, info: Any) -> tuple[Path, Path]:
    """What a store's own bulk loader reads: the generated N-Quads (the named graphs) and the
    merge as N-Triples, taken from the default graph of a demograph snapshot of the same
    quads (written here if the embedded backend has not written one)."""
    root = work / "store"
    current = None
    if root.exists():
        from demograph.store.oxigraph import SnapshotDir

        current = SnapshotDir(root).require_current()
    if current is None:
        current, _ = write_store(nq, root, info)
    merge = work / "merge.nt"
    db = ox.Store.read_only(str(current / "db"))
    with open(merge, "wb") as out:
        db.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    del db
    return nq, merge


def bulk_load(name: str, workdir: Path, files: tuple[Path, Path]) -> Any:
    """The remote store started with the data already in it, loaded by its own bulk loader:
    `oxigraph load` into the database before `oxigraph serve` opens it; Virtuoso's `ld_dir` +
    `rdf_loader_run()` (the files linked into its allowed directory), the merge into
    urn:demograph:merge."""
    named, merge = files
    workdir.mkdir(parents=True, exist_ok=True)
    if name == "oxigraph":
        done = subprocess.run([str(OXIGRAPH), "load", "--location", str(workdir / "db"),
                               "--file", str(named), str(merge)], capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(f"oxigraph load: {done.stderr[-1500:]!r}")
        return start_oxigraph(workdir)
    server = start_virtuoso(workdir, buffers=VIRTUOSO_BULK_BUFFERS)
    try:
        for path in files:
            os.link(path, workdir / path.name)
        server.isql(f"ld_dir('{workdir}', '{named.name}', 'urn:demograph:unused');")
        server.isql(f"ld_dir('{workdir}', '{merge.name}', '{MERGE}');")
        server.isql("rdf_loader_run();")
        server.isql("checkpoint;")
        failed = server.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list "
                             "WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in failed:
            raise RuntimeError(f"Virtuoso's bulk loader failed: {failed[-1500:]}")
    except BaseException:
        server.stop()
        raise
    return server


def bench_size(size: int, runs: int, seconds: float, work: Path, backends: set[str],
               save: Any, bulk: bool = False) -> dict[str, Any]:
    """One size; ``save(result)`` after each backend, so a failure later keeps what was done."""
    nq = work / "graph.nq"
    info = generate_graph(size, 2021, nq)
    mix = query_mix(info)
    result: dict[str, Any] = {"size": size_label(size), "load_average_at_start": load_average()}
    if "embedded" in backends:
        embedded(result, nq, info, mix, runs, seconds, work)
        save(result)
    stores = [("oxigraph", start_oxigraph)] if "oxigraph" in backends else []
    if VIRTUOSO and "virtuoso" in backends:
        stores.append(("virtuoso", start_virtuoso))
    data = graphset(nq, info) if stores else None
    files = bulk_files(nq, work, info) if (stores and bulk) else None
    for name, begin in stores:
        began = time.perf_counter()
        remote = bulk_load(name, work / name, files) if files else begin(work / name)
        demo: Server | None = None
        try:
            store = RemoteStore(RemoteConfig(remote.url, timeout=3600))
            if files:  # loaded already: demograph checks the counts and writes its control graph
                store.adopt(data)  # type: ignore[arg-type]
            else:
                store.replace(data)  # type: ignore[arg-type]
            loaded = time.perf_counter() - began
            how = "bulk loader + adopt" if files else "staged build"
            print(f"  remote {name} (loaded in {loaded:.0f} s, {how})", file=sys.stderr)
            result.setdefault("triples", store.triple_count())
            demo = serve_demograph({"DEMOGRAPH_STORE_URL": remote.url}, work / f"{name}.log",
                                   f"demograph-{name}")
            extra = ([("default-graph-uri", store.merge_graph())] if store.dialect() == "union"
                     else [])
            a, b = Endpoint(f"http://127.0.0.1:{demo.port}/sparql"), Endpoint(remote.url, extra)
            timed = time_mix(a, b, mix, runs, seconds)
            a.close(), b.close()
            store.close()
            timed["_load_seconds"] = loaded
            timed["_load_how"] = how
            result[f"remote-{name}"] = timed
        finally:
            if demo is not None:
                stop(demo)
            remote.stop()
        result["load_average_at_end"] = load_average()
        save(result)
    result["load_average_at_end"] = load_average()
    return result


BACKENDS = ("embedded", "remote-oxigraph", "remote-virtuoso")
ALL_BACKENDS = ("embedded", "oxigraph", "virtuoso")


def report(results: dict[str, Any]) -> str:
    lines = [START, "## Remote stores (benchmark 5, bench/remote.py)", "",
             "p50 latency of the query mix, one request at a time, result cache off: through "
             "`demograph serve` and sent directly to the store, alternating request by request. "
             f"Ratio = demograph ÷ direct (target ≤ {TARGET_X}×); added = demograph − direct. "
             "Direct for the embedded store is an in-memory `oxigraph serve` holding the "
             "snapshot's quads, since demograph's query workers answer from their in-memory "
             "copy (timed only once every answer came from it); above "
             "DEMOGRAPH_MEMORY_TRIPLES (10M), where the workers read the snapshot's files, "
             "`oxigraph serve-read-only` on those files. Sizes above 1M are put into the remote "
             "stores by the stores' own bulk loaders and adopted (`RemoteStore.adopt`); "
             "smaller ones by demograph's staged build.", ""]
    for size in results["sizes"]:
        lines += [f"### {size['size']} ({size.get('triples', '?'):,} distinct triples)", "",
                  "| query | rows | " + " | ".join(
                      f"{b} direct / demograph ms (×)" for b in BACKENDS if b in size) + " |",
                  "|---|---:|" + "---:|" * sum(b in size for b in BACKENDS)]
        present = [b for b in BACKENDS if b in size]
        names = [n for n in size[present[0]] if not n.startswith("_")]
        for name in names:
            cells = []
            for backend in BACKENDS:
                if backend in size:
                    v = size[backend].get(name, {"error": "not run"})
                    cells.append(f"{v['direct_p50_ms']:.1f} / {v['demograph_p50_ms']:.1f} "
                                 f"({v['ratio']:.2f})" if "ratio" in v else
                                 "failed: " + v["error"][:80].replace("|", "/"))
            rows = next((size[b][name]["rows"] for b in present
                         if "rows" in size[b].get(name, {})), "?")
            lines.append(f"| {name} | {rows} | " + " | ".join(cells) + " |")
        lines.append("")
        for backend in BACKENDS:
            if backend in size:
                b = size[backend]
                extra = (f"; loaded by the {b.get('_load_how', 'staged build')} in {b['_load_seconds']:.0f} s"
                         if "_load_seconds" in b else "")
                lines.append(f"- {backend}: geometric-mean ratio {b['_geomean_ratio']:.2f}×, "
                             f"median added {b['_median_added_ms']:.2f} ms{extra}; load average "
                             f"{b.get('_load_average_at_start', '?')} → "
                             f"{b.get('_load_average_at_end', '?')}"
                             + (f"; demograph's engines {b['_engines']}" if "_engines" in b else ""))
        lines.append("")
    if len(results["sizes"]) > 1:
        first, last = results["sizes"][0], results["sizes"][-1]
        lines += [f"Growth, {first['size']} → {last['size']} (p50 at {last['size']} ÷ p50 at "
                  f"{first['size']}, direct / through demograph):", "",
                  "| query | " + " | ".join(b for b in BACKENDS if b in last) + " |",
                  "|---|" + "---:|" * sum(b in last for b in BACKENDS)]
        for name in [n for n in last[[b for b in BACKENDS if b in last][0]] if not n.startswith("_")]:
            cells = []
            for backend in BACKENDS:
                if backend in last and backend in first:
                    a, b = first[backend].get(name, {}), last[backend].get(name, {})
                    cells.append(f"{b['direct_p50_ms'] / a['direct_p50_ms']:.1f}× / "
                                 f"{b['demograph_p50_ms'] / a['demograph_p50_ms']:.1f}×"
                                 if "ratio" in a and "ratio" in b else "—")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    lines += ["", f"Machine: {results['machine']}", END]
    return "\n".join(lines) + "\n"


def main() -> None:
    global MIN_RUNS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--runs", type=int, default=25, help="most timed pairs per query")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="time per query after which no more pairs are taken (at least 7)")
    parser.add_argument("--min-runs", type=int, default=MIN_RUNS,
                        help="timed pairs per query however long they take (3 for 10M, where "
                             "one query can take a minute)")
    parser.add_argument("--note", action="append", default=[], help="a line for RESULTS.md")
    parser.add_argument("--backends", default=",".join(ALL_BACKENDS),
                        help="which of embedded,oxigraph,virtuoso to run (the others' earlier "
                             "figures are kept, as are the sizes not run)")
    parser.add_argument("--bulk-above", type=parse_size, default=parse_size("1M"),
                        help="sizes above this are put into the remote stores with their own "
                             "bulk loaders and adopted (RemoteStore.adopt); smaller ones by "
                             "demograph's staged build")
    parser.add_argument("--out", type=Path, default=BENCH)
    args = parser.parse_args()
    MIN_RUNS = max(1, args.min_runs)
    backends = set(args.backends.split(","))
    path = args.out / "results.json"
    args.out.mkdir(parents=True, exist_ok=True)

    def load() -> dict[str, Any]:
        return json.loads(path.read_text()) if path.exists() else {}

    # a run of some backends keeps the others' figures of an earlier run, per size
    # the sizes not run keep their earlier figures; a size run with some backends keeps the
    # others' figures of an earlier run
    previous = load().get("remote", {})
    every = backends == set(ALL_BACKENDS)
    results: dict[str, Any] = {"machine": machine_facts(), "notes": args.note,
                               "runs": args.runs, "seconds": args.seconds,
                               "sizes": [dict(s) for s in previous.get("sizes", [])]}

    def save(size: dict[str, Any]) -> None:
        for i, old in enumerate(results["sizes"]):
            if old["size"] == size["size"]:
                results["sizes"][i] = size if every else {**old, **size}
                break
        else:
            results["sizes"].append(size)
        results["machine"]["load_average_at_end"] = load_average()
        existing = load()  # read just before writing: other benchmarks write their own keys
        existing["remote"] = results
        path.write_text(json.dumps(existing, indent=1, ensure_ascii=False) + "\n")

    for label in args.sizes.split(","):
        with tempfile.TemporaryDirectory(prefix="demograph-remote-bench-") as tmp:
            print(f"size {label} (load average {load_average()}) …", file=sys.stderr)
            size = parse_size(label)
            save(bench_size(size, args.runs, args.seconds, Path(tmp), backends, save,
                            bulk=size > args.bulk_above))
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
