"""Query worker processes: the one way to stop a query that runs too long.

Oxigraph evaluates a query in Rust without checking for Python signals, so a thread cannot
be interrupted. Each query therefore runs in a worker process; a query over the time limit
has its worker killed (SIGKILL) and replaced, and the client gets 503 — the server goes on.
Workers come from a forkserver, which starts them from a clean process quickly (the
server's threads are never forked) with demograph and pyoxigraph already imported.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext

from ..errors import HttpError
from .execute import Job, Outcome

_CONTEXT: BaseContext | None = None
_CONTEXT_LOCK = threading.Lock()


def _context() -> BaseContext:
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["demograph.web.worker"])
            _CONTEXT = context
        return _CONTEXT


class _Worker:
    def __init__(self) -> None:
        from .worker import serve  # imported here: only the worker process needs it at run time

        ours, theirs = _context().Pipe()
        self.conn: Connection = ours
        self.process = _context().Process(target=serve, args=(theirs,), daemon=True,
                                          name="demograph-query")
        self.process.start()
        theirs.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of workers; a request waits for a free one, within the time limit."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        for _ in range(self.size):
            self._idle.put(_Worker())
        self.killed = 0

    def run(self, job: Job) -> Outcome:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise HttpError("all query workers are busy; try again in a moment", 503,
                            retry_after=max(1, int(self.timeout))) from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                outcome: Outcome = worker.conn.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError):  # the worker died under the query (out of memory, killed)
            self._replace(worker)
            raise HttpError("the query worker stopped unexpectedly while running this query; "
                            "it has been replaced", 503, retry_after=1) from None
        self._replace(worker)
        raise HttpError(f"the query ran longer than the limit of {self.timeout:g} seconds and "
                        "was stopped", 503, retry_after=1)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.killed += 1
        self._idle.put(_Worker())

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
