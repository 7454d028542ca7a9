"""The Markdown report of a query-suite run: pass rates, counts per suite, every failure."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .query import Verdict

KIND_TITLES = {"evaluation": "Query evaluation tests",
               "syntax": "Syntax tests (positive and negative)"}


def _group(verdict: Verdict) -> str:
    return "evaluation" if verdict.test.kind == "evaluation" else "syntax"


def rate(passed: int, total: int) -> str:
    return f"{passed}/{total} ({100 * passed / total:.1f} %)" if total else "0/0"


def rates(verdicts: Sequence[Verdict]) -> tuple[str, str]:
    total = len(verdicts)
    return (rate(sum(v.direct.passed for v in verdicts), total),
            rate(sum(v.endpoint.passed for v in verdicts), total))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(path: Path, verdicts: Sequence[Verdict], seconds: float, suites: Path,
          snapshots: int) -> str:
    lines: list[str] = []
    add = lines.append
    add("# W3C SPARQL 1.1 query suites: pyoxigraph direct vs the demograph endpoint")
    add("")
    add(f"Run {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, pyoxigraph "
        f"{getattr(ox, '__version__', '?')}, suites from `{suites}`; {len(verdicts)} tests in "
        f"{seconds:.1f} s ({snapshots} snapshots published).")
    add("")
    add("## Pass rates")
    add("")
    add("| tests | count | direct (pyoxigraph) | endpoint (demograph serve) | lost by the endpoint |")
    add("|---|---:|---:|---:|---:|")
    for group in ("evaluation", "syntax"):
        chosen = [v for v in verdicts if _group(v) == group]
        direct, endpoint = rates(chosen)
        add(f"| {KIND_TITLES[group]} | {len(chosen)} | {direct} | {endpoint} | "
            f"{sum(v.lost for v in chosen)} |")
    direct, endpoint = rates(verdicts)
    add(f"| **all** | {len(verdicts)} | {direct} | {endpoint} | {sum(v.lost for v in verdicts)} |")
    add("")
    lost = [v for v in verdicts if v.lost]
    add("## Lost by the endpoint (pyoxigraph passes, the endpoint does not)")
    add("")
    if lost:
        for v in lost:
            add(f"- `{v.test.id}` — {_cell(v.endpoint.reason)}")
    else:
        add("None: every test pyoxigraph passes directly also passes through the endpoint.")
    add("")
    add("## Per suite")
    add("")
    add("| suite | evaluation tests | direct pass | endpoint pass | syntax tests | direct pass | endpoint pass |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    suites_seen = list(dict.fromkeys(v.test.suite for v in verdicts))
    for suite in suites_seen:
        cells = [suite]
        for group in ("evaluation", "syntax"):
            chosen = [v for v in verdicts if v.test.suite == suite and _group(v) == group]
            if chosen:
                cells += [str(len(chosen)), str(sum(v.direct.passed for v in chosen)),
                          str(sum(v.endpoint.passed for v in chosen))]
            else:
                cells += ["–", "–", "–"]
        add("| " + " | ".join(cells) + " |")
    add("")
    add("## Failures")
    add("")
    failing = [v for v in verdicts if not (v.direct.passed and v.endpoint.passed)]
    if not failing:
        add("None.")
    for suite in suites_seen:
        chosen = [v for v in failing if v.test.suite == suite]
        if not chosen:
            continue
        add(f"### {suite}")
        add("")
        add("| test | kind | approval | direct | endpoint |")
        add("|---|---|---|---|---|")
        for v in chosen:
            add(f"| `{v.test.name}` | {v.test.kind} | {v.test.approval or '—'} | "
                f"{'pass' if v.direct.passed else 'FAIL: ' + _cell(v.direct.reason)} | "
                f"{'pass' if v.endpoint.passed else 'FAIL: ' + _cell(v.endpoint.reason)} |")
        add("")
    add("## How the tests are run")
    add("")
    add("- Suites: those of `manifest-sparql11-query.ttl` and `manifest-sparql11-results.ttl` "
        "(json-res, csv-tsv-res); mf:QueryEvaluationTest and mf:CSVResultFormatTest entries, "
        "plus the positive/negative syntax tests of the same manifests.")
    add("- Direct: a fresh in-memory `pyoxigraph.Store`, qt:data in the default graph, each "
        "qt:graphData in a named graph with its own IRI (the file's URL); "
        "`store.query(text, base_iri=<query file URL>)`.")
    add("- Endpoint: one `demograph serve` for the whole run (rate limit, result cache and row "
        "cap off); per test a fresh snapshot is published to its store with qt:data in "
        "`<urn:w3c:default>` and each qt:graphData under its IRI, and the query is POSTed with "
        "`default-graph-uri=urn:w3c:default` and a `named-graph-uri` per qt:graphData — or, "
        "when the query has FROM/FROM NAMED, with no protocol graphs and the FROM graphs in the "
        "snapshot. The protocol cannot carry a base IRI, so the query is sent with "
        "`BASE <query file URL>` in front (the base the direct run gets; the suites' expected "
        "results depend on it). Without it 7 of these queries are refused with HTTP 400, since "
        "the endpoint parses queries with no base IRI at all — the protocol suite's "
        "query_content_type_construct records that bug.")
    add("- Accept: SPARQL JSON for SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE; the tests whose "
        "expected result is CSV or TSV ask for CSV or TSV (and the direct run serialises with "
        "pyoxigraph's CSV/TSV writers), so those tests check the endpoint's own writers.")
    add("- Comparison: solutions as multisets (order is ignored, also under ORDER BY), blank "
        "nodes up to a consistent renaming, literals by lexical form, datatype and language "
        "after numeric/boolean canonicalisation (`\"1.0\"^^xsd:decimal` = `\"1\"^^xsd:decimal`); "
        "the sets of variables must agree; graphs by isomorphism (rdflib.compare) after the same "
        "canonicalisation. Syntax tests: a positive test passes when the query is accepted "
        "(endpoint: HTTP 200, or a 400 saying the query parsed but failed to evaluate, as for "
        "an unknown extension function), a negative one when it is refused (endpoint: a 4xx "
        "that is not an evaluation failure).")
    add("")
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return text
