"""Full dumps of a store snapshot as gzipped files, made once per snapshot and kept on disk:

    {store}/dumps/{snapshot}/demograph.ttl.gz   the merge of the graphs (Turtle)
    {store}/dumps/{snapshot}/demograph.nt.gz    the merge (N-Triples)
    {store}/dumps/{snapshot}/demograph.nq.gz    every named graph (N-Quads)
    {store}/dumps/{snapshot}/demograph.jsonld.gz every named graph (JSON-LD)
    {store}/dumps/.lock                         one writer at a time, across processes

A dump is written by Oxigraph's serialiser straight into a gzip stream on disk (the same
``export`` as ``demograph export``), so it never holds the graph in memory; it appears under
its name with one ``rename`` once complete, so a reader never sees half a file. Builds take a
file lock, so the workers of one server do not write the same dump twice; when a snapshot's
dumps are made, those of older snapshots are removed. No Flask here: the web layer serves the
files, ``bench/dumps.py`` measures them.
"""

from __future__ import annotations

import fcntl
import gzip
import os
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from .errors import StoreError
from .load import export


@dataclass(frozen=True)
class DumpFormat:
    key: str  # as `demograph export --format` names it
    title: str
    media_type: str  # of the uncompressed content
    file_type: str  # the EU file-type authority's code (DCAT-AP)
    graphs: bool  # whether the named graphs are kept (else their merge)

    @property
    def filename(self) -> str:
        return f"demograph.{self.key}.gz"


FORMATS: tuple[DumpFormat, ...] = (
    DumpFormat("ttl", "Turtle", "text/turtle", "RDF_TURTLE", False),
    DumpFormat("nt", "N-Triples", "application/n-triples", "RDF_N_TRIPLES", False),
    DumpFormat("nq", "N-Quads", "application/n-quads", "RDF_N_QUADS", True),
    DumpFormat("jsonld", "JSON-LD", "application/ld+json", "JSON_LD", True),
)
BY_FILENAME = {f.filename: f for f in FORMATS}
COMPRESSION = 6  # zlib's default: level 9 takes about twice as long for a few per cent


@dataclass(frozen=True)
class Dump:
    format: DumpFormat
    path: Path
    size: int  # bytes, compressed
    modified: float  # the file's mtime


class Dumps:
    """The dumps kept under ``root`` (``{store}/dumps``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def get(self, snapshot: str, fmt: DumpFormat, open_store: Callable[[], ox.Store],
            union_default: bool) -> Dump:
        """The dump of ``snapshot`` in ``fmt``, written now if it is not there yet."""
        path = self.root / snapshot / fmt.filename
        if not path.is_file():
            with self._lock():
                if not path.is_file():  # another process may have written it while we waited
                    self._write(path, fmt, open_store(), union_default)
                    self.prune(keep=snapshot)
        stat = path.stat()
        return Dump(fmt, path, stat.st_size, stat.st_mtime)

    def all(self, snapshot: str, open_store: Callable[[], ox.Store],
            union_default: bool) -> list[Dump]:
        return [self.get(snapshot, fmt, open_store, union_default) for fmt in FORMATS]

    def prune(self, keep: str) -> None:
        """Remove the dumps of snapshots older than ``keep`` (snapshot names sort by age), so
        a server still on an older snapshot never deletes a newer one's dumps."""
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.name < keep:
                shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".lock", "w")
        except OSError as exc:
            raise StoreError(f"cannot write dumps in {self.root}: {exc.strerror}") from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # blocks: the waiter then finds the file made
            yield

    @staticmethod
    def _write(path: Path, fmt: DumpFormat, store: ox.Store, union_default: bool) -> None:
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # mtime=0: the same snapshot gives the same bytes, whichever process wrote them
            with open(partial, "wb") as raw, gzip.GzipFile(
                    filename="", mode="wb", fileobj=raw, compresslevel=COMPRESSION,
                    mtime=0) as out:
                export(store, fmt.key, out, union_default)  # type: ignore[arg-type]
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(f"cannot write the dump {path.name}: {exc.strerror or exc}") \
                from None
