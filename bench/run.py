"""Run the knowledge-graph benchmarks; write bench/RESULTS.md and bench/results.json.

    .venv/bin/python bench/run.py             # all of them, as `make bench` does (~20 min)
    .venv/bin/python bench/run.py --only ingest    # 1–3 only (~5 min); keeps 4's figures
    .venv/bin/python bench/run.py --only sparql    # 4 only (~15 min); keeps 1–3's figures
    .venv/bin/python bench/run.py --out /tmp/b --count 50 --runs 1 --query-runs 3 \
        --sizes 10k --rdflib-max 10k               # a quick try

1. build: `demograph build` of data/declarations and ../shared/corpus/dev, median of 3 runs;
2. ingest: 1,000 synthetic declarations (bench/generate.py) read in-process, then built;
3. query: `demograph query` of one actor's commitments, start-up included, median of 20;
4. sparql: demograph's SPARQL endpoint beside `oxigraph serve` and rdflib-endpoint over
   synthetic graphs of 10k, 100k and 1M triples (bench/sparql.py, bench/graphgen.py).

Timings are measured and reported, never asserted: the exit code is 0 unless the benchmarks
themselves could not run. See bench/README.md for how to read the results.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from generate import Document, generate
from measure import (ChildRun, demograph_command, load_average, machine_facts, own_max_rss_kb,
                     run_child, summary)
from graphgen import parse_size
from report import render
from sparql import COMPARE_VENV, bench_sparql

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEV_CORPUS = Path("..") / "shared" / "corpus" / "dev"  # relative to the repository, as documented
DECLARATIONS = Path("data") / "declarations"
ACTOR = "https://w3id.org/demograph/id/org/kommun/1715"  # Kils kommun
QUERY = ("PREFIX dg: <https://w3id.org/demograph/def/> SELECT ?c ?t WHERE { ?c dg:committedBy "
         f"<{ACTOR}> ; dg:commitmentType ?t }}")
TARGET_BUILD_S = 10.0
TARGET_QUERY_S = 0.3
_FILE_LINE = re.compile(r"^\s+(ok|FAILED)\s+(\S+?):\s?(.*)$")
_PUBLISHED = re.compile(r"Published (\d+) triples from (\d+) file\(s\) to .* in ([\d.]+) s\.")


def parse_build(stdout: str) -> dict[str, Any]:
    """Files read, failed (with reasons) and triples published, from `demograph build`'s report.
    A file is listed again for each commitment renumbered; it counts once."""
    status: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for line in stdout.splitlines():
        match = _FILE_LINE.match(line)
        if not match:
            continue
        state, name, message = match.groups()
        if state == "FAILED":
            status[name], reasons[name] = "FAILED", message
        else:
            status.setdefault(name, "ok")
    published = _PUBLISHED.search(stdout)
    return {"files": len(status), "failed": sorted(n for n, s in status.items() if s == "FAILED"),
            "failure_reasons": reasons,
            "triples": int(published.group(1)) if published else 0,
            "reported_files": int(published.group(2)) if published else 0,
            "reported_seconds": float(published.group(3)) if published else None}


def child_record(run: ChildRun) -> dict[str, Any]:
    return {"seconds": run.seconds, "returncode": run.returncode, "max_rss_kb": run.max_rss_kb,
            "timed_out": run.timed_out, **parse_build(run.stdout)}


# --- 1. build of the real texts ---------------------------------------------------------------
def bench_build(runs: int, demograph: list[str]) -> dict[str, Any]:
    paths = [str(DECLARATIONS), str(DEV_CORPUS)]
    result: dict[str, Any] = {"command": f"demograph build --store TMP {' '.join(paths)}",
                              "target_seconds": TARGET_BUILD_S, "runs": []}
    if not (REPO / DEV_CORPUS).is_dir():
        result["skipped"] = f"{(REPO / DEV_CORPUS).resolve()} is absent: nothing to measure"
        return result
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="demograph-bench-") as tmp:
            run = run_child([*demograph, "build", "--store", str(Path(tmp) / "store"), *paths],
                            timeout=120, cwd=REPO)
        result["runs"].append(child_record(run))
    seconds = [r["seconds"] for r in result["runs"]]
    result["wall"] = summary(seconds)
    result["met"] = result["wall"]["p50"] < TARGET_BUILD_S
    return result


# --- 2. ingest of synthetic texts ---------------------------------------------------------------
def bench_ingest(count: int, seed: int, trace_docs: int, demograph: list[str],
                 build_timeout: float) -> dict[str, Any]:
    from demograph.config import Settings
    from demograph.knowledge import Knowledge
    from demograph.pipeline import extract_bytes, facts

    result: dict[str, Any] = {"count": count, "seed": seed}
    with tempfile.TemporaryDirectory(prefix="demograph-bench-") as tmp:
        texts = Path(tmp) / "texts"
        started = time.perf_counter()
        docs = generate(count, seed, texts)
        result["generate_seconds"] = time.perf_counter() - started
        inputs = [(doc, (texts / doc.file).read_bytes()) for doc in docs]
        result["text_bytes"] = summary([float(len(data)) for _, data in inputs])

        started = time.perf_counter()
        knowledge = Knowledge.load(Settings.load().base)
        knowledge.lexicon, knowledge.actor_labels  # what extract_bytes and facts use, built once
        result["knowledge_seconds"] = time.perf_counter() - started
        result["max_rss_kb_after_knowledge"] = own_max_rss_kb()

        times: list[float] = []
        outcomes: list[tuple[Document, dict[str, Any] | None, str | None]] = []
        for doc, data in inputs:
            started = time.perf_counter()
            try:
                extraction = extract_bytes(data, doc.file, knowledge)
                triples = len(facts(extraction, knowledge))
            except Exception as exc:  # a failure is a finding to report, whatever its kind
                times.append(time.perf_counter() - started)
                outcomes.append((doc, None, f"{type(exc).__name__}: {exc}"))
                continue
            times.append(time.perf_counter() - started)
            outcomes.append((doc, digest(extraction, triples), None))
        result["per_document_seconds"] = summary(times)
        result["max_rss_kb_after_loop"] = own_max_rss_kb()

        traced = inputs[:trace_docs]
        started = time.perf_counter()
        tracemalloc.start()
        for doc, data in traced:
            try:
                facts(extract_bytes(data, doc.file, knowledge), knowledge)
            except Exception:  # counted in the timed loop above
                pass
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["tracemalloc"] = {"documents": len(traced), "peak_bytes": peak,
                                 "current_bytes": current,
                                 "seconds": time.perf_counter() - started}
        result["recall"] = compare(outcomes, knowledge)

        run = run_child([*demograph, "build", "--keep-going", "--store", str(Path(tmp) / "store"),
                         str(texts)], timeout=build_timeout, cwd=REPO)
        result["build"] = child_record(run)
        result["build"]["timeout"] = build_timeout
        repeats = repeated_actor_files(docs)
        result["build"]["failed_repeating_an_actor"] = sum(
            1 for name in result["build"]["failed"] if name in repeats)
        result["build"]["texts_repeating_an_actor"] = len(repeats)
    return result


def digest(extraction: Any, triples: int) -> dict[str, Any]:
    return {"signatories": [str(a) for a in extraction.signatories],
            "commitments": [(c.commitment_type, c.type_basis) for c in extraction.commitments],
            "mentions": sorted({(m.role, str(m.iri), m.passage.exact.casefold())
                                for c in extraction.commitments for m in c.mentions}),
            "triples": triples}


def repeated_actor_files(docs: list[Document]) -> set[str]:
    seen: set[str] = set()
    repeats: set[str] = set()
    for doc in docs:
        if doc.actor in seen:
            repeats.add(doc.file)
        seen.add(doc.actor)
    return repeats


ROLES = {"partners": "partner", "categories": "category", "events": "event", "themes": "theme",
         "targets": "target"}
# What a written form must resolve to in the lexicon to count for a role: (kinds, scheme).
RESOLVE_AS = {"partner": (("actor", "group"), ""), "category": (("concept",), "actor-type"),
              "theme": (("concept",), "theme"), "target": (("concept",), "target-group")}


def compare(outcomes: list[tuple[Document, dict[str, Any] | None, str | None]],
            knowledge: Any) -> dict[str, Any]:
    """What the reader found against what the generator wrote (its manifest)."""
    from demograph.ingest.lexicon import select
    from rdflib import URIRef

    lexicon = knowledge.lexicon

    def actor_iri(name: str) -> str | None:
        full = [m for m in select(lexicon.find(name))
                if m.entry.kind == "actor" and m.start == 0 and m.end == len(name)]
        return str(full[0].iri) if full else None

    def resolve(form: str, role: str, signatory: str | None) -> str:
        """The IRI a written form stands for: what the reader should report for it. Events
        are minted per text, so they are compared by the form the text uses."""
        if role == "event":
            return form.casefold()
        if form == "länets kommuner":  # the group of the signatory's county
            info = lexicon.actors.get(URIRef(signatory)) if signatory else None
            group = lexicon.kommun_group.get(info.county if info else "")
            return str(group) if group else f"unresolved: {form}"
        kinds, scheme = RESOLVE_AS[role]
        for m in lexicon.find(form):
            if m.start == 0 and m.end == len(form) and m.entry.kind in kinds \
                    and (not scheme or m.entry.scheme == scheme):
                return str(m.iri)
        return f"unresolved: {form}"

    failures: dict[str, list[str]] = {}
    layouts: dict[str, Counter[str]] = {}
    types = {"heading": Counter[str](), "inferred": Counter[str]()}
    mentions = {role: Counter[str]() for role in ROLES.values()}
    totals: Counter[str] = Counter()
    off: list[dict[str, Any]] = []
    for doc, found, error in outcomes:
        planned = len(doc.commitments)
        totals["generated"] += planned
        layout = layouts.setdefault(doc.layout, Counter())
        layout["documents"] += 1
        if found is None:
            failures.setdefault(re.sub(r"\d+", "N", error or ""), []).append(doc.actor)
            continue
        got = len(found["commitments"])
        totals.update(read=1, generated_in_read=planned, found=got, triples=found["triples"])
        layout.update(read=1, generated=planned, found=got, exact=int(got == planned))
        totals["exact" if got == planned else "fewer" if got < planned else "more"] += 1
        if got != planned:
            off.append({"file": doc.file, "actor": doc.actor, "layout": doc.layout,
                        "generated": planned, "found": got})
        expected = actor_iri(doc.actor)
        totals["signatory_resolved"] += int(expected in found["signatories"])
        totals["extra_signatories"] += int(len(found["signatories"]) > 1)
        if got == planned:
            for plan, (ctype, basis) in zip(doc.commitments, found["commitments"]):
                types[basis].update(compared=1, agree=int(plan.type == ctype))
        for field_name, role in ROLES.items():
            wanted = {resolve(f, role, expected) for plan in doc.commitments
                      for f in getattr(plan, field_name)}
            got_ = {form if role == "event" else iri
                    for r, iri, form in found["mentions"] if r == role}
            mentions[role].update(expected=len(wanted), found=len(wanted & got_))
    return {"totals": dict(totals), "by_layout": {k: dict(v) for k, v in sorted(layouts.items())},
            "types": {k: dict(v) for k, v in types.items()},
            "mentions": {k: dict(v) for k, v in mentions.items()},
            "failures": [{"reason": reason, "count": len(actors), "actors": sorted(set(actors))}
                         for reason, actors in sorted(failures.items(), key=lambda kv: -len(kv[1]))],
            "off_by_most": sorted(off, key=lambda d: -abs(d["found"] - d["generated"]))[:12]}


# --- 3. query ------------------------------------------------------------------------------------
def bench_query(runs: int, demograph: list[str]) -> dict[str, Any]:
    import pyoxigraph as ox

    result: dict[str, Any] = {"query": QUERY, "target_seconds": TARGET_QUERY_S}
    with tempfile.TemporaryDirectory(prefix="demograph-bench-") as tmp:
        store = Path(tmp) / "store"
        built = run_child([*demograph, "build", "--store", str(store), str(DECLARATIONS)],
                          timeout=120, cwd=REPO)
        result["store_build"] = child_record(built)
        if not (store / "current").exists():
            result["skipped"] = f"the build of {DECLARATIONS} published no store: {built.stderr[-500:]}"
            return result
        cli = [run_child([*demograph, "query", "--store", str(store), QUERY], timeout=30, cwd=REPO)
               for _ in range(runs)]
        result["cli"] = summary([r.seconds for r in cli])
        result["cli_returncodes"] = sorted({r.returncode for r in cli})
        result["cli_max_rss_kb"] = max(r.max_rss_kb for r in cli)
        result["cli_output_lines"] = len(cli[0].stdout.strip().splitlines())
        result["met"] = result["cli"]["p50"] < TARGET_QUERY_S and result["cli_returncodes"] == [0]

        python = [run_child([sys.executable, "-c", "pass"], timeout=30) for _ in range(5)]
        imports = [run_child([sys.executable, "-c", "import demograph.cli, demograph.store, "
                              "demograph.querycheck, demograph.results"], timeout=30)
                   for _ in range(5)]
        result["startup"] = {"python": summary([r.seconds for r in python]),
                             "python_and_imports": summary([r.seconds for r in imports])}

        started = time.perf_counter()
        db = ox.Store.read_only(str(store / "current" / "db"))
        opened = time.perf_counter() - started
        started = time.perf_counter()
        rows = list(db.query(QUERY, use_default_graph_as_union=True))
        first = time.perf_counter() - started
        again = []
        for _ in range(runs):
            started = time.perf_counter()
            list(db.query(QUERY, use_default_graph_as_union=True))
            again.append(time.perf_counter() - started)
        result["in_process"] = {"open_seconds": opened, "first_query_seconds": first,
                                "rows": len(rows), "repeated": summary(again)}
        del db
    return result


def own_sections(text: str) -> str:
    """The sections other benchmarks keep between their own markers (``<!-- name:start -->``
    … ``<!-- name:end -->``, or ``:begin``) in RESULTS.md: written by bench/pages.py,
    remote.py, dumps.py, not by this script, so carried over as they are."""
    found = re.finditer(r"\n<!-- ([\w-]+):(?:start|begin) -->.*?<!-- \1:end -->\n", text, re.S)
    return "".join(m.group(0) for m in found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BENCH, help="where RESULTS.md and results.json go")
    parser.add_argument("--count", type=int, default=1000, help="synthetic declarations")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=3, help="builds of the real texts")
    parser.add_argument("--query-runs", type=int, default=20)
    parser.add_argument("--trace-docs", type=int, default=200,
                        help="synthetic texts read again under tracemalloc (slow)")
    parser.add_argument("--build-timeout", type=float, default=360.0,
                        help="seconds the build of the synthetic texts may take")
    parser.add_argument("--only", choices=("ingest", "sparql", "all"), default="all",
                        help="ingest: benchmarks 1–3; sparql: benchmark 4; the figures of the "
                             "part not run are kept from --out/results.json")
    parser.add_argument("--sizes", default="10k,100k,1M",
                        help="SPARQL benchmark: graph sizes in triples, e.g. 10k,100k,1M,10M")
    parser.add_argument("--rdflib-max", type=parse_size, default=parse_size("1M"),
                        help="SPARQL benchmark: largest size rdflib-endpoint is run at")
    parser.add_argument("--compare-venv", type=Path, default=COMPARE_VENV,
                        help="virtual environment for oxigraph serve and rdflib-endpoint "
                             "(created on first use)")
    parser.add_argument("--keep-sparql-data", type=Path, default=None,
                        help="copy each size's N-Quads, store and server logs here")
    args = parser.parse_args()

    demograph = demograph_command()
    results: dict[str, Any] = {}
    previous = args.out / "results.json"
    if args.only != "all" and previous.is_file():
        results = json.loads(previous.read_text(encoding="utf-8"))
    if args.only in ("ingest", "all"):
        started = time.perf_counter()
        for key in ("machine", "ingest", "build", "query", "total_seconds"):
            results.pop(key, None)
        results["machine"] = machine_facts()
        steps = (("ingest", lambda: bench_ingest(args.count, args.seed, args.trace_docs, demograph,
                                                 args.build_timeout)),
                 ("build", lambda: bench_build(args.runs, demograph)),
                 ("query", lambda: bench_query(args.query_runs, demograph)))
        for name, step in steps:  # ingest first: its in-process peak RSS is the bench's own
            print(f"bench: {name} …", file=sys.stderr, flush=True)
            step_started = time.perf_counter()
            results[name] = step()
            results[name]["bench_seconds"] = time.perf_counter() - step_started
        results["total_seconds"] = time.perf_counter() - started
        results["machine"]["load_average_at_end"] = load_average()
    if args.only in ("sparql", "all"):
        print("bench: sparql …", file=sys.stderr, flush=True)
        sizes = [parse_size(x) for x in args.sizes.split(",") if x.strip()]
        results["sparql"] = bench_sparql(sizes, args.seed, args.rdflib_max, args.compare_venv,
                                         keep=args.keep_sparql_data)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    report = args.out / "RESULTS.md"
    kept = own_sections(report.read_text(encoding="utf-8")) if report.exists() else ""
    report.write_text(render(results) + kept, encoding="utf-8")
    print(f"bench: done → {args.out / 'RESULTS.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
