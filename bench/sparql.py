"""Benchmark 4: demograph's SPARQL endpoint beside `oxigraph serve` and rdflib-endpoint.

For each size (10k, 100k, 1M triples by default) this module generates a synthetic graph in
demograph's model (bench/graphgen.py), writes it as a demograph store snapshot, and then, over
that same data and one server at a time on 127.0.0.1:

- measures the query mix in-process: pyoxigraph on the snapshot (``Store.read_only``), both
  as demograph's query worker runs it (``demograph.web.execute.execute``: query + results
  written by demograph's Python JSON writer) and natively (query + pyoxigraph's own JSON
  serialiser). The native answer is the reference every server's answer is checked against;
- serves it with `demograph serve` (rate limit off; result cache off, then on), with
  `oxigraph serve-read-only` on the snapshot's own database directory (querying the same
  default graph as demograph: the merged one the build writes, or the union of the named
  graphs for a snapshot without it), and with `rdflib-endpoint serve` of the same N-Quads
  (up to ``rdflib_max`` triples);
- checks that every server gives every query's answer non-empty and equal to the reference
  (row count and a digest of the sorted rows), then measures each query at concurrency 1 and 8
  with bounded requests (bench/httpload.py: client processes with keep-alive connections);
- records the server's CPU time per request and the memory (RSS, PSS) of each of its
  processes;
- splits demograph's time per request into its layers (HTTP + gunicorn, Flask + the app,
  the pipe to the query worker, the query with its Python serialisation).

Figures are reported in RESULTS.md, never asserted. Targets are evaluated in ``targets()``.
"""

from __future__ import annotations

import cProfile
import hashlib
import json
import math
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from graphgen import ID, GraphInfo, generate_graph, parse_size, size_label
from httpload import Clients
from measure import load_average, machine_facts, percentile, run_child

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
COMPARE_VENV = BENCH / ".venv-compare"
RDFLIB_ENDPOINT = "rdflib-endpoint[cli]==0.6.3"
JSON_RESULTS = "application/sparql-results+json"
ACCEPT = (("Accept", JSON_RESULTS),)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
DEMOGRAPH_SETTINGS = {"DEMOGRAPH_WORKERS": "2", "DEMOGRAPH_QUERY_WORKERS": "2",
                      "DEMOGRAPH_RATE_LIMIT": "0", "DEMOGRAPH_MAX_ROWS": "10000",
                      "DEMOGRAPH_QUERY_TIMEOUT": "30",
                      # like oxigraph serve, which writes no line per request
                      "DEMOGRAPH_ACCESS_LOG": "0"}
TARGET_HEAVY_X = 2.0  # × oxigraph serve's throughput, heavy queries, cache off, 100k and 1M
TARGET_LOOKUP_X = 0.5  # × oxigraph serve's throughput, one-actor lookups, concurrency 8
TARGET_RDFLIB_X = 30.0  # × rdflib-endpoint's throughput on the mix
TARGET_OVERHEAD_S = 0.0005  # demograph p50 − in-process p50, concurrency 1
TARGET_CACHE_X = 10.0  # cache on, repeated heavy queries, × oxigraph serve

PREFIXES = """PREFIX dg: <https://w3id.org/demograph/def/>
PREFIX dgc: <https://w3id.org/demograph/concept/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


# --- the query mix ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    name: str
    kind: str  # "lookup" (one actor) or "heavy" (scans, joins, aggregates, paths)
    what: str
    text: str


def query_mix(info: GraphInfo, merged: bool = True) -> list[Query]:
    """The mix, over the actor and county that the generator puts in every size. ``merged``:
    the store's default graph is the RDF merge of its named graphs (what `demograph build`
    writes now); without it, queries read Oxigraph's union, which repeats a triple once per
    graph, and the events query matches within one graph so as not to multiply the copies
    (see NAIVE_EVENTS)."""
    actor, county = info.lookup_actor, info.county
    mix = [
        Query("actor", "lookup", "describe one actor: all its properties",
              f"SELECT DISTINCT ?p ?o WHERE {{ <{actor}> ?p ?o }} ORDER BY ?p ?o"),
        Query("actor_commitments", "lookup", "one actor's commitments with type and text",
              f"SELECT ?c ?type ?description WHERE {{ ?c dg:committedBy <{actor}> ;\n"
              "  dg:commitmentType ?type ; dcterms:description ?description } ORDER BY ?c"),
        Query("county_themes", "heavy", "commitments of one county's actors with their themes",
              f"SELECT ?actor ?c ?theme WHERE {{\n"
              f"  ?actor dcterms:spatial/schema:containedInPlace? <{county}> .\n"
              "  ?c dg:committedBy ?actor ; dcterms:subject ?theme .\n"
              "} ORDER BY ?actor ?c ?theme"),
        Query("shared_partner", "heavy",
              "pairs of actors sharing a partner (one of them in the county), with how many",
              "SELECT ?a ?b (COUNT(DISTINCT ?partner) AS ?shared) WHERE {\n"
              f"  ?a dcterms:spatial/schema:containedInPlace? <{county}> .\n"
              "  ?c1 dg:committedBy ?a ; dg:partner ?partner .\n"
              "  ?c2 dg:partner ?partner ; dg:committedBy ?b .\n"
              "  FILTER(?a != ?b)\n"
              "} GROUP BY ?a ?b ORDER BY DESC(?shared) ?a ?b"),
        Query("theme_frequency", "heavy", "how many commitments each theme has, with its label",
              "SELECT ?theme ?label (COUNT(DISTINCT ?c) AS ?commitments) WHERE {\n"
              "  ?c a dg:Commitment ; dcterms:subject ?theme .\n"
              "  OPTIONAL { ?theme skos:prefLabel ?label FILTER(lang(?label) = \"sv\") }\n"
              "} GROUP BY ?theme ?label ORDER BY DESC(?commitments) ?theme"),
        Query("text_contains", "heavy", "text search: CONTAINS in dcterms:description",
              "SELECT ?c ?description WHERE { ?c a dg:Commitment ; dcterms:description ?description .\n"
              "  FILTER(CONTAINS(LCASE(?description), \"skolval\")) } ORDER BY ?c"),
        Query("text_regex", "heavy", "text search: REGEX in dcterms:description",
              "SELECT ?c WHERE { ?c dcterms:description ?description .\n"
              "  FILTER(REGEX(?description, \"källkritik|desinformation\", \"i\")) } ORDER BY ?c"),
        Query("labels_optional", "heavy",
              "commitments for young people, with OPTIONAL labels filtered by language",
              "SELECT ?c ?typeLabel ?actorLabel WHERE {\n"
              "  ?c dg:targetGroup <https://w3id.org/demograph/concept/target-group/unga> ;\n"
              "     dg:commitmentType ?type ; dg:committedBy ?actor .\n"
              "  OPTIONAL { ?type skos:prefLabel ?typeLabel FILTER(lang(?typeLabel) = \"en\") }\n"
              "  OPTIONAL { ?actor rdfs:label ?actorLabel FILTER(langMatches(lang(?actorLabel), \"sv\")) }\n"
              "} ORDER BY ?c"),
        Query("broader_path", "heavy", "commitments per theme under 'demokrati' (skos:broader*)",
              "SELECT ?theme (COUNT(DISTINCT ?c) AS ?commitments) WHERE {\n"
              "  ?theme skos:broader* <https://w3id.org/demograph/concept/theme/demokrati> .\n"
              "  ?c dcterms:subject ?theme .\n"
              "} GROUP BY ?theme ORDER BY DESC(?commitments) ?theme"),
        Query("events_range", "heavy",
              "events within autumn 2021 (schema:startDate/endDate)",
              NAIVE_EVENTS[len(PREFIXES):]) if merged else
        Query("events_range", "heavy",
              "events within autumn 2021 (schema:startDate/endDate), per source graph",
              "SELECT DISTINCT ?event ?label ?start ?end WHERE { GRAPH ?g {\n"
              "  ?event a schema:Event ; schema:startDate ?start ; schema:endDate ?end ;\n"
              "         rdfs:label ?label . FILTER(lang(?label) = \"sv\")\n"
              "  FILTER(?start >= \"2021-09-01\"^^xsd:date && ?end <= \"2021-12-31\"^^xsd:date) }\n"
              "} ORDER BY ?start ?event"),
    ]
    return [Query(q.name, q.kind, q.what, PREFIXES + q.text) for q in mix]


# The events query as one would first write it: over the union default graph. Oxigraph's
# union default graph keeps a triple once per graph that holds it, and a build describes a
# shared event again in every text that names it, so this join multiplies those copies.
NAIVE_EVENTS = PREFIXES + """SELECT DISTINCT ?event ?label ?start ?end WHERE {
  ?event a schema:Event ; schema:startDate ?start ; schema:endDate ?end ; rdfs:label ?label .
  FILTER(lang(?label) = "sv")
  FILTER(?start >= "2021-09-01"^^xsd:date && ?end <= "2021-12-31"^^xsd:date)
} ORDER BY ?start ?event"""


# --- answers ---------------------------------------------------------------------------------
def result_digest(body: bytes) -> tuple[int, str]:
    """Row count and a digest of the sorted rows of a SPARQL JSON result, so that answers
    from different servers compare whatever their row order or JSON layout."""
    data = json.loads(body)
    if "boolean" in data:
        return 1, str(data["boolean"])
    names = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"]:
        row = []
        for name in names:
            term = binding.get(name)
            if term is None:
                row.append(None)
                continue
            kind = "literal" if term["type"] in ("literal", "typed-literal") else term["type"]
            datatype = term.get("datatype")
            row.append((kind, term["value"], (term.get("xml:lang") or "").lower(),
                        None if datatype == XSD_STRING else datatype))
        rows.append(repr(row))
    rows.sort()
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {"n": len(values), "min": min(values), "p50": statistics.median(values),
            "p95": percentile(values, 95), "mean": statistics.fmean(values), "max": max(values)}


def repeat(fn: Callable[[], object], most: int, seconds: float, least: int = 3) -> list[float]:
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < most and (len(times) < least or time.perf_counter() - started < seconds):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times


def repeat_alternating(fns: list[Callable[[], object]], most: int, seconds: float,
                       least: int = 3) -> list[list[float]]:
    times: list[list[float]] = [[] for _ in fns]
    started = time.perf_counter()
    while len(times[0]) < most and (len(times[0]) < least
                                    or time.perf_counter() - started < seconds):
        for fn, into in zip(fns, times):
            began = time.perf_counter()
            fn()
            into.append(time.perf_counter() - began)
    return times


# --- the comparison servers' own virtual environment -----------------------------------------
def ensure_compare_venv(path: Path) -> dict[str, Any]:
    """bench/.venv-compare with `oxigraph` (the server, same version as pyoxigraph) and
    rdflib-endpoint; created on first use. Says what could not be installed, and why."""
    out: dict[str, Any] = {"path": str(path)}
    python = path / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(path)], capture_output=True,
                              text=True)
        if made.returncode != 0:
            out["error"] = f"python -m venv failed: {made.stderr.strip()[-500:]}"
            return out
    wanted = {"oxigraph": f"oxigraph=={metadata.version('pyoxigraph')}",
              "rdflib-endpoint": RDFLIB_ENDPOINT}
    for name, spec in wanted.items():
        if _version_in(python, name) is None:
            done = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                                   "--disable-pip-version-check", spec],
                                  capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                lines = [ln for ln in done.stderr.splitlines() if not ln.startswith("WARNING")]
                out[f"{name}_error"] = (f"`pip install {spec}` failed (exit {done.returncode}): "
                                        + " ".join(lines)[-600:])
    for name in ("oxigraph", "rdflib-endpoint", "rdflib", "fastapi", "uvicorn"):
        out[name] = _version_in(python, name)
    return out


def _version_in(python: Path, package: str) -> str | None:
    found = subprocess.run([str(python), "-c", "import sys, importlib.metadata as m; "
                            f"print(m.version({package!r}))"], capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else None


# --- the store -------------------------------------------------------------------------------
BULK_MERGE_ABOVE = 2_000_000  # quads


def write_store(nq: Path, root: Path, info: GraphInfo) -> tuple[Path, dict[str, Any]]:
    """A demograph store (snapshot + manifest, published the way a build publishes) holding
    exactly the generated quads."""
    import pyoxigraph as ox

    import demograph.store.oxigraph as store_module
    from demograph.store.oxigraph import Manifest, SnapshotDir, open_write

    snapshots = SnapshotDir(root)
    started = time.perf_counter()
    with snapshots.lock():
        snapshot = snapshots.new_snapshot()
        db = open_write(snapshot)
        db.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        loaded = time.perf_counter() - started
        quads = len(db)
        manifest = Manifest(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "https://w3id.org/demograph/", dict(info.graph_kinds),
                            dict(info.sources), quads)
        merge = getattr(store_module, "merge_into_default_graph", None)
        if quads > BULK_MERGE_ABOVE:
            # the same merge, through Oxigraph's bulk loader: the build's one INSERT … WHERE
            # update holds every triple in one transaction, too slow and too large at 10M
            db.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                           for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
            manifest.triples = sum(1 for _ in db.quads_for_pattern(None, None, None,
                                                                  ox.DefaultGraph()))
            manifest.default_graph = "merge"
        elif merge is not None:  # as `demograph build` does since it has it
            manifest.triples = merge(db)
            manifest.default_graph = "merge"
        db.flush()
        db.optimize()
        del db
        snapshots.publish(snapshot, manifest)
    seconds = time.perf_counter() - started
    current = snapshots.require_current()
    size = sum(p.stat().st_size for p in (current / "db").rglob("*") if p.is_file())
    return current, {"seconds": seconds, "bulk_load_seconds": loaded, "quads": quads,
                     "bytes": size, "default_graph": getattr(manifest, "default_graph", "union"),
                     "distinct_triples": manifest.triples}


# --- in-process ------------------------------------------------------------------------------
def make_job(query: str, snapshot: Path, union: bool) -> Any:
    """The Job the endpoint would make for this GET request, for the Job of the code installed
    (``union_default`` exists since the build merges the default graph)."""
    from dataclasses import fields

    from demograph.web.execute import Job

    extra = {"union_default": union} if "union_default" in {f.name for f in fields(Job)} else {}
    return Job(query, "select", "json", str(snapshot),
               max_rows=int(DEMOGRAPH_SETTINGS["DEMOGRAPH_MAX_ROWS"]),
               base_iri="http://127.0.0.1/sparql", **extra)


def measure_in_process(snapshot: Path, mix: list[Query], most: int, seconds: float,
                       union: bool) -> dict[str, Any]:
    """Each query on pyoxigraph in this process: as the query worker runs it, and natively."""
    import pyoxigraph as ox

    from demograph.web.execute import execute

    store = ox.Store.read_only(str(snapshot / "db"))
    out: dict[str, Any] = {}
    for q in mix:
        job = make_job(q.text, snapshot, union)

        def native() -> bytes:
            return store.query(q.text, use_default_graph_as_union=union).serialize(
                format=ox.QueryResultsFormat.JSON)

        reference = native()
        ours = execute(store, job)
        rows, digest = result_digest(reference)
        # the two ways alternate, so that a change in the machine's load affects both alike
        times = repeat_alternating([native, lambda: execute(store, job)], most, 2 * seconds)
        out[q.name] = {"rows": rows, "digest": digest, "bytes": len(reference),
                       "demograph_bytes": len(ours.body),
                       "execute_agrees": result_digest(ours.body) == (rows, digest),
                       "native": stats(times[0]), "execute": stats(times[1])}
    return out  # the store closes when the last reference to it goes


def probe_union(snapshot: Path, timeout: float, memory_bytes: int) -> dict[str, Any]:
    """How many copies of one shared event's triple the union of the named graphs holds (and
    the default graph, where the build merged it), and what the events query written over the
    default graph (NAIVE_EVENTS) costs over the union — as demograph still serves a snapshot
    without a merged default graph — run in a child process with a memory cap."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(snapshot / "db"))
    triple = f"<{ID}event/2022/allmanna-val> schema:startDate ?d"
    copies = {name: int(next(iter(store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))
                        ["n"].value)
              for name, where in (("union", f"GRAPH ?g {{ {triple} }}"), ("default", triple))}
    del store
    out: dict[str, Any] = {"election_startdate_copies": copies["union"],
                           "election_startdate_in_default_graph": copies["default"]}
    out["naive_events"] = _naive_events(snapshot, True, timeout, memory_bytes)
    return out


def _naive_events(snapshot: Path, union: bool, timeout: float, memory_bytes: int) -> dict[str, Any]:
    script = ("import resource, sys, time, pyoxigraph as ox\n"
              f"resource.setrlimit(resource.RLIMIT_AS, ({memory_bytes}, {memory_bytes}))\n"
              "db = ox.Store.read_only(sys.argv[1])\n"
              "t = time.perf_counter()\n"
              f"n = sum(1 for _ in db.query(sys.argv[2], use_default_graph_as_union={union}))\n"
              "print(n, time.perf_counter() - t)\n")
    run = run_child([sys.executable, "-c", script, str(snapshot / "db"), NAIVE_EVENTS],
                    timeout=timeout)
    outcome: dict[str, Any] = {"seconds": run.seconds, "max_rss_kb": run.max_rss_kb}
    if run.timed_out:
        outcome["status"] = f"stopped at the {timeout:.0f} s limit"
    elif run.returncode == 0:
        rows, query_seconds = run.stdout.split()
        outcome.update(status="ok", rows=int(rows), seconds=float(query_seconds))
    else:
        outcome.update(status=f"failed (exit {run.returncode}) under the {memory_bytes >> 30} GB "
                              "address-space cap", stderr=run.stderr.strip()[-300:])
    return outcome


# --- servers ---------------------------------------------------------------------------------
@dataclass
class Server:
    name: str  # key in the results
    argv: list[str]
    env: dict[str, str]
    path: str  # the SPARQL endpoint's path
    ready: str  # a path that answers 200 once the server is ready
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    start_seconds: float = 0.0
    restarts: int = 0
    notes: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(server: Server, timeout: float) -> None:
    server.port = free_port()
    argv = [a.replace("{port}", str(server.port)) for a in server.argv]
    env = {k: v.replace("{port}", str(server.port)) for k, v in server.env.items()}
    handle = open(server.log, "ab")
    started = time.perf_counter()
    server.process = subprocess.Popen(argv, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                      start_new_session=True, cwd=REPO)
    handle.close()
    url = f"http://127.0.0.1:{server.port}{server.ready}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited ({server.process.returncode}): "
                               f"{server.log.read_text(errors='replace')[-800:]}")
        try:
            request = urllib.request.Request(url, headers=dict(ACCEPT))
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    server.start_seconds = time.perf_counter() - started
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s: "
                       f"{server.log.read_text(errors='replace')[-800:]}")


def stop(server: Server) -> None:
    """SIGTERM to the server's own process group (it was started in a new session), then
    SIGKILL if it does not go: only processes this benchmark started."""
    proc = server.process
    if proc is None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # gunicorn's workers and their query processes are in the same group: wait until they go
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _group_alive(proc.pid):
        time.sleep(0.1)
    if _group_alive(proc.pid):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.process = None


def _group_alive(pgid: int) -> bool:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    return True
            except (ProcessLookupError, PermissionError):
                continue
    return False


def fetch(server: Server, query: str, timeout: float) -> tuple[int, bytes, dict[str, str]]:
    url = (f"http://127.0.0.1:{server.port}{server.path}?"
           + urllib.parse.urlencode({"query": query}))
    request = urllib.request.Request(url, headers=dict(ACCEPT))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


# --- processes: memory and CPU ---------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                children.setdefault(st[0], []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def tree_cpu(root: int) -> float:
    return sum((st or (0, 0.0))[1] for st in map(_stat, process_tree(root)))


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(root: int) -> list[dict[str, Any]]:
    """Each process of a server with its role, RSS, peak RSS and PSS (shared pages split)."""
    parents = {pid: (_stat(pid) or (0, 0.0))[0] for pid in process_tree(root)}
    rows = []
    for pid, parent in parents.items():
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
                errors="replace")
        except OSError:
            continue
        if pid == root:
            role = "main process"
        elif "demograph.web.worker" in cmd:
            role = "query worker"
        elif "resource_tracker" in cmd:
            role = "multiprocessing resource tracker"
        elif "forkserver" in cmd:
            role = "query worker" if "forkserver" in _cmdline(parent) else "query-worker forkserver"
        elif parent == root and "demograph" in _cmdline(root):
            role = "gunicorn worker"
        else:
            role = "child"
        rows.append({"pid": pid, "role": role, "rss_kb": _status_kb(pid, "VmRSS"),
                     "hwm_kb": _status_kb(pid, "VmHWM"), "pss_kb": _pss_kb(pid)})
    order = ["main process", "gunicorn worker", "query-worker forkserver", "query worker",
             "multiprocessing resource tracker", "child"]
    return sorted(rows, key=lambda r: (order.index(r["role"]), r["pid"]))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


# --- measuring one server --------------------------------------------------------------------
@dataclass(frozen=True)
class Caps:
    """How many requests a cell may send, and for how long."""

    c1_total: int
    c1_seconds: float
    c1_min: int
    c8_total: int
    c8_seconds: float
    timeout: float


FAST = Caps(c1_total=100, c1_seconds=3.0, c1_min=5, c8_total=240, c8_seconds=5.0, timeout=60)
SLOW = Caps(c1_total=10, c1_seconds=3.0, c1_min=2, c8_total=16, c8_seconds=3.0, timeout=180)


def summarise(cell: dict[str, Any], server_cpu: float) -> dict[str, Any]:
    n = cell["requests"]
    out = {k: cell[k] for k in ("concurrency", "requests", "wall", "qps", "hits", "reconnects",
                                "errors")}
    out["statuses"] = {str(k): v for k, v in cell["statuses"].items()}  # as JSON keeps them
    out["server_cores"] = server_cpu / cell["wall"] if cell["wall"] else None
    out["latency"] = stats(cell["latencies"])
    out["bytes_per_response"] = cell["bytes"] / n if n else 0
    out["client_cpu_per_request"] = cell["client_cpu"] / n if n else None
    out["server_cpu_per_request"] = server_cpu / n if n else None
    return out


def measure_server(server: Server, mix: list[Query], reference: dict[str, Any], clients: Clients,
                   caps: Caps, start_timeout: float, log: Callable[[str], None],
                   extra_paths: dict[str, str] | None = None) -> dict[str, Any]:
    start(server, start_timeout)
    result: dict[str, Any] = {"start_seconds": server.start_seconds, "checks": {}, "cells": {}}
    try:
        assert server.process is not None
        for q in mix:  # the answers, checked against the in-process reference
            began = time.perf_counter()
            try:
                status, body, headers = fetch(server, q.text, caps.timeout)
            except OSError as exc:
                result["checks"][q.name] = {"status": None, "error": str(exc), "same": False}
                continue
            check: dict[str, Any] = {"status": status, "seconds": time.perf_counter() - began}
            if status == 200:
                rows, digest = result_digest(body)
                ref = reference[q.name]
                check.update(rows=rows, digest=digest, same=(rows, digest) == (ref["rows"],
                                                                               ref["digest"]))
            else:
                check.update(same=False, error=body[:300].decode("utf-8", "replace"))
            result["checks"][q.name] = check
        # start every web worker's query processes before anything is timed
        warm = mix[0]
        clients.run(8, "127.0.0.1", server.port, _path(server, warm.text), ACCEPT,
                    total=64 if caps is FAST else 8, seconds=1.0, timeout=caps.timeout)
        result["memory_copy_seconds"] = wait_for_memory_copies(server, warm.text, caps.timeout)
        for name, path in (extra_paths or {}).items():
            cpu = tree_cpu(server.process.pid)
            cell = clients.run(1, "127.0.0.1", server.port, path, ACCEPT, total=200, seconds=1.5,
                               min_each=20, timeout=caps.timeout)
            result.setdefault("extra", {})[name] = summarise(cell, tree_cpu(server.process.pid) - cpu)
        for q in mix:
            result["cells"][q.name] = {}
            for level in (1, 8):
                total, seconds, least = ((caps.c1_total, caps.c1_seconds, caps.c1_min)
                                         if level == 1 else (caps.c8_total, caps.c8_seconds, 1))
                cpu = tree_cpu(server.process.pid)
                cell = clients.run(level, "127.0.0.1", server.port, _path(server, q.text), ACCEPT,
                                   total=total, seconds=seconds, min_each=least,
                                   timeout=caps.timeout)
                result["cells"][q.name][str(level)] = summarise(
                    cell, tree_cpu(server.process.pid) - cpu)
                if cell["errors"]:  # a request that timed out may still be running: restart
                    server.notes.append(f"{q.name} at concurrency {level}: {cell['errors'][0]}; "
                                        "server restarted")
                    stop(server)
                    start(server, start_timeout)
                    server.restarts += 1
            c1, c8 = result["cells"][q.name]["1"], result["cells"][q.name]["8"]
            log(f"    {q.name:18} c1 p50 {c1['latency'].get('p50', 0) * 1000:8.2f} ms "
                f"{c1['qps']:8.1f}/s   c8 {c8['qps']:8.1f}/s")
        result["memory"] = memory(server.process.pid)
    finally:
        stop(server)
    result["restarts"] = server.restarts
    result["notes"] = server.notes
    return result


def wait_for_memory_copies(server: Server, query: str, timeout: float,
                           most: float = 300.0) -> float | None:
    """demograph's query workers answer from the database files until their in-memory copy
    of the snapshot is complete (X-Demograph-Engine): wait until 32 answers in a row, from 8
    threads at once so that every worker is asked, come from memory, so the timings measure
    the steady state. None for a server without the header (the others), or when the copies
    do not complete within ``most`` seconds."""
    from concurrent.futures import ThreadPoolExecutor

    began = time.perf_counter()
    status, _, headers = fetch(server, query, timeout)
    if "X-Demograph-Engine" not in headers:
        return None
    streak, n = 0, 0
    with ThreadPoolExecutor(8) as threads:
        while time.perf_counter() - began < most:
            # a comment makes each query new to the result cache, so the workers answer
            batch = [f"{query}\n# warm {n + i}" for i in range(8)]
            n += len(batch)
            for _, _, h in threads.map(lambda q: fetch(server, q, timeout), batch):
                streak = streak + 1 if h.get("X-Demograph-Engine") == "memory" else 0
            if streak >= 32:
                return time.perf_counter() - began
            time.sleep(0.05)
    server.notes.append(f"the workers' memory copies were not complete after {most:g} s")
    return None


def _path(server: Server, query: str) -> str:
    return f"{server.path}?" + urllib.parse.urlencode({"query": query})


# --- where demograph's time goes ---------------------------------------------------------------
def profile_demograph(root: Path, snapshot: Path, query: Query, most: int,
                      profile_requests: int, union: bool) -> dict[str, Any]:
    """The layers of one request, each timed in this process, on the lookup query:
    the query and its Python serialisation (``execute``), the same through a one-process
    QueryPool (adds pickling and the pipe), the whole Flask app through its test client (adds
    routing, the query check, negotiation, headers), and a cProfile of the test-client loop."""
    import pyoxigraph as ox

    from demograph.querycheck import analyse
    from demograph.web import create_app
    from demograph.web.cache import result_key
    from demograph.web.execute import execute
    from demograph.web.pool import QueryPool

    out: dict[str, Any] = {"query": query.name}
    job = make_job(query.text, snapshot, union)
    store = ox.Store.read_only(str(snapshot / "db"))
    out["native"] = stats(repeat(lambda: store.query(
        query.text, use_default_graph_as_union=union).serialize(format=ox.QueryResultsFormat.JSON),
        most, 2.0))
    out["rows"] = {"execute": execute(store, job).rows}
    out["execute"] = stats(repeat(lambda: execute(store, job), most, 2.0))
    t = repeat(lambda: analyse(query.text), 2000, 1.0)
    out["analyse"] = stats(t)
    out["result_key"] = stats(repeat(lambda: result_key(snapshot.name, query.text, "json", (), (),
                                                        10000, "http://127.0.0.1/sparql"),
                                     2000, 1.0))
    from demograph.store.oxigraph import SnapshotDir
    from demograph.web.negotiate import SELECT_OFFER, choose

    snapshots = SnapshotDir(root)
    out["snapshot_lookup"] = stats(repeat(snapshots.require_current, 2000, 1.0))
    out["negotiate"] = stats(repeat(lambda: choose(JSON_RESULTS, SELECT_OFFER), 2000, 1.0))
    pool = QueryPool(1, 30)
    try:
        out["rows"]["pool"] = pool.run(job).rows  # a worker runs the code installed now
        out["pool"] = stats(repeat(lambda: pool.run(job), most, 2.0))
    finally:
        pool.close()
    app = create_app(store=root, rate_limit=0, result_cache=False)
    try:
        client = app.test_client()
        args = {"query_string": {"query": query.text}, "headers": {"Accept": JSON_RESULTS}}
        out["rows"]["flask"] = int(client.get("/sparql", **args).headers.get("X-Demograph-Rows", -1))
        out["flask_test_client"] = stats(repeat(lambda: client.get("/sparql", **args), most, 2.0))
        out["flask_health"] = stats(repeat(lambda: client.get("/health"), most, 1.0))
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(profile_requests):
            client.get("/sparql", **args)
        profiler.disable()
        ps = pstats.Stats(profiler)
        rows = []
        for (file, line, func), (cc, nc, tt, ct, _) in ps.stats.items():  # type: ignore[attr-defined]
            rows.append({"function": f"{_short(file)}:{line}({func})", "calls": nc / profile_requests,
                         "own_us": tt / profile_requests * 1e6,
                         "cumulative_us": ct / profile_requests * 1e6})
        rows.sort(key=lambda r: -r["own_us"])
        out["cprofile_requests"] = profile_requests
        out["cprofile_total_us"] = sum(r["own_us"] for r in rows)
        out["cprofile_top"] = rows[:14]
        out["cprofile_by_package"] = _by_package(ps, profile_requests)
    finally:
        app.extensions["demograph"].close()
    return out


def _short(file: str) -> str:
    for marker in ("site-packages/", "/src/", "lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def _by_package(ps: pstats.Stats, requests: int) -> dict[str, float]:
    """Own time per request (µs) grouped by where the code lives."""
    groups: dict[str, float] = {}
    for (file, _, func), (_, _, tt, _, _) in ps.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in file:
            key = file.split("site-packages/", 1)[1].split("/", 1)[0]
        elif "/src/demograph/" in file:
            key = "demograph"
        elif file == "~":
            # the socket to the query worker: a write wakes the worker, which on 2 CPUs often
            # runs the query before the writer is scheduled again, so it counts as waiting too
            key = "built-ins: " + ("the query worker's socket (write, poll, read: mostly waiting "
                                   "for the worker)"
                                   if any(w in func for w in ("poll", "recv", "select", "read",
                                                              "posix.write"))
                                   else "other")
        else:
            key = "python stdlib"
        groups[key] = groups.get(key, 0.0) + tt / requests * 1e6
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]))


# --- what gunicorn and Flask cost alone --------------------------------------------------------
def measure_floor(clients: Clients, tmp: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """bench/wsgi_floor.py under gunicorn with demograph's settings (gthread, 2 workers × 8
    threads): a bare WSGI callable without and with the access log `demograph serve` writes,
    and a one-route Flask app with it. Each answers with fixed bytes."""
    from demograph.web.server import THREADS_PER_WORKER

    base = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "2",
            "--threads", str(THREADS_PER_WORKER), "--bind", "127.0.0.1:{port}", "--chdir",
            str(BENCH)]
    variants = {"bare WSGI, no access log": base + ["wsgi_floor:bare"],
                "bare WSGI, access log to stdout": base + ["--access-logfile", "-",
                                                           "wsgi_floor:bare"],
                "Flask, one route, access log to stdout": base + ["--access-logfile", "-",
                                                                  "wsgi_floor:flask_app"]}
    out: dict[str, Any] = {}
    for name, argv in variants.items():
        server = Server(name, argv, dict(os.environ), "/", "/", tmp / "floor.log")
        try:
            start(server, 30)
            assert server.process is not None
            clients.run(8, "127.0.0.1", server.port, "/", ACCEPT, total=64, seconds=0.5)
            cells = {}
            for level, total in ((1, 300), (8, 800)):
                cpu = tree_cpu(server.process.pid)
                cell = clients.run(level, "127.0.0.1", server.port, "/", ACCEPT, total=total,
                                   seconds=3.0, min_each=20)
                cells[str(level)] = summarise(cell, tree_cpu(server.process.pid) - cpu)
            out[name] = cells
            log(f"    {name:40} c1 p50 {cells['1']['latency']['p50'] * 1000:.2f} ms   "
                f"c8 {cells['8']['qps']:.0f}/s")
        except (RuntimeError, OSError) as exc:
            out[name] = {"error": str(exc)}
        finally:
            stop(server)
    return out


# --- the whole benchmark -----------------------------------------------------------------------
def code_digest() -> dict[str, str]:
    """Which code was measured (the benchmark does not use git): a digest and the modification
    time of each file on the endpoint's path — src/demograph/web/, the query check and the
    store."""
    src = REPO / "src" / "demograph"
    files = sorted(src.joinpath("web").glob("*.py")) + [src / "querycheck.py",
                                                          src / "store" / "oxigraph.py",
                                                          src / "store" / "__init__.py"]
    out = {}
    for path in files:
        if path.is_file():
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(path.stat().st_mtime))
            out[str(path.relative_to(src))] = (f"{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
                                               f" ({stamp} UTC)")
    return out


def bench_sparql(sizes: list[int], seed: int, rdflib_max: int, venv: Path,
                 log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True),
                 keep: Path | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    facts = machine_facts()
    for name in ("flask", "werkzeug", "gunicorn"):
        try:
            facts["packages"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            facts["packages"][name] = "not installed"
    result: dict[str, Any] = {"machine": facts, "seed": seed, "sizes": [],
                              "rdflib_max": rdflib_max, "settings": DEMOGRAPH_SETTINGS,
                              "caps": {"fast": FAST.__dict__, "slow": SLOW.__dict__},
                              "notes": []}
    result["code"] = code_digest()
    log("sparql: the comparison servers' venv …")
    compare = ensure_compare_venv(venv)
    result["compare"] = compare
    demograph = [str(Path(sys.executable).parent / "demograph")]
    clients = Clients(8)
    try:
        for size in sizes:
            log(f"sparql: {size_label(size)} triples (load average {load_average()}) …")
            result["sizes"].append(bench_size(size, seed, rdflib_max, venv, compare, demograph,
                                              clients, log, keep))
        log("sparql: gunicorn and Flask alone …")
        with tempfile.TemporaryDirectory(prefix="demograph-sparql-bench-") as tmp:
            result["floor"] = measure_floor(clients, Path(tmp), log)
    finally:
        clients.close()
    at_end = code_digest()
    changed = sorted(k for k in set(at_end) | set(result["code"])
                     if at_end.get(k) != result["code"].get(k))
    if changed:
        result["code_changed_during_run"] = {k: at_end.get(k, "removed") for k in changed}
        result["notes"].append("**The code changed while the benchmark ran** (" + ", ".join(
            f"{k} → {at_end.get(k, 'removed')}" for k in changed) + "): servers and workers "
            "started after the change ran the new code, so the sizes may not compare.")
    result["targets"] = targets(result)
    result["machine"]["load_average_at_end"] = load_average()
    result["bench_seconds"] = time.perf_counter() - started
    return result


def bench_size(size: int, seed: int, rdflib_max: int, venv: Path, compare: dict[str, Any],
               demograph: list[str], clients: Clients, log: Callable[[str], None],
               keep: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = {"size": size, "label": size_label(size),
                           "load_average_at_start": load_average(), "servers": {}}
    step = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="demograph-sparql-bench-"))
    try:
        nq = tmp / "data.nq"
        began = time.perf_counter()
        info = generate_graph(size, seed, nq)
        data = {k: v for k, v in info.__dict__.items() if k not in ("graph_kinds", "sources")}
        data["generate_seconds"] = time.perf_counter() - began
        root = tmp / "store"
        snapshot, stored = write_store(nq, root, info)
        data["store"] = stored
        out["data"] = data
        log(f"  {info.triples:,} quads, {info.documents} documents, {info.commitments} "
            f"commitments: generated in {data['generate_seconds']:.1f} s, stored in "
            f"{stored['seconds']:.1f} s")
        union = stored["default_graph"] != "merge"
        mix = query_mix(info, merged=not union)
        out["queries"] = [{"name": q.name, "kind": q.kind, "what": q.what, "text": q.text}
                          for q in mix]
        inproc = measure_in_process(snapshot, mix, FAST.c1_total, FAST.c1_seconds, union)
        out["in_process"] = inproc
        empty = [name for name, r in inproc.items() if r["rows"] == 0]
        if empty:
            out["empty_answers"] = empty

        servers: list[tuple[Server, Caps, dict[str, str] | None]] = []
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
        env.update(DEMOGRAPH_SETTINGS, DEMOGRAPH_STORE=str(root), DEMOGRAPH_HOST="127.0.0.1",
                   DEMOGRAPH_PORT="{port}")
        servers.append((Server("demograph", [*demograph, "serve"],
                               {**env, "DEMOGRAPH_RESULT_CACHE": "0"}, "/sparql", "/health",
                               tmp / "demograph.log"), FAST, {"health": "/health"}))
        oxigraph = venv / "bin" / "oxigraph"
        if compare.get("oxigraph"):
            servers.append((Server("oxigraph", [str(oxigraph), "serve-read-only", "--location",
                                                str(snapshot / "db"), "--bind", "127.0.0.1:{port}"]
                                   # the default graph demograph queries: the merge, or the union
                                   + (["--union-default-graph"] if union else []),
                                   dict(os.environ), "/query", "/query?query=ASK%7B%7D",
                                   tmp / "oxigraph.log"), FAST, None))
        servers.append((Server("demograph_cache", [*demograph, "serve"],
                               {**env, "DEMOGRAPH_RESULT_CACHE": "1"}, "/sparql", "/health",
                               tmp / "demograph-cache.log"), FAST, None))
        if compare.get("rdflib-endpoint") and size <= rdflib_max:
            servers.append((Server("rdflib", [str(venv / "bin" / "rdflib-endpoint"), "serve",
                                              str(nq), "--host", "127.0.0.1", "--port", "{port}"],
                                   dict(os.environ), "/", "/?query=ASK%7B%7D",
                                   tmp / "rdflib.log"), SLOW, None))
        elif compare.get("rdflib-endpoint"):
            out["rdflib_skipped"] = (f"rdflib-endpoint is not run above {size_label(rdflib_max)} "
                                     "triples (--rdflib-max): loading and querying it there "
                                     "takes longer than the run's time budget")
        for server, caps, extra in servers:
            log(f"  {server.name} …")
            try:
                out["servers"][server.name] = measure_server(
                    server, mix, inproc, clients, caps, start_timeout=600 if caps is SLOW else 60,
                    log=log, extra_paths=extra)
            except (RuntimeError, OSError) as exc:
                out["servers"][server.name] = {"error": str(exc)}
                log(f"  {server.name} failed: {exc}")
        log("  where demograph's time goes …")
        lookup = next(q for q in mix if q.name == "actor")
        out["profile"] = profile_demograph(root, snapshot, lookup, FAST.c1_total * 5, 300, union)
        log("  union default graph probe …")
        out["union"] = probe_union(snapshot, timeout=20, memory_bytes=3 << 30)
        if keep is not None:
            target = keep / size_label(size)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(tmp, target, symlinks=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["load_average_at_end"] = load_average()
    out["bench_seconds"] = time.perf_counter() - step
    return out


# --- targets ---------------------------------------------------------------------------------
def _qps(size: dict[str, Any], server: str, query: str, level: int) -> float | None:
    cell = size["servers"].get(server, {}).get("cells", {}).get(query, {}).get(str(level))
    if not cell or not cell["requests"] or set(cell["statuses"]) != {"200"}:
        return None
    return cell["qps"]


def _correct(size: dict[str, Any], server: str, query: str) -> bool:
    return bool(size["servers"].get(server, {}).get("checks", {}).get(query, {}).get("same"))


def ratios(size: dict[str, Any], ours: str, theirs: str, kind: str | None,
           level: int) -> dict[str, float]:
    out = {}
    for q in size.get("queries", []):
        if kind and q["kind"] != kind:
            continue
        a, b = _qps(size, ours, q["name"], level), _qps(size, theirs, q["name"], level)
        if a and b and _correct(size, ours, q["name"]) and _correct(size, theirs, q["name"]):
            out[q["name"]] = a / b
    return out


def mix_qps(size: dict[str, Any], server: str, level: int) -> float | None:
    """Throughput on the mix with every query equally often: n / Σ 1/qps."""
    values = [_qps(size, server, q["name"], level) for q in size.get("queries", [])]
    if not values or any(v is None for v in values):
        return None
    return len(values) / sum(1 / v for v in values)  # type: ignore[operator]


def overheads(size: dict[str, Any]) -> dict[str, float]:
    out = {}
    for q in size.get("queries", []):
        cell = size["servers"].get("demograph", {}).get("cells", {}).get(q["name"], {}).get("1")
        inproc = size["in_process"].get(q["name"])
        if cell and cell["latency"].get("n") and inproc:
            out[q["name"]] = cell["latency"]["p50"] - inproc["execute"]["p50"]
    return out


def geomean(values: list[float]) -> float | None:
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else None


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = result["sizes"]
    big = [s for s in sizes if s["size"] >= 100_000]
    rows = []

    def fmt(r: dict[str, float]) -> str:
        if not r:
            return "not measured"
        worst = min(r, key=r.get)  # type: ignore[arg-type]
        return f"min {r[worst]:.2f}× ({worst}), geomean {geomean(list(r.values())):.2f}×"

    parts, met = [], bool(big)
    for s in big:
        r = ratios(s, "demograph", "oxigraph", "heavy", 8)
        parts.append(f"{s['label']}: {fmt(r)}")
        met = met and bool(r) and min(r.values()) >= TARGET_HEAVY_X
    rows.append({"id": "heavy", "what": "heavy queries, cache off: demograph ÷ oxigraph serve "
                 "throughput at concurrency 8 (100k and 1M)", "figure": "; ".join(parts) or "—",
                 "target": f"≥ {TARGET_HEAVY_X:g}× on each heavy query", "met": met})

    parts, met = [], bool(sizes)
    for s in sizes:
        r = ratios(s, "demograph", "oxigraph", "lookup", 8)
        parts.append(f"{s['label']}: {fmt(r)}")
        met = met and bool(r) and min(r.values()) >= TARGET_LOOKUP_X
    rows.append({"id": "lookup", "what": "one-actor lookups, cache off: demograph ÷ oxigraph "
                 "serve throughput at concurrency 8", "figure": "; ".join(parts) or "—",
                 "target": f"≥ {TARGET_LOOKUP_X:g}×", "met": met})

    parts, met = [], False
    measured = [s for s in sizes if "rdflib" in s["servers"] and "cells" in s["servers"]["rdflib"]]
    met = bool(measured)
    for s in measured:
        per = {}
        for level in (1, 8):
            ours, theirs = mix_qps(s, "demograph", level), mix_qps(s, "rdflib", level)
            per[level] = ours / theirs if ours and theirs else None
        parts.append(f"{s['label']}: " + ", ".join(
            f"c{lv} {v:.1f}×" if v else f"c{lv} —" for lv, v in per.items()))
        met = met and per[8] is not None and per[8] >= TARGET_RDFLIB_X
    rows.append({"id": "rdflib", "what": "the mix (each query equally often), cache off: "
                 "demograph ÷ rdflib-endpoint throughput", "figure": "; ".join(parts) or
                 "rdflib-endpoint not measured", "target": f"≥ {TARGET_RDFLIB_X:g}× at "
                 "concurrency 8", "met": met if measured else None})

    parts, met = [], bool(sizes)
    for s in sizes:
        o = overheads(s)
        if not o:
            continue
        lookups = [o[q["name"]] for q in s["queries"] if q["kind"] == "lookup" and q["name"] in o]
        median = statistics.median(o.values())
        parts.append(f"{s['label']}: lookups " + " / ".join(f"{x * 1000:.2f}" for x in lookups)
                     + f" ms, median of the mix {median * 1000:.2f} ms")
        met = met and max(o.values()) < TARGET_OVERHEAD_S
    rows.append({"id": "overhead", "what": "web-layer overhead at p50, concurrency 1: demograph "
                 "(cache off) − the same query + serialisation in-process", "figure":
                 "; ".join(parts) or "—", "target": f"< {TARGET_OVERHEAD_S * 1000:g} ms for "
                 "each query (the heavy queries' differences at 1M are mostly noise: few "
                 "requests of 0.1–1 s)", "met": met})

    parts, met = [], bool(big)
    for s in big:
        r = ratios(s, "demograph_cache", "oxigraph", "heavy", 8)
        parts.append(f"{s['label']}: {fmt(r)}")
        met = met and bool(r) and min(r.values()) >= TARGET_CACHE_X
    rows.append({"id": "cache", "what": "repeated heavy queries, cache on: demograph ÷ oxigraph "
                 "serve throughput at concurrency 8 (100k and 1M)", "figure": "; ".join(parts)
                 or "—", "target": f"≥ {TARGET_CACHE_X:g}× on each heavy query", "met": met})
    return rows


def main() -> None:
    """Run only this benchmark and print its results as JSON (bench/run.py --only sparql
    writes RESULTS.md; this is for trying it out)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--rdflib-max", type=parse_size, default=parse_size("1M"))
    parser.add_argument("--venv", type=Path, default=COMPARE_VENV)
    args = parser.parse_args()
    sizes = [parse_size(x) for x in args.sizes.split(",")]
    print(json.dumps(bench_sparql(sizes, args.seed, args.rdflib_max, args.venv), indent=1,
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
