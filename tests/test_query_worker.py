"""The query worker's store: answers from the snapshot's files at once, then from an
in-memory copy that must answer exactly as the files do."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox

from demograph.store import SnapshotDir
from demograph.web.execute import Job, execute
from demograph.web.worker import Snapshot

# the copy goes through N-Quads, which keeps blank nodes but not their labels: compare every
# triple without one, and how many of each shape there are with one
QUERIES = [
    ("select", "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } "
               "ORDER BY ?s ?p ?o"),
    ("select", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } "
               "GROUP BY ?p ORDER BY ?p"),
    ("select", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"),
    ("ask", "ASK { ?c <https://w3id.org/demograph/def/committedBy> "
            "<https://w3id.org/demograph/id/org/kommun/1715> }"),
]


def _wait_for_copy(snapshot: Snapshot, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while snapshot.memory is None and time.monotonic() < deadline:
        time.sleep(0.05)


def test_memory_copy_answers_as_the_files_do(seed_store: Path) -> None:
    path = SnapshotDir(seed_store).require_current()
    snapshot = Snapshot(str(path))
    assert snapshot.store(copy_to_memory=True) is snapshot.disk  # served at once, from disk
    _wait_for_copy(snapshot)
    assert snapshot.memory is not None, "the in-memory copy did not complete"
    assert snapshot.store(copy_to_memory=True) is snapshot.memory
    assert len(snapshot.memory) == len(snapshot.disk)
    for form, query in QUERIES:
        job = Job(query, form, "json", str(path), max_rows=0)
        from_disk, from_memory = execute(snapshot.disk, job), execute(snapshot.memory, job)
        assert from_disk.status == from_memory.status == 200
        assert from_disk.body == from_memory.body


def test_no_copy_when_the_job_does_not_ask(seed_store: Path) -> None:
    snapshot = Snapshot(str(SnapshotDir(seed_store).require_current()))
    assert snapshot.store(copy_to_memory=False) is snapshot.disk
    time.sleep(0.2)
    assert snapshot.memory is None
    assert isinstance(snapshot.disk, ox.Store)


def test_endpoint_says_which_copy_answered(server) -> None:  # type: ignore[no-untyped-def]
    """The workers move from the files to their memory copy, and the header says so; the
    answer is the same either way."""
    import json
    import urllib.parse
    import urllib.request

    query = ("SELECT ?c WHERE { ?c <https://w3id.org/demograph/def/committedBy> "
             "<https://w3id.org/demograph/id/org/kommun/1715> } ORDER BY ?c")
    seen: dict[str, list[str]] = {}
    deadline = time.monotonic() + 30
    while "memory" not in seen and time.monotonic() < deadline:
        # a comment makes each query text new, so the result cache cannot answer for the workers
        url = server.sparql + "?" + urllib.parse.urlencode(
            {"query": query + f" # {time.monotonic()}"})
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            engine = response.headers["X-Demograph-Engine"]
            rows = [b["c"]["value"] for b in json.load(response)["results"]["bindings"]]
        assert engine in ("memory", "disk")
        seen.setdefault(engine, rows)
        time.sleep(0.1)
    assert "memory" in seen, f"no worker answered from memory within 30 s: {sorted(seen)}"
    assert len(seen["memory"]) == 5
    if "disk" in seen:
        assert seen["disk"] == seen["memory"]
