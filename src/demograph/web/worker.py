"""The loop a query worker process runs: receive a job, answer with an outcome.

Started by :class:`~demograph.web.pool.QueryPool` as ``python -m demograph.web.worker FD``,
FD being its end of a socket pair. Imports only what a query needs: pyoxigraph, and the
job runner and serialisers."""

from __future__ import annotations

import sys
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


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
