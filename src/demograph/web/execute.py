"""One query job, start to serialised bytes: what a query worker process does.

Pure apart from the store it is given, so it is tested in-process as well as through the
worker pool. The row cap is applied while iterating, so a capped query stops early.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from .results import GRAPH_FORMATS, GRAPH_TYPES, RESULT_TYPES, SOLUTION_WRITERS, boolean


# The first message a query worker sends (web/pool.py waits for it). Here, not in worker.py:
# the pool importing worker.py would make `python -m demograph.web.worker` run it twice.
READY = b"ready"


@dataclass(frozen=True)
class Job:
    query: str
    form: str  # "select" | "ask" | "construct" | "describe"
    fmt: str  # a key of RESULT_TYPES (select, ask) or GRAPH_TYPES (construct, describe)
    snapshot: str  # directory of the snapshot to query
    has_dataset: bool = False  # the query names its graphs itself (FROM / FROM NAMED)
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 0  # 0: no cap
    base_iri: str | None = None  # what relative IRIs in the query resolve against
    union_default: bool = False  # a snapshot without a merged default graph (older builds)
    in_memory: bool = False  # the snapshot is small enough for the worker to copy into memory
    # only parse the query (for a remote store, which then runs it): Oxigraph cannot parse
    # without evaluating, and evaluating even on an empty store can take minutes and memory
    # (BIND(CONCAT(…)) doubled), so the check too runs in a killable, memory-capped worker
    check_only: bool = False


@dataclass(frozen=True)
class Outcome:
    status: int
    content_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    engine: str = ""  # "memory" or "disk": which copy of the snapshot answered


def run_query(store: ox.Store, job: Job) -> object:
    """Over the protocol's dataset if it names one (it overrides FROM, as the protocol says),
    else over the query's own FROM graphs, else over the default graph: the merge of all the
    store's graphs. Graphs are only ever looked up in the store: one it lacks is empty."""
    if job.default_graphs or job.named_graphs:
        return store.query(
            job.query, base_iri=job.base_iri,
            default_graph=[ox.NamedNode(g) for g in job.default_graphs],
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs])
    # the union flag would override FROM, so it is set only for queries without one
    return store.query(job.query, base_iri=job.base_iri,
                       use_default_graph_as_union=job.union_default and not job.has_dataset)


def execute(store: ox.Store, job: Job) -> Outcome:
    try:
        result = run_query(store, job)
        if isinstance(result, ox.QueryBoolean):
            return Outcome(200, RESULT_TYPES[job.fmt], boolean(bool(result), job.fmt), 1)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [[solution[v] for v in variables] for solution in _capped(result, job.max_rows)]
            truncated = bool(job.max_rows) and len(rows) > job.max_rows
            rows = rows[: job.max_rows] if truncated else rows
            body = SOLUTION_WRITERS[job.fmt](variables, rows)
            return Outcome(200, RESULT_TYPES[job.fmt], body, len(rows), truncated)
        triples = list(_capped(result, job.max_rows))
        truncated = bool(job.max_rows) and len(triples) > job.max_rows
        triples = triples[: job.max_rows] if truncated else triples
        body = ox.serialize(triples, format=GRAPH_FORMATS[job.fmt]) or b""
        return Outcome(200, GRAPH_TYPES[job.fmt], body, len(triples), truncated)
    except SyntaxError as exc:
        return Outcome(400, "text/plain; charset=utf-8", f"SPARQL syntax error: {exc}".encode())
    except (OSError, RuntimeError, ValueError) as exc:
        return Outcome(400, "text/plain; charset=utf-8", f"query evaluation failed: {exc}".encode())


def _capped(result: object, max_rows: int) -> object:
    """At most ``max_rows + 1`` results: one more than the cap tells that it was reached."""
    return islice(result, max_rows + 1) if max_rows else result  # type: ignore[call-overload]
