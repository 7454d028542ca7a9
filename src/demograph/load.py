"""``demograph load`` and ``demograph export``: other RDF into the store, the store out as RDF.

RDF is parsed by Oxigraph's parsers, which never fetch anything (no remote JSON-LD
contexts, no XML external entities), and loaded into a copy of the current snapshot that
replaces it only when the result validates — the same atomic swap a build uses.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import URIRef

from .errors import RdfInputError, StoreError, UsageError
from .knowledge import Knowledge
from .namespaces import slugify
from .prefixes import PREFIXES
from .store.convert import quads_to_graph
from .store.oxigraph import SnapshotDir, merge_into_default_graph, open_write
from .validate import ValidationReport, validate

EXTENSIONS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}
EXPORT_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                  "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


@dataclass
class LoadReport:
    graph: str
    triples: int
    validation: ValidationReport
    published: bool


def rdf_format(path: Path) -> ox.RdfFormat:
    suffixes = path.suffixes[-2:] if path.suffix == ".gz" else path.suffixes[-1:]
    suffix = suffixes[0].lower() if suffixes else ""
    if suffix not in EXTENSIONS:
        raise UsageError(f"{path}: unknown RDF format '{suffix}' "
                         f"(known: {', '.join(sorted(EXTENSIONS))}, optionally .gz)")
    return EXTENSIONS[suffix]


def parse_file(path: Path) -> list[ox.Quad]:
    """All statements of an RDF file, or an RdfInputError naming the file and the problem."""
    fmt = rdf_format(path)
    try:
        raw = path.read_bytes()
        data = gzip.decompress(raw) if path.suffix == ".gz" else raw
        return list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise RdfInputError(f"{path}: not valid {fmt.name}: {exc}") from None
    except (OSError, EOFError) as exc:
        raise RdfInputError(f"{path}: cannot read: {exc}") from None


def load(files: Sequence[Path], store_root: Path, knowledge: Knowledge,
         graph: str | None = None) -> LoadReport:
    snapshots = SnapshotDir(store_root)
    manifest = snapshots.manifest()
    name = URIRef(graph) if graph else knowledge.minter.graph(
        "loaded/" + slugify("-".join(p.stem for p in files))[:80])
    if not str(name).startswith(("http://", "https://", "urn:")):
        raise UsageError(f"--graph {name}: a graph name must be an absolute http(s) or urn: IRI")
    if manifest.graphs.get(str(name), "loaded") != "loaded":
        raise UsageError(f"--graph {name}: that graph is built from data/ and cannot be loaded into")
    quads: list[ox.Quad] = []
    for path in files:
        quads.extend(parse_file(path))
    data = quads_to_graph(quads)
    check = validate(data + knowledge.context.closure(data),
                     ontology=knowledge.ontology)
    if not check.conforms:
        return LoadReport(str(name), len(data), check, False)
    target = ox.NamedNode(str(name))
    with snapshots.lock():
        current = snapshots.require_current()
        snapshot = snapshots.new_snapshot()
        try:
            source = ox.Store.read_only(str(current / "db"))
            source.backup(str(snapshot / "db"))
            del source
            db = open_write(snapshot)
            db.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)
            manifest.graphs[str(name)] = "loaded"
            manifest.triples = merge_into_default_graph(db)
            manifest.default_graph = "merge"
            db.flush()
            del db
            snapshots.publish(snapshot, manifest)
        except OSError as exc:
            snapshots.discard(snapshot)
            raise StoreError(f"load failed: {exc}") from None
        except BaseException:
            snapshots.discard(snapshot)
            raise
    return LoadReport(str(name), len(data), check, True)


def export(store: ox.Store, fmt: str, out: BinaryIO, union_default: bool = False) -> None:
    """Dump the store: N-Quads and JSON-LD its named graphs, Turtle and N-Triples their merge
    (the default graph, streamed; or, for a snapshot without one, the union made distinct)."""
    rdf_format = EXPORT_FORMATS[fmt]
    if rdf_format.supports_datasets:
        ox.serialize((q for q in store.quads_for_pattern(None, None, None)
                      if not isinstance(q.graph_name, ox.DefaultGraph)), out, format=rdf_format,
                     prefixes=PREFIXES if rdf_format == ox.RdfFormat.JSON_LD else None)
        return
    if not union_default:
        store.dump(out, format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
        return
    seen: set[ox.Triple] = set()
    triples = []
    for quad in store.quads_for_pattern(None, None, None):
        triple = ox.Triple(quad.subject, quad.predicate, quad.object)
        if triple not in seen:
            seen.add(triple)
            triples.append(triple)
    ox.serialize(triples, out, format=rdf_format, prefixes=PREFIXES)

