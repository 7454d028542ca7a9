"""The loop a query worker process runs: receive a job, answer with an outcome.

Started by :class:`~demograph.web.pool.QueryPool` as ``python -m demograph.web.worker FD``,
FD being its end of a socket pair. Imports only what a query needs: pyoxigraph, and the
job runner and serialisers.

A worker answers from the snapshot's on-disk database at once, and, when the job says the
snapshot is small enough (``DEMOGRAPH_MEMORY_TRIPLES``), copies it into an in-memory Oxigraph
store in a background thread and answers from that copy once it is complete: Oxigraph's
in-memory store evaluates the same queries 2–6× faster than its RocksDB files (bench/). The
copy is made per snapshot; a rebuild's new snapshot is served from disk until its own copy
is ready, and the copy of the snapshot it replaced is dropped.
"""

from __future__ import annotations

import hashlib
import io
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .execute import READY, Job, Outcome, execute

OPEN_SNAPSHOTS = 2  # the current one and the one a swap just replaced


class Snapshot:
    """One snapshot as this worker reads it: the database files, and maybe a memory copy."""

    def __init__(self, path: str) -> None:
        self.disk = ox.Store.read_only(str(Path(path) / "db"))
        self.memory: ox.Store | None = None
        self._dropped = False  # superseded: a copy still being made is thrown away
        self._loader: threading.Thread | None = None

    def store(self, copy_to_memory: bool) -> ox.Store:
        if self.memory is not None:
            return self.memory
        if copy_to_memory and self._loader is None and not self._dropped:
            # daemon: a worker being replaced must not wait for a copy nobody will use
            self._loader = threading.Thread(target=self._copy, daemon=True)
            self._loader.start()
        return self.disk

    def _copy(self) -> None:
        """Dump and bulk-load in Rust, both releasing the GIL, so the worker keeps answering
        from disk meanwhile. A failed copy (out of memory) leaves the disk store in use."""
        try:
            buffer = io.BytesIO()
            self.disk.dump(buffer, format=ox.RdfFormat.N_QUADS)
            memory = ox.Store()
            data = buffer.getvalue()
            del buffer
            memory.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            if not self._dropped:  # a newer snapshot arrived meanwhile: keep one copy only
                self.memory = memory
        except Exception as exc:  # noqa: BLE001 — any failure: keep reading from disk
            print(f"demograph query worker: the in-memory copy failed, reading from disk: "
                  f"{exc}", file=sys.stderr)

    def drop_memory(self) -> None:
        self._dropped = True
        self.memory = None


class EngineChoice:
    """Per query, which copy of a snapshot answers it faster, learnt from the worker's own
    timings. A query is answered from memory; one that took between ``TRY_SECONDS`` and
    ``TRY_AT_MOST_SECONDS`` there is answered once from disk too, and if that was clearly
    faster (``DISK_WINS``), always from disk afterwards. Below that the difference is noise,
    and a trial would cost more than it could ever win back. A failed answer counts as
    infinitely slow, so it is not tried again. Remembers the ``size`` most recent queries."""

    TRY_SECONDS = 0.004
    # nor above this: the trial runs for a client, and the files were up to 6x slower than
    # memory (bench/); a query of seconds could pass the time limit there and cost a worker
    TRY_AT_MOST_SECONDS = 0.5
    DISK_WINS = 0.8  # disk must take less than this share of memory's time

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._times: OrderedDict[str, list[float | None]] = OrderedDict()  # [memory, disk]

    def pick(self, key: str) -> str:
        memory, disk = self._times.get(key, (None, None))
        if memory is None:
            return "memory"
        if disk is None:
            return "disk" if self.TRY_SECONDS <= memory <= self.TRY_AT_MOST_SECONDS else "memory"
        return "disk" if disk < memory * self.DISK_WINS else "memory"

    def record(self, key: str, engine: str, seconds: float) -> None:
        times = self._times.setdefault(key, [None, None])
        self._times.move_to_end(key)
        slot = 0 if engine == "memory" else 1
        if times[slot] is None:  # the first timing decides; later ones only confirm it
            times[slot] = seconds
        while len(self._times) > self.size:
            self._times.popitem(last=False)

    def clear(self) -> None:
        self._times.clear()


def job_key(job: Job) -> str:
    """What decides how a query is evaluated: its text and the dataset it reads."""
    parts = (job.query, "\x1f".join(job.default_graphs), "\x1f".join(job.named_graphs),
             str(job.union_default), job.base_iri or "")
    return hashlib.blake2b("\x1e".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def serve(conn: Connection) -> None:
    conn.send_bytes(READY)  # imported and listening: a query's time limit starts only now
    snapshots: OrderedDict[str, Snapshot] = OrderedDict()
    choice = EngineChoice()
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            outcome = _run(snapshots, job, choice)
        except Exception as exc:  # noqa: BLE001 — a bug must cost one answer, not the worker
            outcome = Outcome(500, "text/plain; charset=utf-8",
                              f"internal error in the query worker: {type(exc).__name__}".encode())
        conn.send(outcome)


_EMPTY = ox.Store()  # what a syntax check runs on: nothing to read, nothing to find


def _run(snapshots: OrderedDict[str, Snapshot], job: Job, choice: EngineChoice) -> Outcome:
    if job.check_only:
        try:
            _EMPTY.query(job.query, base_iri=job.base_iri)
        except SyntaxError as exc:
            return Outcome(400, "text/plain; charset=utf-8",
                           f"SPARQL syntax error: {exc}".encode())
        except (OSError, RuntimeError, ValueError):
            pass  # it parsed; how it fails on an empty store is not the remote store's answer
        return Outcome(200, "text/plain; charset=utf-8", b"")
    snapshot = snapshots.get(job.snapshot)
    if snapshot is None:
        try:
            snapshot = Snapshot(job.snapshot)
        except (OSError, RuntimeError) as exc:
            return Outcome(503, "text/plain; charset=utf-8",
                           f"the store snapshot cannot be opened: {exc}".encode())
        for older in snapshots.values():
            older.drop_memory()  # one memory copy per worker: the newest snapshot's
        choice.clear()  # timings on another snapshot's data say nothing about this one
        snapshots[job.snapshot] = snapshot
        while len(snapshots) > OPEN_SNAPSHOTS:
            snapshots.popitem(last=False)
    snapshots.move_to_end(job.snapshot)
    store = snapshot.store(job.in_memory)
    if store is snapshot.disk:
        return replace(execute(store, job), engine="disk")
    key = job_key(job)
    engine = choice.pick(key)
    started = time.perf_counter()
    outcome = execute(snapshot.disk if engine == "disk" else store, job)
    choice.record(key, engine, time.perf_counter() - started if outcome.status == 200
                  else float("inf"))
    return replace(outcome, engine=engine)


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
