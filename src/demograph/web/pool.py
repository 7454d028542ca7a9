"""Query worker processes: the one way to stop a query that runs too long.

Oxigraph evaluates a query in Rust without checking for Python signals, so a thread cannot
be interrupted. Each query therefore runs in a worker process; a query over the time limit
has its worker killed (SIGKILL) and replaced, and the client gets 503 — the server goes on.

A worker is a fresh interpreter (``python -m demograph.web.worker``) talking over a socket
pair: it shares nothing with the server process — not its threads, not its ``__main__``
(which multiprocessing's spawn and forkserver would re-import), not its memory.

What else can end a query early, and what the client then gets:

- the worker dies under it (killed, or over its address-space limit — a query that doubles a
  string forty times asks for a terabyte): it is replaced and the client gets 503 saying so;
- the client goes away: its worker is killed and replaced at once rather than left busy until
  the time limit, so one impatient client cannot hold the pool.
"""

from __future__ import annotations

import queue
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..errors import HttpError
from .execute import READY, Job, Outcome

# Address space a worker may map. A worker idles at ~0.5 GB of mappings (the interpreter,
# pyoxigraph, RocksDB's arenas); 2 GB leaves room for large legitimate sorts while one
# query cannot take the machine's memory from the others. A worker that copies its snapshot
# into memory (DEMOGRAPH_MEMORY_TRIPLES) needs room for the copy on top: measured 1.1 KB of
# address space per triple at its peak (the N-Quads dump, its bytes, the store: 2.7 GB for
# 2M triples), given 1.5 KB.
WORKER_MEMORY = 2 * 1024**3
MEMORY_PER_COPIED_TRIPLE = 1536


def worker_memory(memory_triples: int) -> int:
    """The address space of a worker that may copy a snapshot of ``memory_triples`` into
    memory: without the allowance the copy of a large snapshot would abort the worker."""
    return WORKER_MEMORY + max(0, memory_triples) * MEMORY_PER_COPIED_TRIPLE
# How often a waiting request looks whether its client is still there.
CLIENT_CHECK_SECONDS = 0.25
# How long a new worker may take to start (import and say it is ready). Not part of any
# query's time: a worker started to replace a killed one, on a loaded machine, can take over
# a second, and charging that to the next query turned one time-out into a chain of them.
STARTUP_SECONDS = 60


class ClientGone(HttpError):
    """The client closed its connection while its query ran; nobody is left to answer (499,
    as proxies log it)."""

    def __init__(self) -> None:
        super().__init__("the client closed the connection before the query finished", 499)


def client_gone(environ: dict[str, Any]) -> Callable[[], bool] | None:
    """A check whether the client of a WSGI request has closed its connection, or None when
    the server does not expose the socket (gunicorn does: ``gunicorn.socket``)."""
    sock = environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return None

    def gone() -> bool:
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            # readable with nothing to read is end of stream; data is a pipelined request
            return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):  # reset, or already closed
            return True
    return gone


class _Worker:
    def __init__(self, memory_limit: int | None) -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "demograph.web.worker", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        if memory_limit:
            # set from outside (prlimit) rather than by a preexec_fn, which is unsafe in a
            # threaded server; the worker does nothing before its first job arrives
            resource.prlimit(self.process.pid, resource.RLIMIT_AS, (memory_limit, memory_limit))
        self.conn = Connection(ours.detach())
        self.ready = False

    def wait_ready(self) -> None:
        """Wait until the worker has started; OSError if it does not."""
        if not self.conn.poll(STARTUP_SECONDS) or self.conn.recv_bytes() != READY:
            raise OSError("the query worker did not start")
        self.ready = True

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self.conn.close()


class QueryPool:
    """A fixed number of workers; a request waits for a free one, within the time limit."""

    def __init__(self, size: int, timeout: float, memory_limit: int | None = WORKER_MEMORY) -> None:
        self.size = max(1, size)
        self.timeout = timeout
        self.memory_limit = memory_limit
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        for _ in range(self.size):
            self._idle.put(_Worker(memory_limit))
        self.killed = 0

    def run(self, job: Job, gone: Callable[[], bool] | None = None) -> Outcome:
        """The outcome of ``job``. ``gone`` says whether the client has disconnected; if it
        does, the worker is freed and :class:`ClientGone` raised."""
        worker = self._checkout()
        try:
            if not worker.ready:
                worker.wait_ready()
        except (EOFError, OSError):
            self._replace(worker)
            raise HttpError("a query worker could not be started; try again in a moment", 503,
                            retry_after=1) from None
        try:
            worker.conn.send(job)
            deadline = time.monotonic() + self.timeout
            while (left := deadline - time.monotonic()) > 0:
                if worker.conn.poll(min(left, CLIENT_CHECK_SECONDS) if gone else left):
                    outcome: Outcome = worker.conn.recv()
                    self._idle.put(worker)
                    return outcome
                if gone is not None and gone():
                    self._replace(worker)
                    raise ClientGone()
        except (EOFError, OSError):  # the worker died under the query (out of memory, killed)
            self._replace(worker)
            raise HttpError("the query worker stopped unexpectedly while running this query "
                            "(killed, or out of memory); it has been replaced", 503,
                            retry_after=1) from None
        self._replace(worker)
        raise HttpError(f"the query ran longer than the limit of {self.timeout:g} seconds and "
                        "was stopped", 503, retry_after=1)

    def _checkout(self) -> _Worker:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise HttpError("all query workers are busy; try again in a moment", 503,
                            retry_after=max(1, int(self.timeout))) from None
        if not worker.alive():  # died while idle (killed from outside): no query was lost
            worker.conn.close()
            self.killed += 1
            worker = _Worker(self.memory_limit)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.killed += 1
        self._idle.put(_Worker(self.memory_limit))

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
