"""The embedded store: snapshots of Oxigraph (RocksDB) directories behind one symlink.

    {store}/current  → snapshots/20261121T201500-4711      (what readers open)
    {store}/snapshots/20261121T201500-4711/db             (Oxigraph's files)
    {store}/snapshots/20261121T201500-4711/manifest.json  (what the build put in it)
    {store}/.lock                                          (one writer at a time)

A build writes a new snapshot beside the current one and, once it is complete and valid,
points ``current`` at it with one ``rename`` — atomic on POSIX — so a reader sees the old
snapshot or the new one, never a mix, and a build killed half-way leaves the old one served.
The snapshot before the current one is kept for readers that still have it open.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError

MANIFEST = "manifest.json"
KEEP_PREVIOUS = 1


@dataclass
class Manifest:
    """What a snapshot holds, written beside its database."""

    created: str
    base: str
    graphs: dict[str, str] = field(default_factory=dict)  # graph IRI → "ontology" | "source" | "loaded" …
    sources: dict[str, str] = field(default_factory=dict)  # source graph IRI → file name
    triples: int = 0  # distinct triples: the size of the default graph
    # "merge": the default graph holds the RDF merge of the named graphs (each triple once);
    # "union": it is empty and queries read the union of the named graphs (snapshots written
    # before the merge existed: Oxigraph's union repeats a triple once per graph holding it)
    default_graph: str = "union"

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created, "base": self.base, "graphs": self.graphs,
                "sources": self.sources, "triples": self.triples,
                "default_graph": self.default_graph}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Manifest":
        return cls(data["created"], data["base"], dict(data.get("graphs", {})),
                   dict(data.get("sources", {})), int(data.get("triples", 0)),
                   str(data.get("default_graph", "union")))

    @property
    def union_default(self) -> bool:
        """Whether queries must ask Oxigraph for the union (the default graph is empty)."""
        return self.default_graph != "merge"


class SnapshotDir:
    """One store directory with its snapshots."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.snapshots = self.root / "snapshots"
        self.current_link = self.root / "current"

    # reading ----------------------------------------------------------------------------
    def current(self) -> Path | None:
        if not self.current_link.is_symlink():
            return None
        target = self.current_link.resolve()
        return target if target.is_dir() else None

    def require_current(self) -> Path:
        current = self.current()
        if current is None:
            if self.current_link.is_symlink():
                raise StoreError(f"store {self.root}: 'current' points at a missing snapshot; "
                                 "run `demograph build` to make a new one")
            raise StoreError(f"no store at {self.root}: run `demograph build` first")
        if not (current / "db").is_dir() or not (current / MANIFEST).is_file():
            raise StoreError(f"store {self.root}: snapshot {current.name} is incomplete "
                             "(no database or manifest); run `demograph build`")
        return current

    def open_read(self) -> ox.Store:
        current = self.require_current()
        try:
            return ox.Store.read_only(str(current / "db"))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            raise StoreError(f"store {self.root}: snapshot {current.name} cannot be opened: {exc}") \
                from None

    def manifest(self, snapshot: Path | None = None) -> Manifest:
        """The manifest of ``snapshot``, by default of the current one."""
        current = snapshot if snapshot is not None else self.require_current()
        try:
            return Manifest.from_json(json.loads((current / MANIFEST).read_text("utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise StoreError(f"store {self.root}: unreadable manifest: {exc}") from None

    # writing ----------------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".lock", "w")
        except OSError as exc:
            raise StoreError(f"cannot create the store directory {self.root}: {exc.strerror}") \
                from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"store {self.root} is being written by another process") from None
            yield

    def new_snapshot(self) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        # names sort in creation order: prune and the leftover check rely on it
        path = self.snapshots / f"{stamp}-{time.time_ns():020d}-{os.getpid()}"
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise StoreError(f"cannot create a snapshot in {self.snapshots}: {exc.strerror}") \
                from None
        return path

    def publish(self, snapshot: Path, manifest: Manifest) -> None:
        """Write the manifest, then swap ``current`` to ``snapshot`` in one rename."""
        try:
            tmp_manifest = snapshot / (MANIFEST + ".tmp")
            tmp_manifest.write_text(json.dumps(manifest.to_json(), indent=2), "utf-8")
            os.replace(tmp_manifest, snapshot / MANIFEST)
            tmp_link = self.root / f".current-{os.getpid()}"
            if tmp_link.is_symlink() or tmp_link.exists():
                tmp_link.unlink()
            os.symlink(Path("snapshots") / snapshot.name, tmp_link)
            os.replace(tmp_link, self.current_link)
        except OSError as exc:
            raise StoreError(f"cannot publish snapshot {snapshot.name}: {exc.strerror or exc}") \
                from None
        self.prune(keep={snapshot})

    def discard(self, snapshot: Path) -> None:
        shutil.rmtree(snapshot, ignore_errors=True)

    def prune(self, keep: set[Path]) -> None:
        """Remove snapshots older than the current one and the one before it."""
        if not self.snapshots.is_dir():
            return
        current = self.current()
        ordered = sorted((p for p in self.snapshots.iterdir() if p.is_dir()), key=lambda p: p.name)
        protected = {p.resolve() for p in keep} | ({current} if current else set())
        # A snapshot gets its manifest just before it is published: one without is what a
        # killed build left. It must not take the place of the previous snapshot, which
        # readers may still have open.
        older = [p for p in ordered if p.resolve() not in protected
                 and (current is None or p.name < current.name) and (p / MANIFEST).is_file()]
        for path in ordered:
            if path.resolve() not in protected and not (path / MANIFEST).is_file():
                shutil.rmtree(path, ignore_errors=True)
        for path in older[:-KEEP_PREVIOUS] if KEEP_PREVIOUS else older:
            shutil.rmtree(path, ignore_errors=True)
        # snapshots newer than current are leftovers of builds that died before publishing
        for path in ordered:
            if current is not None and path.name > current.name and path.resolve() not in protected:
                shutil.rmtree(path, ignore_errors=True)


def open_write(snapshot: Path) -> ox.Store:
    try:
        return ox.Store(str(snapshot / "db"))
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"cannot create the database in {snapshot}: {exc}") from None


def merge_into_default_graph(db: ox.Store) -> int:
    """Copy every named graph's triples into the default graph, which thereby becomes their
    RDF merge (a set: a triple several graphs hold is there once). Returns its size."""
    # one update inside Oxigraph: about 30 % faster than copying the quads through Python
    db.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return sum(1 for _ in db.quads_for_pattern(None, None, None, ox.DefaultGraph()))
