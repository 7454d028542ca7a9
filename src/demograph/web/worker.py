"""The loop a query worker process runs: receive a job, answer with an outcome."""

from __future__ import annotations

from collections import OrderedDict
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .execute import Job, Outcome, execute

OPEN_SNAPSHOTS = 2  # the current one and the one a swap just replaced


def serve(conn: Connection) -> None:
    stores: OrderedDict[str, ox.Store] = OrderedDict()
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        conn.send(_run(stores, job))


def _run(stores: OrderedDict[str, ox.Store], job: Job) -> Outcome:
    store = stores.get(job.snapshot)
    if store is None:
        try:
            store = ox.Store.read_only(str(Path(job.snapshot) / "db"))
        except (OSError, RuntimeError) as exc:
            return Outcome(503, "text/plain; charset=utf-8",
                           f"the store snapshot cannot be opened: {exc}".encode())
        stores[job.snapshot] = store
        while len(stores) > OPEN_SNAPSHOTS:
            stores.popitem(last=False)
    stores.move_to_end(job.snapshot)
    return execute(store, job)
