"""``demograph load`` and ``demograph export``: other RDF into the store, the store out as RDF.

RDF is parsed by Oxigraph's parsers, which never fetch anything (no remote JSON-LD
contexts, no XML external entities); RDF/XML whose entities would expand without bound is
refused before it is parsed (:func:`check_xml_entities`); and the RDF is loaded into a copy
of the current snapshot that replaces it only when the result validates — the same atomic
swap a build uses.
"""

from __future__ import annotations

import re
import zlib
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
# what a .gz input may uncompress to, and what entity references in an RDF/XML file may
# add to it, in bytes
MAX_GUNZIPPED_BYTES = 512 * 1024**2
MAX_ENTITY_EXPANSION = 16 * 1024**2
_ENTITY_DECLARATION = re.compile(rb'<!ENTITY\s+([^\s%"\'<>]+)\s+"([^"]*)"\s*>')

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


def check_xml_entities(data: bytes, name: str) -> None:
    """Refuse what would make an XML parser read files or grow without bound.

    Oxigraph's RDF/XML parser never reads external entities, but it does expand internal
    ones, entities within entities too: 7 levels of ten make a literal of 380 MB from a file
    of 1 KB ("billion laughs"). Plain abbreviations (``<!ENTITY owl "http://…#">``), as OWL
    files use, stay allowed while what they expand to stays small."""
    declared = _ENTITY_DECLARATION.findall(data)
    if len(declared) != data.count(b"<!ENTITY"):
        raise RdfInputError(f"{name}: XML entity declarations other than simple "
                            "<!ENTITY name \"text\"> (external or parameter entities) are refused")
    expanded = 0
    for entity, value in declared:
        if b"&" in value:
            raise RdfInputError(f"{name}: the XML entity '{entity.decode(errors='replace')}' refers "
                                "to other entities; nested entity expansion is refused")
        expanded += data.count(b"&" + entity + b";") * len(value)
    if expanded > MAX_ENTITY_EXPANSION:
        raise RdfInputError(f"{name}: XML entities would expand to more than "
                            f"{MAX_ENTITY_EXPANSION // 1024**2} MB of text; refused")


def _gunzip(raw: bytes, name: str) -> bytes:
    """A gzip file's content (every member), refused past MAX_GUNZIPPED_BYTES: 10 MB of
    gzip can hold 10 GB of zeros."""
    parts: list[bytes] = []
    size = 0
    try:
        while raw:
            inflate = zlib.decompressobj(wbits=31)
            part = inflate.decompress(raw, MAX_GUNZIPPED_BYTES + 1 - size)
            size += len(part)
            if size > MAX_GUNZIPPED_BYTES:
                raise RdfInputError(f"{name}: uncompresses to more than "
                                    f"{MAX_GUNZIPPED_BYTES // 1024**2} MB; refused")
            if not inflate.eof:
                raise RdfInputError(f"{name}: not valid gzip: the stream is cut short")
            parts.append(part)
            raw = inflate.unused_data
    except zlib.error as exc:
        raise RdfInputError(f"{name}: not valid gzip: {exc}") from None
    return b"".join(parts)


def parse_file(path: Path) -> list[ox.Quad]:
    """All statements of an RDF file, or an RdfInputError naming the file and the problem."""
    fmt = rdf_format(path)
    try:
        raw = path.read_bytes()
        data = _gunzip(raw, str(path)) if path.suffix == ".gz" else raw
        if fmt == ox.RdfFormat.RDF_XML:
            check_xml_entities(data, str(path))
        return list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        reason = str(exc)
        if "LoadDocumentCallback" in reason:  # Oxigraph's words for a context it would fetch
            reason = ("its @context names a document elsewhere (a URL or a file), which is never "
                      "fetched; put the context in the file itself")
        raise RdfInputError(f"{path}: not valid {fmt.name}: {reason}") from None
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
            # the new snapshot's dumps, before it is published (see build); imported here
            # because dumps.py uses this module's export
            from .dumps import DUMPS_DIR, write_dumps

            write_dumps(db, snapshot / DUMPS_DIR)
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

