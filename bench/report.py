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
    m, b, i, q = r["machine"], r["build"], r["ingest"], r["query"]
    lines = ["# Benchmark results", "",
             f"Written by `bench/run.py` on {m['date']} in {r['total_seconds']:.0f} s. "
             "`make bench` overwrites this file; bench/README.md says what each figure measures.",
             "Timings are measured, never asserted.", "", "## Machine", ""]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines += table(["", ""], [["CPUs (`nproc`)", m["nproc"]], ["CPU model", m["cpu_model"]],
                              ["memory", m["memory"]], ["kernel", m["kernel"]],
                              ["load average (1/5/15 min), start → end",
                               f"{m['load_average']} → {m.get('load_average_at_end', '?')}"],
                              ["Python", f"{m['python']} ({m['python_executable']})"],
                              ["packages", packages]])
    build_fig = s(b["wall"]["p50"]) if "wall" in b else "skipped"
    ingest = i["per_document_seconds"]
    lines += ["## Summary", ""]
    lines += table(["what", "figure", "target", "met?"], [
        ["1. `demograph build` of data/ + dev corpus, median of "
         f"{len(b['runs']) or '—'}", build_fig, f"< {b['target_seconds']:.0f} s", yes(b.get("met"))],
        [f"2. ingest of {i['count']:,} synthetic texts in-process, mean per text",
         s(ingest["mean"]), "none set", "—"],
        [f"2. `demograph build` of the {i['count']:,} synthetic texts", s(i["build"]["seconds"]),
         "none set", "—"],
        ["3. `demograph query` one-actor lookup incl. start-up, median of "
         f"{q.get('cli', {}).get('n', '—')}", s(q["cli"]["p50"]) if "cli" in q else "skipped",
         f"< {q['target_seconds'] * 1000:.0f} ms", yes(q.get("met"))],
    ])
    lines += build_section(b) + ingest_section(i) + query_section(q)
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
