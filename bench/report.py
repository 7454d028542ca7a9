"""results (the dict bench/run.py measures) → RESULTS.md."""

from __future__ import annotations

from typing import Any


def s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f} MB"


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "—"


def yes(flag: bool | None) -> str:
    return "—" if flag is None else ("**yes**" if flag else "**no**")


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out + [""]


def stats_row(label: str, st: dict[str, float]) -> list[Any]:
    return [label, st["n"], s(st["min"]), s(st["p50"]), s(st["mean"]), s(st["p95"]), s(st["max"])]


STATS = ["", "n", "min", "median", "mean", "p95", "max"]


def render(r: dict[str, Any]) -> str:
    """RESULTS.md: benchmarks 1–3 (r["build"], r["ingest"], r["query"]) and 4 (r["sparql"]);
    either part may be absent (`bench/run.py --only …` keeps the other from results.json)."""
    has_ingest = all(k in r for k in ("build", "ingest", "query"))
    sp = r.get("sparql")
    m = r.get("machine") or (sp or {}).get("machine", {})
    written = []
    if has_ingest:
        written.append(f"benchmarks 1–3 on {r['machine']['date']} in {r['total_seconds']:.0f} s")
    if sp:
        written.append(f"benchmark 4 (SPARQL) on {sp['machine']['date']} in "
                       f"{sp['bench_seconds']:.0f} s")
    lines = ["# Benchmark results", "",
             f"Written by `bench/run.py`: {'; '.join(written) or 'nothing run'}. `make bench` "
             "overwrites this file; bench/README.md says what each figure measures.",
             "Timings are measured, never asserted.", "", "## Machine", ""]
    packages = dict(m.get("packages", {}))
    if sp:
        packages.update(sp["machine"].get("packages", {}))
    loads = []
    if has_ingest:
        loads.append(["load average (1/5/15 min), benchmarks 1–3, start → end",
                      f"{r['machine']['load_average']} → {r['machine'].get('load_average_at_end', '?')}"])
    if sp:
        loads.append(["load average (1/5/15 min), benchmark 4, start → end",
                      f"{sp['machine']['load_average']} → {sp['machine'].get('load_average_at_end', '?')}"])
    lines += table(["", ""], [["CPUs (`nproc`)", m.get("nproc")], ["CPU model", m.get("cpu_model")],
                              ["memory", m.get("memory")], ["kernel", m.get("kernel")], *loads,
                              ["Python", f"{m.get('python')} ({m.get('python_executable')})"],
                              ["packages", ", ".join(f"{k} {v}" for k, v in packages.items())]])
    lines += ["## Summary", ""]
    rows: list[list[Any]] = []
    if has_ingest:
        b, i, q = r["build"], r["ingest"], r["query"]
        build_fig = s(b["wall"]["p50"]) if "wall" in b else "skipped"
        ingest = i["per_document_seconds"]
        rows += [
            ["1. `demograph build` of data/ + dev corpus, median of "
             f"{len(b['runs']) or '—'}", build_fig, f"< {b['target_seconds']:.0f} s", yes(b.get("met"))],
            [f"2. ingest of {i['count']:,} synthetic texts in-process, mean per text",
             s(ingest["mean"]), "none set", "—"],
            [f"2. `demograph build` of the {i['count']:,} synthetic texts", s(i["build"]["seconds"]),
             "none set", "—"],
            ["3. `demograph query` one-actor lookup incl. start-up, median of "
             f"{q.get('cli', {}).get('n', '—')}", s(q["cli"]["p50"]) if "cli" in q else "skipped",
             f"< {q['target_seconds'] * 1000:.0f} ms", yes(q.get("met"))]]
    if sp:
        rows += [[f"4. {t['what']}", t["figure"], t["target"], yes(t["met"])] for t in sp["targets"]]
    lines += table(["what", "figure", "target", "met?"], rows)
    if has_ingest:
        lines += build_section(r["build"]) + ingest_section(r["ingest"]) + query_section(r["query"])
    else:
        lines += ["## 1–3. Build, ingest, query", "",
                  "Not in results.json: run `bench/run.py --only ingest` (or `make bench`).", ""]
    if sp:
        lines += sparql_section(sp)
    else:
        lines += ["## 4. SPARQL endpoint", "",
                  "Not in results.json: run `bench/run.py --only sparql` (or `make bench`).", ""]
    return "\n".join(lines)


def build_section(b: dict[str, Any]) -> list[str]:
    lines = ["## 1. Build of data/ plus the dev corpus", "",
             f"`{b['command']}` from the repository root, each run into a fresh temporary store. "
             f"Target: median under {b['target_seconds']:.0f} s on this machine.", ""]
    if "skipped" in b:
        return lines + [f"Skipped: {b['skipped']}.", ""]
    lines += [f"Median **{s(b['wall']['p50'])}** — target {'met' if b['met'] else 'NOT met'}.", ""]
    lines += table(["run", "wall", "build's own timer", "exit", "files", "failed", "triples",
                    "peak RSS"],
                   [[n + 1, s(x["seconds"]), s(x["reported_seconds"]), x["returncode"], x["files"],
                     len(x["failed"]), f"{x['triples']:,}", mb(x["max_rss_kb"])]
                    for n, x in enumerate(b["runs"])])
    failed = b["runs"][0]["failure_reasons"]
    if failed:
        lines += ["Files that failed:", ""] + [f"- {k}: {v}" for k, v in sorted(failed.items())] + [""]
    return lines


def ingest_section(i: dict[str, Any]) -> list[str]:
    rc, bd, tm = i["recall"], i["build"], i["tracemalloc"]
    t = rc["totals"]
    read = t.get("read", 0)
    lines = [f"## 2. Ingest of {i['count']:,} synthetic declarations", "",
             f"`bench/generate.py --count {i['count']} --seed {i['seed']}` "
             f"({s(i['generate_seconds'])}; texts {i['text_bytes']['min']:.0f}–"
             f"{i['text_bytes']['max']:.0f} bytes, mean {i['text_bytes']['mean']:.0f}). "
             "No target is set for this benchmark: the figures are reported.", "",
             "### In-process: `extract_bytes` + `facts` per text", "",
             f"`Knowledge` loaded once ({s(i['knowledge_seconds'])}), then each text's bytes read "
             "(not timed), extracted and turned into its RDF graph (timed).", ""]
    lines += table(STATS + ["total"], [stats_row("per text", i["per_document_seconds"])
                                       + [s(i["per_document_seconds"]["total"])]])
    lines += [f"- peak RSS of the benchmark process: {mb(i['max_rss_kb_after_knowledge'])} after "
              f"loading `Knowledge`, {mb(i['max_rss_kb_after_loop'])} after the loop "
              "(`resource.getrusage(RUSAGE_SELF).ru_maxrss`)",
              f"- tracemalloc peak over the loop (first {tm['documents']} texts, read again, graphs "
              f"not kept): {tm['peak_bytes'] / 1e6:.1f} MB ({s(tm['seconds'])} with tracing on)", ""]
    lines += ["### `demograph build --keep-going` of the same texts", ""]
    timed_out = " — **stopped at its time limit**" if bd["timed_out"] else ""
    lines += table(["wall", "exit", "files", "failed", "triples published",
                    "\"from N file(s)\" as the build says", "peak RSS (child)"],
                   [[s(bd["seconds"]) + timed_out, bd["returncode"], bd["files"], len(bd["failed"]),
                     f"{bd['triples']:,}", bd["reported_files"], mb(bd["max_rss_kb"])]])
    lines += [f"Reading the texts and making their graphs took {s(i['per_document_seconds']['total'])} "
              "in-process (above): the rest of the build's time goes to what the build does "
              "besides — the union graph, SHACL validation, writing the store.", ""]
    if bd["failed"]:
        reasons: dict[str, int] = {}
        for message in bd["failure_reasons"].values():
            key = "".join("N" if c.isdigit() else c for c in message)
            reasons[key] = reasons.get(key, 0) + 1
        lines += [f"{len(bd['failed'])} files failed; {bd['failed_repeating_an_actor']} of them are "
                  f"texts of an actor that an earlier text already signs for "
                  f"({bd['texts_repeating_an_actor']} such texts in the set):", ""]
        lines += [f"- {n} × {k}" for k, n in sorted(reasons.items(), key=lambda kv: -kv[1])] + [""]
    lines += ["### Recall on synthetic text (reported, not asserted)", "",
              f"Read: **{read} of {i['count']}** texts. Commitments found **{t.get('found', 0)}** "
              f"of {t.get('generated_in_read', 0)} written in the texts read "
              f"({pct(t.get('found', 0), t.get('generated_in_read', 0))}; {t['generated']} written "
              f"in all). Texts with exactly the commitments written: {t.get('exact', 0)}; fewer: "
              f"{t.get('fewer', 0)}; more: {t.get('more', 0)}. Signing actor resolved: "
              f"{t.get('signatory_resolved', 0)} of {read}; texts with more than one signatory: "
              f"{t.get('extra_signatories', 0)}.", ""]
    lines += table(["layout", "texts", "read", "written in those read", "found", "texts exact"],
                   [[k, v.get("documents", 0), v.get("read", 0), v.get("generated", 0),
                     v.get("found", 0), v.get("exact", 0)] for k, v in rc["by_layout"].items()])
    lines += ["Commitment type, in texts where the count is right (commitments paired in order):", ""]
    lines += table(["type from", "compared", "agree"],
                   [[k, v.get("compared", 0), pct(v.get("agree", 0), v.get("compared", 0))]
                    for k, v in rc["types"].items()])
    lines += ["What the commitments name, per text: the distinct things written (resolved to "
              "their IRIs in the reference and concept data; events by the form the text uses) "
              "that the reader reports with that role for some commitment of the text:", ""]
    lines += table(["role", "written", "found", "recall"],
                   [[k, v.get("expected", 0), v.get("found", 0), pct(v.get("found", 0),
                                                                     v.get("expected", 0))]
                    for k, v in rc["mentions"].items()])
    if rc["failures"]:
        lines += ["Texts the reader could not read:", ""]
        lines += [f"- {f['count']} × {f['reason']} — {', '.join(f['actors'])}" for f in rc["failures"]]
        lines += [""]
    if rc["off_by_most"]:
        lines += ["Texts furthest off (regenerate them with the seed above to look):", ""]
        lines += table(["file", "layout", "written", "found"],
                       [[d["file"], d["layout"], d["generated"], d["found"]] for d in rc["off_by_most"]])
    return lines


def query_section(q: dict[str, Any]) -> list[str]:
    lines = ["## 3. `demograph query`: one actor's commitments, start-up included", "",
             "After `demograph build` of data/declarations into a temporary store "
             f"({s(q['store_build']['seconds'])}), the query below as a subprocess. "
             f"Target: median under {q['target_seconds'] * 1000:.0f} ms.", "",
             f"```sparql\n{q['query']}\n```", ""]
    if "skipped" in q:
        return lines + [f"Skipped: {q['skipped']}.", ""]
    lines += [f"Median **{s(q['cli']['p50'])}** — target {'met' if q['met'] else 'NOT met'} "
              f"(exit codes {q['cli_returncodes']}, {q['cli_output_lines']} output lines, peak RSS "
              f"{mb(q['cli_max_rss_kb'])}).", ""]
    st, ip = q["startup"], q["in_process"]
    lines += table(STATS, [stats_row("`demograph query` (subprocess)", q["cli"]),
                           stats_row("`python -c pass`", st["python"]),
                           stats_row("`python -c 'import demograph.cli, …store, …'`",
                                     st["python_and_imports"]),
                           stats_row("in-process query, store already open", ip["repeated"])])
    total, bare = q["cli"]["p50"], st["python"]["p50"]
    imports = st["python_and_imports"]["p50"] - bare
    store = ip["open_seconds"] + ip["first_query_seconds"]
    lines += [f"In-process with pyoxigraph: opening the store read-only {s(ip['open_seconds'])}, "
              f"first query {s(ip['first_query_seconds'])} ({ip['rows']} rows).", "",
              f"Roughly, of the median {s(total)}: interpreter start-up {s(bare)}, imports "
              f"{s(imports)}, opening the store and querying it {s(store)}, and the remaining "
              f"{s(max(0.0, total - bare - imports - store))} the command's own work (Click, "
              "settings, rendering the table) and the gaps between the separate measurements. "
              "Start-up, not the query, is what the subprocess time is made of.", ""]
    return lines


# --- 4. SPARQL endpoint ------------------------------------------------------------------------
SERVERS = (("demograph", "demograph"), ("demograph_cache", "demograph, cache on"),
           ("oxigraph", "oxigraph serve"), ("rdflib", "rdflib-endpoint"))


def ms(seconds: float | None, digits: int = 2) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "—"


def _cell(size: dict[str, Any], server: str, query: str, level: int) -> dict[str, Any] | None:
    return size["servers"].get(server, {}).get("cells", {}).get(query, {}).get(str(level))


def _qps(cell: dict[str, Any] | None) -> float | None:
    return cell["qps"] if cell and cell["requests"] else None


def sparql_section(sp: dict[str, Any]) -> list[str]:
    sizes = sp["sizes"]
    cmp = sp.get("compare", {})
    caps = sp["caps"]
    settings = ", ".join(f"{k}={v}" for k, v in sp["settings"].items())
    lines = ["## 4. SPARQL endpoint: demograph beside oxigraph serve and rdflib-endpoint", "",
             f"Synthetic graphs in demograph's model (`bench/graphgen.py`, seed {sp['seed']}) of "
             + ", ".join(x["label"] for x in sizes) + " triples, each written as a demograph "
             "store snapshot. Over the same data, one server at a time on 127.0.0.1: "
             f"`demograph serve` ({settings}; result cache off, then on — DEMOGRAPH_RESULT_CACHE), "
             "`oxigraph serve-read-only` on the snapshot's own database (with "
             "`--union-default-graph` only for a store whose default graph is not merged) "
             f"(oxigraph {cmp.get('oxigraph') or 'not installed'}), and `rdflib-endpoint serve` of "
             f"the same N-Quads (rdflib-endpoint {cmp.get('rdflib-endpoint') or 'not installed'}, "
             f"rdflib {cmp.get('rdflib') or '—'}, uvicorn {cmp.get('uvicorn') or '—'}) up to "
             f"{sp['rdflib_max']:,} triples. Both comparison servers live in `{cmp.get('path')}`, "
             "which the run creates.", ""]
    for key in ("error", "oxigraph_error", "rdflib-endpoint_error"):
        if cmp.get(key):
            lines += [f"**Could not install:** {cmp[key]}", ""]
    lines += [f"Client: {8} client processes (`bench/httpload.py`, `http.client`, one keep-alive "
              "connection each, GET `?query=`, `Accept: application/sparql-results+json`) on the "
              "same 2 CPUs as the server. Per query and concurrency: concurrency 1 sends up to "
              f"{caps['fast']['c1_total']} requests or stops after {caps['fast']['c1_seconds']:g} s "
              f"(at least {caps['fast']['c1_min']}); concurrency 8 up to "
              f"{caps['fast']['c8_total']} between the 8 clients or {caps['fast']['c8_seconds']:g} s; "
              f"rdflib-endpoint {caps['slow']['c1_total']} / {caps['slow']['c8_total']}. Before "
              "timing, each server answers every query once (checked against pyoxigraph "
              "in-process) and a warm-up burst starts its workers. Throughput = answers ÷ time "
              "from the common start to the last answer. Latencies in ms.", ""]
    lines += ["### 4.1 Targets", ""]
    lines += table(["what", "figure", "target", "met?"],
                   [[t["what"], t["figure"], t["target"], yes(t["met"])] for t in sp["targets"]])
    lines += _data_table(sizes) + _mix_table(sizes)
    for size in sizes:
        lines += _size_tables(size)
    if sizes and sp.get("floor"):
        sizes = [dict(sizes[0], _floor=sp["floor"])] + sizes[1:]
    lines += _overhead_tables(sizes) + _profile_tables(sizes) + _memory_tables(sizes)
    lines += _union_table(sizes) + _notes(sp)
    return lines


def _data_table(sizes: list[dict[str, Any]]) -> list[str]:
    lines = ["### 4.2 Data", "",
             "Reference world scaled with the size (see bench/README.md). Every graph conforms "
             "to demograph's SHACL shapes (checked by hand with `demograph validate` on the "
             "N-Quads at 10k and 100k). The store is written as the installed `demograph build` "
             "writes it: the named graphs, and — where the build has it — their RDF merge "
             "copied into the default graph, which queries then read (\"merge\"; \"union\": "
             "queries read Oxigraph's union of the named graphs).", ""]
    rows = []
    for x in sizes:
        d = x["data"]
        st = d["store"]
        rows.append([x["label"], f"{d['triples']:,}", d["graphs"], d["documents"],
                     f"{d['commitments']:,}", d["actors"], d["events"], f"{d['annotations']:,}",
                     f"{d['bytes'] / 1e6:.1f} MB", s(d["generate_seconds"]),
                     st.get("default_graph", "union"),
                     f"{st.get('distinct_triples', st['quads']):,}",
                     f"{s(st['seconds'])} ({s(st['bulk_load_seconds'])})"
                     if "bulk_load_seconds" in st else s(st["seconds"]),
                     f"{st['bytes'] / 1e6:.1f} MB", x["load_average_at_start"]])
    lines += table(["size", "quads", "named graphs", "source texts", "commitments", "actors",
                    "events", "annotations", "N-Quads", "generate", "default graph",
                    "distinct triples", "store write (of it bulk load)", "store on disk",
                    "load average at start"], rows)
    return lines


def _mix_table(sizes: list[dict[str, Any]]) -> list[str]:
    lines = ["### 4.3 The query mix and its answers", "",
             "Every server's answer to every query is compared with pyoxigraph's in-process "
             "answer: the row count and a digest of the sorted rows. ✓ = all servers that ran "
             "agree; otherwise the servers that differ are named. Rows at each size:", ""]
    queries = sizes[0]["queries"] if sizes else []
    rows = []
    for q in queries:
        row = [f"`{q['name']}`", q["kind"], q["what"]]
        for x in sizes:
            ref = x["in_process"][q["name"]]
            bad = [label for key, label in SERVERS
                   if key in x["servers"] and "checks" in x["servers"][key]
                   and not x["servers"][key]["checks"].get(q["name"], {}).get("same")]
            mark = "✓" if not bad and ref["execute_agrees"] else "✗ " + ", ".join(
                bad + ([] if ref["execute_agrees"] else ["execute()"]))
            row.append(f"{ref['rows']:,} {mark}" + (" **empty**" if ref["rows"] == 0 else ""))
        rows.append(row)
    lines += table(["query", "kind", "what"] + [x["label"] for x in sizes], rows)
    lines += ["<details><summary>The queries (the actor is Kils kommun, the county "
              "Värmland)</summary>", ""]
    for q in queries:
        lines += [f"`{q['name']}`:", "", "```sparql", q["text"].split("\n", 7)[-1]
                  if q["text"].startswith("PREFIX") else q["text"], "```", ""]
    lines += ["All start with PREFIX declarations for dg, dgc, dcterms, schema, skos, rdfs and xsd.",
              "", "</details>", ""]
    return lines


def _size_tables(x: dict[str, Any]) -> list[str]:
    present = [(k, label) for k, label in SERVERS if "cells" in x["servers"].get(k, {})]
    lines = [f"### 4.4 {x['label']} triples: latency and throughput", ""]
    for key, label in SERVERS:
        info = x["servers"].get(key)
        if info and "error" in info:
            lines += [f"**{label} failed:** {info['error'][:500]}", ""]
    if x.get("rdflib_skipped"):
        lines += [f"rdflib-endpoint: {x['rdflib_skipped']}.", ""]
    starts = ", ".join(f"{label} {s(x['servers'][k]['start_seconds'])}" for k, label in present)
    lines += [f"Start-up until the first answer: {starts}. Load average at the start of this "
              f"size {x['load_average_at_start']}, at its end {x['load_average_at_end']}.", ""]
    lines += ["Concurrency 1 — p50 / p95 latency (ms); in-process = pyoxigraph in the benchmark "
              "process, as demograph's worker runs it (query + demograph's JSON writer) and "
              "natively (query + pyoxigraph's JSON serialiser):", ""]
    rows = []
    for q in x["queries"]:
        row = [f"`{q['name']}`"]
        for key, _ in present:
            c = _cell(x, key, q["name"], 1)
            row.append(f"{ms(c['latency'].get('p50'))} / {ms(c['latency'].get('p95'))}"
                       if c and c["requests"] else "—")
        ip = x["in_process"][q["name"]]
        row += [ms(ip["execute"]["p50"]), ms(ip["native"]["p50"])]
        rows.append(row)
    lines += table(["query"] + [label for _, label in present]
                   + ["in-process, demograph's writer", "in-process, native"], rows)
    lines += ["Concurrency 8 — throughput (answers/s), with p95 latency (ms), and ratios:", ""]
    rows = []
    for q in x["queries"]:
        row = [f"`{q['name']}`"]
        for key, _ in present:
            c = _cell(x, key, q["name"], 8)
            row.append(f"{c['qps']:.0f} ({ms(c['latency'].get('p95'), 1)})" if c and c["requests"]
                       else "—")
        d, o = _qps(_cell(x, "demograph", q["name"], 8)), _qps(_cell(x, "oxigraph", q["name"], 8))
        dc, rl = _qps(_cell(x, "demograph_cache", q["name"], 8)), _qps(_cell(x, "rdflib", q["name"], 8))
        row += [ratio(d, o), ratio(dc, o), ratio(d, rl)]
        rows.append(row)
    lines += table(["query"] + [label for _, label in present]
                   + ["demograph ÷ oxigraph", "cache on ÷ oxigraph", "demograph ÷ rdflib"], rows)
    lines += ["CPU at concurrency 8: the server's CPU time per answer in ms (all its processes, "
              "from /proc/PID/stat in 10 ms ticks) and, in brackets, how many of the 2 cores it "
              "kept busy (CPU time ÷ wall time); last, the clients' own CPU per request:", ""]
    rows = []
    for q in x["queries"]:
        row = [f"`{q['name']}`"]
        for key, _ in present:
            c = _cell(x, key, q["name"], 8)
            cores = c.get("server_cores") if c else None
            row.append(f"{ms(c.get('server_cpu_per_request'))} ({cores:.2f})"
                       if c and c["requests"] and cores is not None else "—")
        c = _cell(x, "demograph", q["name"], 8)
        row.append(ms(c.get("client_cpu_per_request")) if c else "—")
        rows.append(row)
    lines += table(["query"] + [label for _, label in present] + ["client, per request"], rows)
    odd = []
    for key, label in present:
        for q in x["queries"]:
            for level in (1, 8):
                c = _cell(x, key, q["name"], level)
                if c and (set(map(str, c["statuses"])) != {"200"} or c["errors"] or c["reconnects"]):
                    odd.append(f"- {label}, `{q['name']}`, concurrency {level}: statuses "
                               f"{c['statuses']}, reconnects {c['reconnects']}, errors {c['errors']}")
        notes = x["servers"][key].get("notes")
        odd += [f"- {label}: {n}" for n in notes or []]
    hits = []
    for q in x["queries"]:
        c = _cell(x, "demograph_cache", q["name"], 8)
        if c and c["requests"]:
            hits.append(c["hits"] / c["requests"])
    if hits:
        lines += [f"Cache on: {100 * min(hits):.0f}–{100 * max(hits):.0f} % of the answers at "
                  "concurrency 8 were cache hits (each gunicorn worker has its own cache, filled "
                  "by the check and warm-up requests).", ""]
    if odd:
        lines += ["Irregularities:", ""] + odd + [""]
    return lines


def _overhead_tables(sizes: list[dict[str, Any]]) -> list[str]:
    lines = ["### 4.5 Web-layer overhead", "",
             "demograph's p50 at concurrency 1 (cache off) minus the same query run in-process "
             "as its query worker runs it (`demograph.web.execute.execute`: pyoxigraph on "
             "`Store.read_only` of the same snapshot, results written by demograph's JSON "
             "writer). The last column is what demograph's Python writer costs over "
             "pyoxigraph's own serialiser. ms:", ""]
    rows = []
    for x in sizes:
        for q in x["queries"]:
            c = _cell(x, "demograph", q["name"], 1)
            ip = x["in_process"][q["name"]]
            if not c or not c["requests"]:
                continue
            p50 = c["latency"]["p50"]
            rows.append([x["label"], f"`{q['name']}`", f"{ip['demograph_bytes'] / 1024:.1f} KB",
                         ms(p50), ms(ip["execute"]["p50"]), f"**{ms(p50 - ip['execute']['p50'])}**",
                         ms(_cell(x, "oxigraph", q["name"], 1)["latency"]["p50"])
                         if _cell(x, "oxigraph", q["name"], 1) else "—",
                         ms(ip["execute"]["p50"] - ip["native"]["p50"])])
    lines += table(["size", "query", "answer", "demograph p50", "in-process p50", "overhead",
                    "oxigraph serve p50", "demograph's writer − native"], rows)
    return lines


def _profile_tables(sizes: list[dict[str, Any]]) -> list[str]:
    lines = ["### 4.6 Where demograph's time goes", "",
             "The `actor` lookup, layer by layer, each timed in the benchmark process on the same "
             "snapshot (p50 of repeated calls): the query with pyoxigraph's serialiser; with "
             "demograph's (`execute`); through a one-process `QueryPool` (adds pickling the job "
             "and the outcome and the pipe to the worker process); through the application, with "
             "Flask's test client (adds `sparql.Endpoint`, the plain WSGI application that "
             "answers queries in front of Flask: Werkzeug's request parsing, the query check, "
             "negotiation, headers; the test client adds its own cost, a few hundred µs); and "
             "over HTTP from the "
             "concurrency-1 run above (adds gunicorn, the socket and the client). µs:", ""]
    rows = []
    for x in sizes:
        p = x.get("profile")
        c = _cell(x, "demograph", "actor", 1)
        if not p or not c:
            continue
        http = c["latency"]["p50"]
        health = x["servers"]["demograph"].get("extra", {}).get("health", {}).get("latency", {})
        steps = [("query + pyoxigraph serialiser", p["native"]["p50"]),
                 ("query + demograph's writer (`execute`)", p["execute"]["p50"]),
                 ("through `QueryPool` (1 worker)", p["pool"]["p50"]),
                 ("through the application (test client)", p["flask_test_client"]["p50"]),
                 ("over HTTP: gunicorn, 2 workers × 8 threads", http)]
        previous = 0.0
        for label, value in steps:
            rows.append([x["label"], label, f"{value * 1e6:.0f}", f"+{(value - previous) * 1e6:.0f}"])
            previous = value
        rows.append([x["label"], "(`analyse()`, the query check, alone)",
                     f"{p['analyse']['p50'] * 1e6:.0f}", ""])
        if "snapshot_lookup" in p:
            rows.append([x["label"], "(`SnapshotDir.require_current()`, done per request, alone)",
                         f"{p['snapshot_lookup']['p50'] * 1e6:.0f}", ""])
        rows.append([x["label"], "(`/health` through the test client / over HTTP)",
                     f"{p['flask_health']['p50'] * 1e6:.0f} / "
                     f"{health.get('p50', 0) * 1e6:.0f}", ""])
        ox = _cell(x, "oxigraph", "actor", 1)
        if ox:
            rows.append([x["label"], "(oxigraph serve, the same query over HTTP)",
                         f"{ox['latency']['p50'] * 1e6:.0f}", ""])
    lines += table(["size", "layer", "p50 µs", "added by the layer"], rows)
    for x in sizes:
        got = (x.get("profile") or {}).get("rows", {})
        if got and (len(set(got.values())) != 1 or 0 in got.values()):
            lines += [f"**Warning ({x['label']}):** the layers did not all give the same non-empty "
                      f"answer ({got}): their times are not comparable.", ""]
    floor = sizes[0].get("_floor") if sizes else None
    if floor:
        lines += ["The same gunicorn settings (gthread, 2 workers × 8 threads) serving "
                  "`bench/wsgi_floor.py`, which answers every request with the same 1.6 KB of "
                  "bytes — what gunicorn and Flask cost before any SPARQL work; beside them "
                  "demograph with the cache on (a cache hit still checks the query, resolves "
                  "the snapshot, builds the response) and oxigraph serve, on `actor` at the "
                  "largest size:", ""]
        rows = []
        for name, cells in floor.items():
            if "error" in cells:
                rows.append([name, "failed: " + cells["error"][:200], "", "", ""])
                continue
            c1, c8 = cells["1"], cells["8"]
            rows.append([name, ms(c1["latency"]["p50"]), f"{c8['qps']:.0f}",
                         ms(c8["server_cpu_per_request"]), ms(c8["client_cpu_per_request"])])
        big = sizes[-1]
        for key, label in (("demograph_cache", "demograph, cache on: `actor` (cache hit)"),
                           ("demograph", "demograph, cache off: `actor`"),
                           ("oxigraph", "oxigraph serve: `actor`")):
            c1, c8 = _cell(big, key, "actor", 1), _cell(big, key, "actor", 8)
            if c1 and c8:
                rows.append([label, ms(c1["latency"]["p50"]), f"{c8['qps']:.0f}",
                             ms(c8["server_cpu_per_request"]), ms(c8["client_cpu_per_request"])])
        lines += table(["server", "p50 at concurrency 1 (ms)", "answers/s at concurrency 8",
                        "server CPU per answer (ms)", "client CPU per request (ms)"], rows)
    last = next((x for x in reversed(sizes) if x.get("profile")), None)
    if last:
        p = last["profile"]
        lines += [f"cProfile of {p['cprofile_requests']} test-client requests of `actor` at "
                  f"{last['label']} (profiling slows Python code down, so read the shares, not "
                  "the absolute figures). Own time per request by where the code lives (µs):", ""]
        lines += table(["code", "µs per request"],
                       [[k, f"{v:.0f}"] for k, v in p["cprofile_by_package"].items()])
        lines += ["The functions with the most own time (µs per request):", ""]
        lines += table(["function", "calls per request", "own µs", "cumulative µs"],
                       [[f"`{r['function']}`", f"{r['calls']:.0f}", f"{r['own_us']:.0f}",
                         f"{r['cumulative_us']:.0f}"] for r in p["cprofile_top"]])
    return lines


def _memory_tables(sizes: list[dict[str, Any]]) -> list[str]:
    lines = ["### 4.7 Memory per process", "",
             "After each server's last measurement: RSS, peak RSS (VmHWM) and PSS (shared pages "
             "divided among the processes sharing them) from /proc. demograph's query workers "
             "map the store's files, so their RSS grows with what the queries touched. MB:", ""]
    rows = []
    for x in sizes:
        for key, label in SERVERS:
            procs = x["servers"].get(key, {}).get("memory")
            if not procs:
                continue
            roles: dict[str, list[dict[str, Any]]] = {}
            for proc in procs:
                roles.setdefault(proc["role"], []).append(proc)
            for role, members in roles.items():
                rss = [m["rss_kb"] / 1024 for m in members]
                rows.append([x["label"], label, role, len(members),
                             " / ".join(f"{v:.0f}" for v in rss),
                             " / ".join(f"{m['hwm_kb'] / 1024:.0f}" for m in members),
                             " / ".join(f"{m['pss_kb'] / 1024:.0f}" for m in members)])
            total = sum(p["pss_kb"] for p in procs) / 1024
            rows.append([x["label"], label, "**all processes (PSS sum)**", len(procs), "", "",
                         f"**{total:.0f}**"])
    lines += table(["size", "server", "process", "count", "RSS", "peak RSS", "PSS"], rows)
    return lines


def _union_table(sizes: list[dict[str, Any]]) -> list[str]:
    lines = ["### 4.8 The union of the named graphs keeps duplicates", "",
             "A build describes a shared event again in every source graph that names it (as it "
             "writes `dg:signed` and the signing again for each text of an actor). Oxigraph's "
             "union of the named graphs (`use_default_graph_as_union`, `--union-default-graph`) "
             "keeps one copy of a triple per graph holding it, so a query joining several "
             "properties of such an event multiplies the copies. demograph queried that union "
             "until its build began to copy the RDF merge (each triple once) into the default "
             "graph; a snapshot without the merge is still served over the union. Copies of one "
             "triple, and the events query of the mix run over the union (which also holds the "
             "merged default graph, one more copy) in a child process capped at 3 GB of address "
             "space and 20 s:", ""]
    rows = []
    for x in sizes:
        u = x.get("union")
        if not u:
            continue
        n = u["naive_events"]
        outcome = (f"{n['rows']} rows in {s(n['seconds'])}" if n["status"] == "ok"
                   else f"{n['status']}") + (f", peak RSS {mb(n['max_rss_kb'])}"
                                             if n.get("max_rss_kb") else "")
        layout = x["data"]["store"].get("default_graph", "union")
        rows.append([x["label"], u["election_startdate_copies"],
                     u.get("election_startdate_in_default_graph", "—"), outcome,
                     f"{s(x['in_process']['events_range']['native']['p50'])} ({layout})"])
    lines += table(["size", "copies of `event/2022/allmanna-val schema:startDate` in the named graphs",
                    "in the default graph", "events query over the union",
                    "`events_range` as the mix runs it (default graph)"], rows)
    lines += ["Without the cap, the events query over the union at 1M grew to 24 GB in a trial "
              "and the kernel's OOM killer stopped it: a query worker has a time limit "
              "(DEMOGRAPH_QUERY_TIMEOUT) but no memory limit.", ""]
    return lines


def _notes(sp: dict[str, Any]) -> list[str]:
    lines = ["### 4.9 Notes", ""]
    lines += ["- Code measured (the endpoint's files under `src/demograph/`, digest and "
              "modification time at the start of the run): "
              + ", ".join(f"{k} {v}" for k, v in sp.get("code", {}).items())]
    labels = [x["label"] for x in sp["sizes"]]
    if not any(x["size"] >= 10_000_000 for x in sp["sizes"]):
        lines.append("- 10M triples were not run by default: generating, loading and querying "
                     "them would take the SPARQL run past its ~20 minute budget on this machine; "
                     "`bench/run.py --only sparql --sizes 10M` runs it (without rdflib-endpoint).")
    lines.append(f"- Sizes run: {', '.join(labels)}; SPARQL benchmark time "
                 f"{s(sp['bench_seconds'])}.")
    lines += [f"- {n}" for n in sp.get("notes", [])]
    return lines + [""]
