"""Query worker processes: the one way to stop a query that runs too long.

Oxigraph evaluates a query in Rust without checking for Python signals, so a thread cannot
be interrupted. Each query therefore runs in a worker process; a query over the time limit
has its worker killed (SIGKILL) and replaced, and the client gets 503 — the server goes on.

A worker is a fresh interpreter (``python -m demograph.web.worker``) talking over a socket
pair: it shares nothing with the server process — not its threads, not its ``__main__``
(which multiprocessing's spawn and forkserver would re-import), not its memory.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
from multiprocessing.connection import Connection

from ..errors import HttpError
from .execute import Job, Outcome


class _Worker:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "demograph.web.worker", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
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
