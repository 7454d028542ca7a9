"""``demograph build``: texts → validated graph → a new store snapshot, or nothing changes.

Each file is read on its own, so one broken text costs only itself a message; but a build
with any failure publishes nothing unless the caller asks to keep going — the store that
was there goes on answering.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .dumps import DUMPS_DIR, write_dumps
from .errors import DemographError, StoreError, UsageError
from .ingest.mentions import PRECISION_RANK
from .ingest.records import Event, Extraction
from .knowledge import Knowledge
from .namespaces import Minter
from .pipeline import extract_bytes, facts, read_bytes
from .store.convert import graph_to_quads
from .store.oxigraph import Manifest, SnapshotDir, merge_into_default_graph, open_write
from .store.protocol import GraphSet
from .store.remote import RemoteStore
from .validate import ValidationReport, text_shapes, validate



@dataclass
class FileReport:
    name: str
    ok: bool
    message: str = ""
    signatories: int = 0
    commitments: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    files: list[FileReport] = field(default_factory=list)
    findings: list[tuple[str, ValidationReport]] = field(default_factory=list)  # (what, report)
    notes: list[str] = field(default_factory=list)  # what reconciling the texts changed
    published: bool = False
    snapshot: str | None = None
    triples: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    @property
    def conforms(self) -> bool:
        return all(r.conforms for _, r in self.findings)


def collect_inputs(paths: Sequence[Path]) -> list[Path]:
    """Files named, and the files (not hidden, not in hidden folders) under folders named."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file()
                              and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.exists() or path.is_symlink():
            out.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    if not out:
        raise UsageError("no input files: " + ", ".join(str(p) for p in paths))
    return out


def extract_files(files: Iterable[Path], knowledge: Knowledge, report: BuildReport,
                  progress: Callable[[Path], None] | None = None) -> list[Extraction]:
    extractions: list[Extraction] = []
    seen: dict[str, str] = {}
    for path in files:
        if progress:
            progress(path)
        try:
            extraction = extract_bytes(read_bytes(path), path.name, knowledge)
        except DemographError as exc:
            report.files.append(FileReport(path.name, False, str(exc)))
            continue
        if extraction.source.sha256 in seen:
            report.files.append(FileReport(path.name, True, f"same text as "
                                           f"{seen[extraction.source.sha256]}; skipped"))
            continue
        seen[extraction.source.sha256] = path.name
        extractions.append(extraction)
        report.files.append(FileReport(path.name, True, "", len(extraction.signings),
                                       len(extraction.commitments), list(extraction.warnings)))
    return extractions


def reconcile(extractions: list[Extraction], minter: Minter) -> list[str]:
    """Make what several texts share consistent: one description per event (the most precise
    dates any text gives), and distinct IRIs when one actor's commitments come from two texts
    (the later text's commitments number on after the earlier's)."""
    notes: list[str] = []
    merged: dict[URIRef, Event] = {}
    for x in extractions:
        for iri, event in x.events.items():
            best = merged.get(iri)
            if best is None or PRECISION_RANK[event.precision] < PRECISION_RANK[best.precision]:
                merged[iri] = event
    for iri, best in merged.items():
        texts = set().union(*(x.events[iri].date_texts for x in extractions if iri in x.events))
        organizers = set().union(*(x.events[iri].organizers for x in extractions if iri in x.events))
        for x in extractions:
            if iri in x.events:
                own = x.events[iri]
                x.events[iri] = Event(iri, best.event_type, best.label_sv, best.label_en,
                                      best.start_date, best.end_date, best.precision,
                                      own.date_texts if own.precision == best.precision else texts,
                                      best.date_inferred, best.location, organizers)
    used: dict[URIRef, int] = {}
    for x in extractions:
        offsets: dict[URIRef, int] = {}
        for c in x.commitments:
            if c.actor not in offsets:
                offsets[c.actor] = used.get(c.actor, 0)
            offset = offsets[c.actor]
            if offset:
                # IRI and dg:ordinal stay one number: the position among the actor's
                # commitments, its texts taken in file order
                c.ordinal += offset
                new = minter.commitment(Minter.actor_key(c.actor), c.ordinal)
                notes.append(f"{x.source_name}: {c.iri} is taken by another text; numbered {new}")
                c.iri = new
        for actor in offsets:
            used[actor] = offsets[actor] + sum(1 for c in x.commitments if c.actor == actor)
    return notes


def build(paths: Sequence[Path], store_root: Path, knowledge: Knowledge, *,
          keep_going: bool = False,
          progress: Callable[[Path], None] | None = None,
          remote: RemoteStore | None = None, adopt: bool = False) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    files = collect_inputs(paths)
    extractions = extract_files(files, knowledge, report, progress)
    report.notes.extend(reconcile(extractions, knowledge.minter))

    minter = knowledge.minter
    fixed = {"ontology": knowledge.ontology, "concepts": knowledge.concepts,
             "reference": knowledge.reference}
    source_graphs = [(x, facts(x, knowledge)) for x in extractions]
    reference_check, texts_check = _validate_in_parallel(knowledge, [g for _, g in source_graphs])
    report.findings.append(("reference data", reference_check))
    report.findings.append(("declaration texts", texts_check))
    failing = _owners_of_violations(texts_check, source_graphs)
    for x, _ in source_graphs:
        if x.source_name in failing:
            _fail(report, x.source_name, f"does not conform to the shapes "
                                         f"({failing[x.source_name]} violations)")
    source_graphs = [(x, g) for x, g in source_graphs if x.source_name not in failing]

    if (report.failed and not keep_going) or not reference_check.conforms or not source_graphs:
        report.seconds = time.perf_counter() - started
        return report

    if remote is not None:
        _publish_remote(remote, fixed, source_graphs, minter, report, adopt)
        report.seconds = time.perf_counter() - started
        return report

    snapshots = SnapshotDir(store_root)
    with snapshots.lock():
        snapshot = snapshots.new_snapshot()
        try:
            db = open_write(snapshot)
            manifest = Manifest(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), minter.base)
            for name, graph in fixed.items():
                iri = minter.graph(name)
                db.extend(graph_to_quads(graph, iri))
                manifest.graphs[str(iri)] = name
            for x, g in source_graphs:
                db.extend(graph_to_quads(g, x.source_iri))
                manifest.graphs[str(x.source_iri)] = "source"
                manifest.sources[str(x.source_iri)] = x.source_name
            _carry_loaded_graphs(snapshots, db, manifest)
            manifest.triples = merge_into_default_graph(db)
            manifest.default_graph = "merge"
            db.flush()
            db.optimize()
            # the dumps go into the snapshot before it is published: they appear together,
            # and the web server never has to make them (minutes for a large store)
            write_dumps(db, snapshot / DUMPS_DIR)
            del db
            snapshots.publish(snapshot, manifest)
        except OSError as exc:  # a full disk, above all: say so, and the old store stays
            snapshots.discard(snapshot)
            raise StoreError(f"the build could not write its snapshot, nothing was published "
                             f"(the store that was there stays): {exc}") from None
        except BaseException:
            snapshots.discard(snapshot)
            raise
    report.published = True
    report.snapshot = snapshot.name
    report.triples = manifest.triples
    report.seconds = time.perf_counter() - started
    return report


def _publish_remote(remote: RemoteStore, fixed: dict[str, Graph],
                    source_graphs: list[tuple[Extraction, Graph]], minter: Minter,
                    report: BuildReport, adopt: bool = False) -> None:
    """The validated graphs into a remote store: staged, checked, then switched in one
    update (store/remote.py); the public graph IRIs are the same as in the embedded store.
    With ``adopt``, nothing is sent: the store must already hold these graphs and their merge
    (loaded by its own bulk loader) with as many triples each, which is checked, and they
    are then served."""
    graphs: dict[str, list[ox.Triple]] = {}
    kinds: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name, graph in fixed.items():
        iri = str(minter.graph(name))
        graphs[iri], kinds[iri] = _triples(graph), name
    for x, g in source_graphs:
        iri = str(x.source_iri)
        graphs[iri], kinds[iri], sources[iri] = _triples(g), "source", x.source_name
    data = GraphSet(graphs, kinds, sources, minter.base)
    report.snapshot = remote.adopt(data) if adopt else remote.replace(data)
    report.published = True
    report.triples = remote.manifest().triples


def _triples(graph: Graph) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in graph_to_quads(graph, None)]


# Graphs waiting to be validated by forked processes, which inherit them instead of
# pickling them: index 0 is the reference data, the rest are chunks of texts.
_PENDING: list[Graph] = []
_ONTOLOGY: Graph | None = None
TEXTS_PER_CHUNK = 60  # small enough to spread a large build over the cores


def _validate_pending(index: int) -> ValidationReport:
    shapes = None if index == 0 else text_shapes()  # index 0 is the reference data
    return validate(_PENDING[index], shapes=shapes, ontology=_ONTOLOGY)


def _validate_in_parallel(knowledge: Knowledge,
                          graphs: list[Graph]) -> tuple[ValidationReport, ValidationReport]:
    """The reference graph, and the texts' graphs (with the reference resources they point
    to) in chunks of whole texts, validated on all cores at once. Returns the reference's
    report and one report for all the texts."""
    global _PENDING, _ONTOLOGY
    chunks: list[Graph] = []
    for first in range(0, len(graphs), TEXTS_PER_CHUNK):
        union = Graph()
        for g in graphs[first:first + TEXTS_PER_CHUNK]:
            union += g
        union += knowledge.context.closure(union)
        chunks.append(union)
    _PENDING = [knowledge.reference + knowledge.concepts, *chunks]
    _ONTOLOGY = knowledge.ontology
    try:
        context = multiprocessing.get_context("fork")
        workers = max(1, min(len(_PENDING), os.cpu_count() or 1))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            reports = list(pool.map(_validate_pending, range(len(_PENDING))))
    except (OSError, BrokenProcessPool):  # no fork here: validate one after the other
        reports = [_validate_pending(i) for i in range(len(_PENDING))]
    finally:
        _PENDING, _ONTOLOGY = [], None
    texts = reports[1:]
    return reports[0], ValidationReport(all(r.conforms for r in texts),
                                        tuple(f for r in texts for f in r.findings))


def _owners_of_violations(check: ValidationReport,
                          graphs: list[tuple[Extraction, Graph]]) -> dict[str, int]:
    """Which texts the violations belong to: the text whose graph describes the focus node."""
    owners: dict[str, int] = {}
    if check.conforms:
        return owners
    by_subject: dict[str, list[str]] = {}
    for x, g in graphs:
        for subject in set(g.subjects()):
            by_subject.setdefault(str(subject), []).append(x.source_name)
    for finding in check.violations():
        for name in by_subject.get(finding.focus, ["(reference data)"]):
            owners[name] = owners.get(name, 0) + 1
    return owners


def _fail(report: BuildReport, name: str, message: str) -> None:
    for entry in report.files:
        if entry.name == name:
            entry.ok, entry.message = False, message
            return
    report.files.append(FileReport(name, False, message))


def _carry_loaded_graphs(snapshots: SnapshotDir, db: ox.Store, manifest: Manifest) -> None:
    """Graphs added by `demograph load` survive a rebuild of the texts."""
    if snapshots.current() is None:
        return
    try:
        old_manifest = snapshots.manifest()
        old = snapshots.open_read()
    except DemographError:
        return
    for iri, kind in old_manifest.graphs.items():
        if kind == "loaded":
            db.extend(list(old.quads_for_pattern(None, None, None, ox.NamedNode(iri))))
            manifest.graphs[iri] = kind
