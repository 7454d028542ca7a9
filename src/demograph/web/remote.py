"""A checked query, run on a remote SPARQL store and written as the query workers write it.

The endpoint's checks have all been made when this runs (updates, SERVICE, length, depth,
rate, cache, ETag); the store gets the query with the time limit. A SELECT answer wanted as
SPARQL JSON that the store wrote in demograph's own layout, within the row cap, is sent on
as the store's bytes (``RemoteStore.query_json``: Oxigraph's JSON is byte for byte what
demograph writes); every other answer is read into terms and written by demograph's own
writers, so a client gets the same answers, and for Oxigraph the same bytes, whichever
store answered.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import QueryError
from ..store.protocol import Solutions, Triples
from ..store.remote import JsonRows, RemoteStore
from .execute import Job, Outcome
from .results import GRAPH_FORMATS, GRAPH_TYPES, RESULT_TYPES, SOLUTION_WRITERS, boolean


def execute_remote(store: RemoteStore, job: Job, timeout: float) -> Outcome:
    """The outcome of ``job``; a store that is down or too slow raises StoreError (503)."""
    run = store.query_json if (job.form == "select" and job.fmt == "json") else store.query
    try:
        result = run(job.query, default_graphs=job.default_graphs,
                     named_graphs=job.named_graphs, max_rows=job.max_rows,
                     timeout=timeout, base_iri=job.base_iri, checked=True)
    except QueryError as exc:
        return Outcome(exc.http_status, "text/plain; charset=utf-8", str(exc).encode())
    if isinstance(result, JsonRows):
        return Outcome(200, RESULT_TYPES["json"], result.body, result.rows)
    if isinstance(result, bool):
        return Outcome(200, RESULT_TYPES[job.fmt], boolean(result, job.fmt), 1)
    if isinstance(result, Solutions):
        body = SOLUTION_WRITERS[job.fmt](list(result.variables), result.rows)
        return Outcome(200, RESULT_TYPES[job.fmt], body, len(result.rows), result.truncated)
    assert isinstance(result, Triples)
    body = ox.serialize(result.triples, format=GRAPH_FORMATS[job.fmt]) or b""
    return Outcome(200, GRAPH_TYPES[job.fmt], body, len(result.triples), result.truncated)
