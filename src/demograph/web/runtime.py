"""What one server process holds: settings, the current snapshot, the query workers, the
result cache and the rate limiter. Created by ``create_app``; the workers start lazily, in
the process that serves (after the WSGI server has forked)."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable

from flask import current_app, g, has_request_context

from ..config import Settings
from ..store import Manifest, SnapshotDir
from ..store.remote import RemoteStore, open_remote
from .cache import ResultCache
from .data import Data
from .execute import Job, Outcome
from .pool import QueryPool, worker_memory
from .ratelimit import RateLimiter


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.snapshots = SnapshotDir(settings.store)
        self.cache = ResultCache() if settings.result_cache else None
        self.limiter = RateLimiter(settings.rate_limit) if settings.rate_limit else None
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()
        self._manifests: dict[str, Manifest] = {}
        self._target: str | None = None  # what `current` pointed at when last resolved
        self._snapshot: Path | None = None
        # a remote SPARQL store instead of the snapshots: every process in front of it
        # reads the served generation from the store itself, so they answer alike
        self.remote: RemoteStore | None = open_remote(settings) if settings.store_url else None
        self.data = Data(self)  # the service's own queries (pages, publishing)

    def snapshot(self) -> Path:
        """The snapshot this request reads. Resolved once per request and then kept (in
        ``flask.g``): a rebuild published while a page is being made must not give it the
        counts of one snapshot and the rows of the other. Each new request sees a rebuild at
        once."""
        if not has_request_context():
            return self._resolve()
        pinned = g.get("demograph_snapshot")
        if pinned is None:
            pinned = g.demograph_snapshot = self._resolve()
        return pinned  # type: ignore[no-any-return]

    def _resolve(self) -> Path:
        """The snapshot current now. One readlink says whether ``current`` moved; only then
        are the full checks made. For a remote store only the name counts: the generation
        its control graph names."""
        if self.remote is not None:
            return Path(self.remote.version())
        try:
            target = os.readlink(self.snapshots.current_link)
        except OSError:
            target = None
        if target is not None and target == self._target:
            return self._snapshot  # type: ignore[return-value]
        current = self.snapshots.require_current()
        self._target, self._snapshot = target, current
        return current

    def manifest(self, snapshot: Path | None = None) -> Manifest:
        """The manifest of ``snapshot``, by default of the request's snapshot."""
        if self.remote is not None:
            return self.remote.manifest()
        current = snapshot or self.snapshot()
        manifest = self._manifests.get(current.name)
        if manifest is None:
            manifest = self.snapshots.manifest(current)
            # the current snapshot's and the one a swap just replaced (requests still on it)
            self._manifests = {**dict(list(self._manifests.items())[-1:]), current.name: manifest}
        return manifest

    def run(self, job: Job, gone: Callable[[], bool] | None = None) -> Outcome:
        """The one place a checked query is dispatched: to a query worker, or with the
        time limit to the remote store (which runs it in its own processes)."""
        if self.remote is not None:
            from .remote import execute_remote

            checked = self.pool().run(replace(job, check_only=True), gone=gone)
            if checked.status != 200:
                return checked
            return execute_remote(self.remote, job, self.settings.query_timeout)
        return self.pool().run(job, gone=gone)

    def pool(self) -> QueryPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = QueryPool(self.settings.query_workers, self.settings.query_timeout,
                                       worker_memory(self.settings.memory_triples))
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None


def current() -> Runtime:
    """The Runtime of the application handling the current request."""
    return current_app.extensions["demograph"]  # type: ignore[no-any-return]
