"""Serialised results of repeated queries, kept in memory and keyed by what made them.

The key (also the ETag) hashes the store snapshot, the query, the format and the dataset,
so a rebuilt store never serves an old answer; entries of older snapshots are dropped."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Cached:
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...]


def result_key(snapshot: str, query: str, fmt: str, default_graphs: tuple[str, ...],
               named_graphs: tuple[str, ...], max_rows: int, base_iri: str = "") -> str:
    digest = hashlib.sha256()
    for part in (snapshot, query, fmt, "\x1f".join(default_graphs), "\x1f".join(named_graphs),
                 str(max_rows), base_iri):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:32]


class ResultCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Cached] = OrderedDict()
        self._size = 0
        self._snapshot: str | None = None
        self._lock = threading.Lock()

    def get(self, snapshot: str, key: str) -> Cached | None:
        with self._lock:
            self._roll(snapshot)
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, snapshot: str, key: str, entry: Cached) -> None:
        if len(entry.body) > self.max_bytes // 8:
            return  # one huge result must not flush everything else
        with self._lock:
            self._roll(snapshot)
            if key in self._entries:
                return
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes:
                _, old = self._entries.popitem(last=False)
                self._size -= len(old.body)

    def _roll(self, snapshot: str) -> None:
        if snapshot != self._snapshot:
            self._entries.clear()
            self._size = 0
            self._snapshot = snapshot
