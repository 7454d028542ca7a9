"""Full dumps of a store snapshot as gzipped files, each with its SHA-256 beside it:

    {snapshot}/dumps/demograph.ttl.gz         the merge of the graphs (Turtle)
    {snapshot}/dumps/demograph.ttl.gz.sha256  its checksum, as `sha256sum` writes it
    {snapshot}/dumps/demograph.nt.gz          the merge (N-Triples)
    {snapshot}/dumps/demograph.nq.gz          every named graph (N-Quads)
    {snapshot}/dumps/demograph.jsonld.gz      every named graph (JSON-LD)

``demograph build`` and ``demograph load`` write them into the new snapshot before it is
published, so a snapshot and its dumps appear together and the web server only reads them.
A snapshot without dumps (written by an older version) and a remote store get theirs from
:class:`DumpMaker`, in a background thread, under a cache directory — never in the store.

A dump is written by Oxigraph's serialiser straight into a gzip stream on disk (the same
``export`` as ``demograph export``), hashed as it is written, so it never holds the graph in
memory and is never read twice; it appears under its name with one ``rename`` once complete
and once its checksum is in place, so a reader never sees half a file or a file without its
checksum. No Flask here: the web layer serves the files, ``bench/dumps.py`` measures them.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pyoxigraph as ox

from .errors import StoreError
from .load import export

if TYPE_CHECKING:
    from .store.remote import RemoteStore

log = logging.getLogger("demograph.dumps")

DUMPS_DIR = "dumps"  # the folder of a snapshot (or of a cached version) holding its dumps
CHECKSUM_SUFFIX = ".sha256"


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
    """One dump of one snapshot; ``path`` is None while it is not made yet."""

    format: DumpFormat
    path: Path | None = None
    size: int | None = None  # bytes, compressed
    modified: float | None = None  # the file's mtime
    sha256: str | None = None  # of the compressed bytes, as served

    @property
    def ready(self) -> bool:
        return self.path is not None


class _Hashing:
    """A binary file that hashes what is written to it: the checksum costs no second read."""

    def __init__(self, raw: "os.PathLike[str] | str") -> None:
        self._file = open(raw, "wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self._file.write(data)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def write_dump(store: ox.Store, folder: Path, fmt: DumpFormat, union_default: bool) -> Dump:
    """Write ``fmt``'s dump of ``store`` into ``folder``, its checksum beside it."""
    path = folder / fmt.filename
    partial = folder / f".{fmt.filename}.{os.getpid()}.{threading.get_ident()}.partial"
    checksum = folder / (fmt.filename + CHECKSUM_SUFFIX)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        raw = _Hashing(partial)
        try:
            # mtime=0: the same snapshot gives the same bytes, whichever process wrote them
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw,  # type: ignore[arg-type]
                               compresslevel=COMPRESSION, mtime=0) as out:
                export(store, fmt.key, out, union_default)  # type: ignore[arg-type]
        finally:
            raw.close()
        hexdigest = raw.digest.hexdigest()
        # the checksum first: a dump that is visible always has its checksum
        tmp = checksum.with_name(checksum.name + ".tmp")
        tmp.write_text(f"{hexdigest}  {fmt.filename}\n", "ascii")
        os.replace(tmp, checksum)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write the dump {path}: {exc.strerror or exc}") from None
    stat = path.stat()
    return Dump(fmt, path, stat.st_size, stat.st_mtime, hexdigest)


def write_dumps(store: ox.Store, folder: Path, union_default: bool = False) -> list[Dump]:
    """Every dump of ``store`` into ``folder`` (a new snapshot's ``dumps/``)."""
    return [write_dump(store, folder, fmt, union_default) for fmt in FORMATS]


def read_dump(folder: Path, fmt: DumpFormat) -> Dump:
    """The dump of ``fmt`` in ``folder``, or one not made yet (no file, or no checksum: a
    dump is only published with its checksum, so a file without one is not finished)."""
    path = folder / fmt.filename
    try:
        recorded = (folder / (fmt.filename + CHECKSUM_SUFFIX)).read_text("ascii").split()
        stat = path.stat()
    except (OSError, UnicodeDecodeError):
        return Dump(fmt)
    if not recorded or not re.fullmatch(r"[0-9a-f]{64}", recorded[0]):
        return Dump(fmt)
    return Dump(fmt, path, stat.st_size, stat.st_mtime, recorded[0])


def read_dumps(folder: Path) -> list[Dump]:
    return [read_dump(folder, fmt) for fmt in FORMATS]


# --- dumps the server makes itself ------------------------------------------------------
# What the dumps are made from: a store and whether its default graph is empty (union).
Source = Callable[[], AbstractContextManager[tuple[ox.Store, bool]]]


@contextmanager
def snapshot_source(snapshot: Path, union_default: bool) -> Iterator[tuple[ox.Store, bool]]:
    """A read-only handle of exactly this snapshot, so the dumps cannot mix two of them."""
    try:
        store = ox.Store.read_only(str(snapshot / "db"))
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"snapshot {snapshot.name} cannot be opened: {exc}") from None
    yield store, union_default


REMOTE_TIMEOUT = 600.0  # seconds for one graph's CONSTRUCT: a dump is made rarely


@contextmanager
def remote_source(remote: "RemoteStore", version: str,
                  workdir: Path) -> Iterator[tuple[ox.Store, bool]]:
    """A copy of the remote store's generation ``version`` in a temporary on-disk store
    (not memory: a remote store is the one that outgrew a machine), graph by graph, with the
    merge computed as the build computes it. Refuses a copy during which the store changed."""
    from .store.oxigraph import merge_into_default_graph

    folder = workdir / f".copy-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        db = ox.Store(str(folder))
        for graph in remote.manifest().graphs:
            name = ox.NamedNode(graph)
            # the graph named as the dataset too: a union-dialect store (Virtuoso) reads
            # GRAPH only among the named graphs the request lists
            result = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}",
                                  named_graphs=[graph], timeout=REMOTE_TIMEOUT)
            db.extend(ox.Quad(t.subject, t.predicate, t.object, name)
                      for t in result.triples)  # type: ignore[union-attr]
        merge_into_default_graph(db)
        if remote.version() != version:
            raise StoreError("the remote store was replaced while its dumps were being made; "
                             "they will be made from the new data")
        yield db, False
        del db
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class _Failure:
    message: str
    at: float


class DumpMaker:
    """Dumps of snapshots that came without them, made in the background under
    ``{cache}/dumps/{version}/``: one thread per process, one writer across processes (a
    file lock), and nothing ever waits for them — a request meanwhile is told to come back."""

    RETRY_FAILED = 60.0  # seconds before a failed making is tried again

    def __init__(self, cache: Path) -> None:
        self.root = Path(cache) / DUMPS_DIR
        self._lock = threading.Lock()
        self._running: dict[str, threading.Thread] = {}
        self._failed: dict[str, _Failure] = {}

    def folder(self, version: str) -> Path:
        # a remote store's generation comes from the store: never a path as it stands
        safe = version if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}", version) else \
            hashlib.sha256(version.encode()).hexdigest()[:32]
        return self.root / safe

    def find(self, version: str, built: Path | None = None) -> list[Dump]:
        """The dumps of ``version``: those written with the snapshot (``built``), else those
        made here; a format neither has comes back not ready."""
        found = read_dumps(built) if built is not None else [Dump(f) for f in FORMATS]
        if all(d.ready for d in found):
            return found
        cached = read_dumps(self.folder(version))
        return [d if d.ready else c for d, c in zip(found, cached)]

    def making(self, version: str) -> bool:
        thread = self._running.get(version)
        return thread is not None and thread.is_alive()

    def failure(self, version: str) -> str | None:
        failed = self._failed.get(version)
        return failed.message if failed else None

    def ensure(self, version: str, source: Source) -> None:
        """Start making ``version``'s missing dumps, unless that is under way (or failed
        less than a minute ago). Returns at once."""
        with self._lock:
            if self.making(version):
                return
            failed = self._failed.get(version)
            if failed is not None and time.monotonic() - failed.at < self.RETRY_FAILED:
                return
            thread = threading.Thread(target=self._make, args=(version, source),
                                      name=f"dumps-{version}", daemon=True)
            self._running = {version: thread}  # an older version's thread just finishes
            thread.start()

    def wait(self, version: str, timeout: float | None = None) -> None:
        """For tests and tools: until the making of ``version`` has ended."""
        thread = self._running.get(version)
        if thread is not None:
            thread.join(timeout)

    def _make(self, version: str, source: Source) -> None:
        folder = self.folder(version)
        started = time.perf_counter()
        try:
            with self._file_lock():  # blocks this thread only: another process may be at it
                missing = [f for f in FORMATS if not read_dump(folder, f).ready]
                if missing:
                    with source() as (store, union_default):
                        for fmt in missing:
                            write_dump(store, folder, fmt, union_default)
                    log.info("made the dumps of %s in %.1f s", version, time.perf_counter() - started)
                self._prune(keep=folder.name)
            self._failed.pop(version, None)
        except Exception as exc:  # noqa: BLE001 — a thread's error would vanish: keep it
            message = str(exc) if isinstance(exc, StoreError) else f"{type(exc).__name__}: {exc}"
            log.error("making the dumps of %s failed: %s", version, message)
            self._failed[version] = _Failure(message, time.monotonic())

    def _prune(self, keep: str) -> None:
        """Remove the dumps of older versions (names sort by age), never a newer one's, which
        another server on the newer snapshot may be serving."""
        for folder in self.root.iterdir():
            if folder.is_dir() and not folder.name.startswith(".") and folder.name < keep:
                shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / ".lock", "w")
        except OSError as exc:
            raise StoreError(f"cannot write dumps in the cache directory {self.root}: "
                             f"{exc.strerror}; set DEMOGRAPH_CACHE_DIR to a writable "
                             "directory") from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
