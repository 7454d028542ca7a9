"""How fast the resource pages are: the actor page (HTML) of Kils kommun, and of the actor
with the most commitments, over a synthetic graph (bench/graphgen.py) served by the real
`demograph serve`, plus a commitment, a concept and the same actor as Turtle.

    .venv/bin/python bench/pages.py                    # 1M triples (~4 min with the build)
    .venv/bin/python bench/pages.py --triples 100k --runs 100

Each page is fetched ``--runs`` times over one keep-alive HTTP connection after a warm-up;
the figures are wall times at the client. The server runs twice: with the rendered-page cache
off (``DEMOGRAPH_RESULT_CACHE=0``: every fetch renders the page again, the cold path) and on
(every fetch after the first is a cache hit, the warm path). They are written to bench/results.json under
"pages" and to their own section of bench/RESULTS.md (between markers, leaving the rest).
**Target: actor page, HTML, p50 under 20 ms** at 1M triples.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from graphgen import generate_graph  # noqa: E402
from measure import load_average, machine_facts, percentile  # noqa: E402
from sparql import write_store  # noqa: E402

TARGET_P50_S = 0.020
BEGIN, END = "<!-- pages:begin -->", "<!-- pages:end -->"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
BUSIEST = """PREFIX dg: <https://w3id.org/demograph/def/>
SELECT ?actor (COUNT(?c) AS ?n) WHERE { ?c dg:committedBy ?actor } GROUP BY ?actor
ORDER BY DESC(?n) LIMIT 1"""
ONE_COMMITMENT = """PREFIX dg: <https://w3id.org/demograph/def/>
SELECT ?c WHERE { ?c dg:committedBy <https://w3id.org/demograph/id/org/kommun/1715> } LIMIT 1"""


def serve(store: Path, log: Path, cache: bool) -> tuple[subprocess.Popen[bytes], int]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    env.update({"DEMOGRAPH_STORE": str(store), "DEMOGRAPH_PORT": str(port),
                "DEMOGRAPH_WORKERS": "1", "DEMOGRAPH_RATE_LIMIT": "0",
                "DEMOGRAPH_RESULT_CACHE": "1" if cache else "0"})
    process = subprocess.Popen([str(Path(sys.executable).parent / "demograph"), "serve"], env=env,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(log.read_text(errors="replace"))


def query(store: Path, text: str) -> list[dict[str, str]]:
    """Rows of ``text`` (values as strings), read from the store's current snapshot directly.
    Not through the server's /sparql: that would start a query worker, which copies a store of
    this size into memory and so keeps one of the machine's cores busy for a minute, while
    the pages are being timed."""
    import pyoxigraph as ox

    current = store / "current"
    manifest = json.loads((current / "manifest.json").read_text("utf-8"))
    db = ox.Store.read_only(str(current / "db"))
    solutions = db.query(text, use_default_graph_as_union=manifest.get("default_graph") != "merge")
    names = [v.value for v in solutions.variables]
    rows = [{n: solution[n].value for n in names if solution[n] is not None} for solution in solutions]
    del db
    return rows


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its descendants (the gunicorn worker that
    renders the pages is a child of ``demograph serve``), from /proc. Unlike wall time it
    hardly depends on what else the machine runs."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


def time_page(port: int, path: str, accept: str, runs: int, cache: bool,
              server: int | None = None) -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times: list[float] = []
    size = 0
    cpu_start = 0.0
    for i in range(runs + 5):  # five warm-up fetches, not counted
        if i == 5 and server is not None:
            cpu_start = cpu_seconds(server)
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        if i >= 5 and response.getheader("X-Demograph-Cache") != ("hit" if cache else None):
            raise RuntimeError(f"{path}: X-Demograph-Cache {response.getheader('X-Demograph-Cache')}"
                               f" with the cache {'on' if cache else 'off'}")
        size = len(body)
        if i >= 5:
            times.append(elapsed)
    connection.close()
    cpu = (cpu_seconds(server) - cpu_start) / runs if server is not None else None
    times.sort()
    return {"path": path, "accept": accept, "runs": runs, "bytes": size,
            "p50": percentile(times, 50), "p95": percentile(times, 95), "min": times[0],
            "server_cpu_per_fetch": cpu}


def local(iri: str) -> str:
    return iri.replace("https://w3id.org/demograph/id/", "/doc/")


def bench_pages(triples: int, seed: int, runs: int, store: Path | None = None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="demograph-pages-bench-"))
    try:
        started = time.perf_counter()
        if store is None:
            info = generate_graph(triples, seed, work / "graph.nq")
            _, stored = write_store(work / "graph.nq", work / "store", info)
            store = work / "store"
        else:  # a store written by an earlier run of graphgen + write_store (its manifest says)
            manifest = json.loads((store / "current" / "manifest.json").read_text("utf-8"))
            stored = {"distinct_triples": manifest["triples"], "quads": None}
        prepared = time.perf_counter() - started
        load_before = load_average()
        busiest = query(store, BUSIEST)[0]
        commitment = query(store, ONE_COMMITMENT)[0]["c"]
        process, port = serve(store, work / "serve.log", cache=False)
        try:
            pages = [
                ("actor page, Kils kommun (HTML)", "/doc/org/kommun/1715", "text/html"),
                (f"actor page, busiest actor ({busiest['n']} commitments, HTML)",
                 local(busiest["actor"]), "text/html"),
                ("commitment page (HTML)", local(commitment), "text/html"),
                ("concept page, theme demokrati (HTML)", "/doc/concept/theme/demokrati", "text/html"),
                ("actor, Kils kommun (Turtle)", "/doc/org/kommun/1715", "text/turtle"),
            ]
            timings = [dict(time_page(port, path, accept, runs, cache=False, server=process.pid),
                            what=what)
                       for what, path, accept in pages]
        finally:
            process.terminate()
            process.wait(timeout=15)
        process, port = serve(store, work / "serve-cached.log", cache=True)
        try:
            for timing, (_, path, accept) in zip(timings, pages):
                warm = time_page(port, path, accept, runs, cache=True, server=process.pid)
                timing["warm"] = {k: warm[k] for k in ("p50", "p95", "min", "bytes",
                                                       "server_cpu_per_fetch")}
        finally:
            process.terminate()
            process.wait(timeout=15)
        return {"triples": stored["distinct_triples"], "quads": stored["quads"], "seed": seed,
                "prepare_seconds": prepared, "pages": timings,
                "target_p50": TARGET_P50_S, "load_before": load_before,
                "machine": machine_facts()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render(r: dict[str, Any]) -> str:
    lines = [BEGIN, "## Resource pages (`bench/pages.py`)", "",
             f"`demograph serve` (one worker) over a synthetic graph of {r['triples']:,} triples "
             f"(seed {r['seed']}); each page fetched {r['pages'][0]['runs']} "
             "times over one keep-alive connection after 5 warm-up fetches; wall time at the client. "
             "*Cold*: the rendered-page cache off (`DEMOGRAPH_RESULT_CACHE=0`), every fetch renders "
             "the page (queries, template, JSON-LD); *warm*: the cache on, every counted fetch a hit. "
             "*Server CPU* is the serving processes' CPU time (user + system, from /proc) over the "
             "counted fetches, per fetch: what a page costs, whatever else the machine is doing.",
             "", "| page | cold p50 | cold p95 | cold min | cold server CPU | warm p50 | warm p95 | bytes |",
             "|---|---|---|---|---|---|---|---|"]
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    for p in r["pages"]:
        warm = p.get("warm", {})
        cpu = p.get("server_cpu_per_fetch")
        lines.append(f"| {p['what']} | {ms(p['p50'])} | {ms(p['p95'])} | {ms(p['min'])} | "
                     f"{ms(cpu) if cpu is not None else '–'} | "
                     f"{ms(warm['p50']) if warm else '–'} | {ms(warm['p95']) if warm else '–'} | "
                     f"{p['bytes']:,} |")
    actor = r["pages"][0]["p50"]
    verdict = "met" if actor < r["target_p50"] else "missed"
    load = r["machine"].get("load_average") if isinstance(r.get("machine"), dict) else None
    if load:
        before = f"{r['load_before']} before, " if r.get("load_before") else ""
        lines += ["", f"Load average (1 / 5 / 15 min) when measured: {before}{load} after."]
    warm = r["pages"][0].get("warm")
    lines += ["", f"Target: the actor page in HTML at p50 under {r['target_p50'] * 1000:.0f} ms "
                  f"at 1M triples — cold: **{verdict}** ({actor * 1000:.1f} ms at {r['triples']:,} triples)"
                  + (f"; warm: {warm['p50'] * 1000:.1f} ms." if warm else ".")]
    lines += [*r.get("notes", []), END, ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", choices=list(SIZES), default="1M")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=BENCH)
    parser.add_argument("--note", action="append", default=[],
                        help="a paragraph for the report (e.g. where the time goes); repeatable")
    parser.add_argument("--store", type=Path, default=None,
                        help="serve this store (made by graphgen at --triples/--seed) instead of "
                             "generating one")
    args = parser.parse_args()
    result = bench_pages(SIZES[args.triples], args.seed, args.runs, args.store)
    result["notes"] = ["", *args.note] if args.note else []
    args.out.mkdir(parents=True, exist_ok=True)
    results_path = args.out / "results.json"
    results = json.loads(results_path.read_text("utf-8")) if results_path.exists() else {}
    results["pages"] = result
    results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report = args.out / "RESULTS.md"
    text = report.read_text("utf-8") if report.exists() else ""
    section = render(result)
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END) + "\n?", lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    report.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
