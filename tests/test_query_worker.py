"""The query worker's store: answers from the snapshot's files at once, then from an
in-memory copy that must answer exactly as the files do."""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

import pyoxigraph as ox

from demograph.store import SnapshotDir
from demograph.web.execute import Job, execute
from demograph.web.worker import EngineChoice, Snapshot, _run, job_key

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


def test_engine_choice_learns_the_faster_copy() -> None:
    choice = EngineChoice(size=3)
    slow = choice.TRY_SECONDS * 5
    assert choice.pick("a") == "memory"  # never seen: memory, where most queries are faster
    choice.record("a", "memory", choice.TRY_SECONDS / 4)
    assert choice.pick("a") == "memory"  # fast: a trial on disk could not pay for itself
    choice.record("b", "memory", slow)
    assert choice.pick("b") == "disk"  # slow: timed once on disk
    choice.record("b", "disk", slow * 0.5)
    assert [choice.pick("b") for _ in range(3)] == ["disk"] * 3  # clearly faster: kept
    choice.record("c", "memory", slow)
    choice.record("c", "disk", slow * 0.95)
    assert choice.pick("c") == "memory"  # not clearly faster: memory stays
    choice.record("d", "memory", slow)  # a fourth query: the oldest ("a") is forgotten
    assert choice.pick("b") == "disk" and choice.pick("d") == "disk"
    assert "a" not in choice._times and len(choice._times) == 3
    choice.clear()
    assert choice.pick("b") == "memory"
    bounded = EngineChoice()
    bounded.record("long", "memory", bounded.TRY_AT_MOST_SECONDS * 2)
    assert bounded.pick("long") == "memory"  # too slow to risk on the files for a client
    bounded.record("failed", "memory", slow)
    bounded.record("failed", "disk", float("inf"))  # the trial failed (time limit): not again
    assert bounded.pick("failed") == "memory"


def test_worker_answers_alike_from_either_copy_and_says_which(seed_store: Path) -> None:
    """Through the worker's own dispatch: a query timed as slow on memory is answered from
    disk next, with the same bytes, and the engine it names is the one that answered."""
    path = str(SnapshotDir(seed_store).require_current())
    snapshots: OrderedDict[str, Snapshot] = OrderedDict()
    choice = EngineChoice()
    choice.TRY_SECONDS = 0.0  # every query counts as slow: each is tried on both copies
    job = Job(QUERIES[2][1], "select", "json", path, max_rows=0, in_memory=True)
    assert _run(snapshots, job, choice).engine == "disk"  # no copy yet
    _wait_for_copy(snapshots[path])
    first = _run(snapshots, job, choice)
    second = _run(snapshots, job, choice)
    assert (first.engine, second.engine) == ("memory", "disk")
    assert first.status == second.status == 200 and first.body == second.body
    times = choice._times[job_key(job)]
    assert times[0] is not None and times[1] is not None
    assert _run(snapshots, job, choice).engine == ("disk" if times[1] < times[0] * choice.DISK_WINS
                                                   else "memory")
