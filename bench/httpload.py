"""The load client of the SPARQL benchmark: client processes with keep-alive connections.

Each client is its own process (multiprocessing, spawn), so eight of them are not held back by
one interpreter lock; each keeps one HTTP/1.1 connection (``http.client``) open for all the
requests of a measurement, and reconnects only if the server closes it. Standard library only:
a client process imports nothing else.

A measurement ("cell") is one query at one concurrency: every client connects, waits for a
common start time, then sends the same GET request back to back until it has sent its share
or the time is up (it always sends at least ``min_each``). Throughput is all the answers over
the time from the common start to the last answer.
"""

from __future__ import annotations

import http.client
import multiprocessing
import resource
import socket
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any


@dataclass(frozen=True)
class Task:
    host: str
    port: int
    path: str  # with the query string
    headers: tuple[tuple[str, str], ...]
    each: int  # requests per client, at most
    seconds: float  # no new request after this long (but at least min_each are sent)
    min_each: int
    start_at: float  # time.monotonic() at which every client starts
    timeout: float  # socket timeout of one request


def run_task(task: Task) -> dict[str, Any]:
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    nbytes = hits = reconnects = 0
    error = None
    conn = http.client.HTTPConnection(task.host, task.port, timeout=task.timeout)
    try:
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError as exc:
        return {"error": f"connect: {exc}", "latencies": [], "statuses": {}, "bytes": 0, "hits": 0,
                "reconnects": 0, "start": task.start_at, "end": task.start_at, "cpu": 0.0}
    pause = task.start_at - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    start = time.monotonic()
    headers = dict(task.headers)
    while len(latencies) < task.each and (len(latencies) < task.min_each
                                          or time.monotonic() - start < task.seconds):
        began = time.perf_counter()
        try:
            conn.request("GET", task.path, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            break
        latencies.append(time.perf_counter() - began)
        statuses[response.status] += 1
        nbytes += len(body)
        if response.getheader("X-Demograph-Cache") == "hit":
            hits += 1
        if response.will_close:
            conn.close()
            conn = http.client.HTTPConnection(task.host, task.port, timeout=task.timeout)
            reconnects += 1
    end = time.monotonic()
    conn.close()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    return {"error": error, "latencies": latencies, "statuses": dict(statuses), "bytes": nbytes,
            "hits": hits, "reconnects": reconnects, "start": start, "end": end, "cpu": cpu}


def _client(conn: Connection) -> None:
    while True:
        task = conn.recv()
        if task is None:
            return
        conn.send(run_task(task))


class Clients:
    """``size`` client processes, started once and reused for every measurement."""

    def __init__(self, size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipes: list[Connection] = []
        self._procs = []
        for _ in range(size):
            ours, theirs = context.Pipe()
            proc = context.Process(target=_client, args=(theirs,), daemon=True,
                                   name="bench-http-client")
            proc.start()
            theirs.close()
            self._pipes.append(ours)
            self._procs.append(proc)

    def run(self, concurrency: int, host: str, port: int, path: str,
            headers: tuple[tuple[str, str], ...], total: int, seconds: float, min_each: int = 1,
            timeout: float = 60.0) -> dict[str, Any]:
        """One cell: ``concurrency`` clients, ``total`` requests between them at most."""
        each = max(1, total // concurrency)
        start_at = time.monotonic() + 0.05 + 0.01 * concurrency
        task = Task(host, port, path, headers, each, seconds, min_each, start_at, timeout)
        for pipe in self._pipes[:concurrency]:
            pipe.send(task)
        parts = [pipe.recv() for pipe in self._pipes[:concurrency]]
        latencies = [x for p in parts for x in p["latencies"]]
        statuses: Counter[int] = Counter()
        for p in parts:
            statuses.update({int(k): v for k, v in p["statuses"].items()})
        end = max(p["end"] for p in parts)
        wall = max(end - start_at, 1e-9)
        return {"concurrency": concurrency, "requests": len(latencies), "wall": wall,
                "qps": len(latencies) / wall if latencies else 0.0, "latencies": latencies,
                "statuses": dict(statuses), "bytes": sum(p["bytes"] for p in parts),
                "hits": sum(p["hits"] for p in parts),
                "reconnects": sum(p["reconnects"] for p in parts),
                "client_cpu": sum(p["cpu"] for p in parts),
                "errors": [p["error"] for p in parts if p["error"]]}

    def close(self) -> None:
        for pipe in self._pipes:
            try:
                pipe.send(None)
            except OSError:
                pass
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
