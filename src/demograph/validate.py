"""SHACL validation: may this graph be published? The only module that imports pyshacl.

The shapes live in the repository's ``shapes/`` directory (every ``*.ttl`` there), one node
shape per class of MODEL.md, each rule with a message in Swedish and English. A graph
*conforms* when no result has severity ``sh:Violation``; warnings are reported but do not block.

>>> from rdflib import Graph
>>> report = validate(Graph())
>>> report.conforms, report.findings
(True, ())
>>> print(report.format_text())
Conforms: yes — 0 violations, 0 warnings, 0 infos
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

SHAPES_DIR = Path(__file__).resolve().parent / "resources" / "shapes"  # the repository's shapes/, also in wheels

SEVERITIES = ("Violation", "Warning", "Info")

_PREFIXES = {
    "dg": "https://w3id.org/demograph/def/",
    "dgc": "https://w3id.org/demograph/concept/",
    "dgsh": "https://w3id.org/demograph/shapes/",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}


@dataclass(frozen=True)
class Finding:
    """One validation result.

    ``constraint`` is the constraint component's short name (``"MinCount"``, ``"Datatype"``);
    for a named SPARQL constraint it is the constraint's own name (``"SelectorWithinText"``).
    ``path`` is an IRI, or a SPARQL property path (``<…>/<…>``, ``^<…>``) for a complex one.
    ``shape`` is the nearest named shape the result came from.
    """

    focus: str
    path: str | None
    value: str | None
    constraint: str
    severity: str
    message_sv: str
    message_en: str
    shape: str | None


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    findings: tuple[Finding, ...]

    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "Violation")

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (possibly 0)."""
        found = Counter(f.severity for f in self.findings)
        return {severity: found[severity] for severity in SEVERITIES}

    def format_text(self, limit: int | None = 50) -> str:
        """A readable report: one block per finding (at most ``limit``), then a summary line."""
        shown = self.findings if limit is None else self.findings[:limit]
        blocks = [_format_finding(f) for f in shown]
        if len(shown) < len(self.findings):
            blocks.append(f"… and {len(self.findings) - len(shown)} more findings")
        counts = self.counts()
        summary = (
            f"Conforms: {'yes' if self.conforms else 'no'} — "
            f"{_plural(counts['Violation'], 'violation')}, "
            f"{_plural(counts['Warning'], 'warning')}, {_plural(counts['Info'], 'info')}"
        )
        return "\n\n".join([*blocks, summary])

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "findings": [asdict(f) for f in self.findings],
        }


def load_shapes(shapes_dir: Path | None = None) -> Graph:
    """Parse every ``*.ttl`` in ``shapes_dir`` (default: the repository's ``shapes/``) into one graph.

    The graph is cached per directory and shared between callers: do not modify it.
    """
    return _load_shapes(Path(shapes_dir or SHAPES_DIR).resolve())


SCOPE = URIRef("https://w3id.org/demograph/shapes/scope")
REFERENCE_DATA = URIRef("https://w3id.org/demograph/shapes/ReferenceData")


def text_shapes(shapes_dir: Path | None = None) -> Graph:
    """The shapes without those marked ``dgsh:scope dgsh:ReferenceData``: what declaration
    texts' graphs need. Texts never create kommuner, places, groups or concepts; their
    descriptions travel with a text's graph only so that class checks can see them, and
    they are validated once, with the reference data. Cached; do not modify."""
    return _text_shapes(Path(shapes_dir or SHAPES_DIR).resolve())


@functools.lru_cache(maxsize=8)
def _text_shapes(shapes_dir: Path) -> Graph:
    full = _load_shapes(shapes_dir)
    dropped = set(full.subjects(SCOPE, REFERENCE_DATA))
    shapes = Graph()
    for triple in full:
        if triple[0] not in dropped:
            shapes.add(triple)
    return shapes


@functools.lru_cache(maxsize=8)
def _load_shapes(shapes_dir: Path) -> Graph:
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no shapes (*.ttl) in {shapes_dir}")
    shapes = Graph()
    for file in files:
        shapes.parse(file, format="turtle")
    return shapes


def validate(
    data: Graph | Dataset, *, shapes: Graph | None = None, ontology: Graph | None = None
) -> ValidationReport:
    """Validate ``data`` (a Dataset: the union of its graphs) against the shapes.

    No RDFS inference is run; ``ontology``, if given, is mixed into a copy of the data so its
    class hierarchy counts for ``sh:class``. ``data`` itself is never modified.
    """
    shapes_graph = shapes if shapes is not None else load_shapes()
    _, results, _ = pyshacl.validate(
        _query_graph(data, copy=ontology is not None),
        shacl_graph=shapes_graph,
        ont_graph=ontology,
        inference="none",
        advanced=True,  # SHACL-SPARQL constraints and targets
        allow_warnings=True,
        inplace=True,  # _query_graph returns a copy, or a view pyshacl will not change
    )
    findings = sorted(
        (_finding(results, result, shapes_graph) for result in results.objects(None, SH.result)),
        key=lambda f: (SEVERITIES.index(f.severity), f.focus, f.path or "", f.constraint, f.value or ""),
    )
    return ValidationReport(
        conforms=not any(f.severity == "Violation" for f in findings), findings=tuple(findings)
    )


class _PreparedQueryGraph(Graph):
    """A graph whose SPARQL queries, given as text, are parsed once per text and thread.

    pyshacl runs each SPARQL constraint once per focus node and passes the same text each time;
    rdflib would parse it anew (about 20 ms), which made validating 20,000 triples take over a
    minute instead of seconds. The cache is per thread because rdflib keeps evaluation state on
    a parsed query's expressions while it runs.
    """

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


_per_thread = threading.local()


def _prepared_query(text: str) -> Query:
    cache: dict[str, Query] = _per_thread.__dict__.setdefault("queries", {})
    if text not in cache:
        cache[text] = prepareQuery(text)
    return cache[text]


def _query_graph(data: Graph, *, copy: bool) -> Graph:
    """The graph pyshacl validates: a copy (the union, for a Dataset) or a view on data's store."""
    if data.context_aware or copy:
        graph = _PreparedQueryGraph()
        quads = data.quads((None, None, None, None)) if data.context_aware else data
        for s, p, o, *_ in quads:
            graph.add((s, p, o))
        return graph
    return _PreparedQueryGraph(
        store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager
    )


def _finding(results: Graph, result: Node, shapes: Graph) -> Finding:
    component = results.value(result, SH.sourceConstraintComponent)
    source_constraint = results.value(result, SH.sourceConstraint)
    constraint = _local_name(component).removesuffix("ConstraintComponent")
    if constraint == "SPARQL" and isinstance(source_constraint, URIRef):
        constraint = _local_name(source_constraint)
    source_shape = results.value(result, SH.sourceShape)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    message_sv, message_en = _messages(results, result, shapes, (source_constraint, source_shape))
    return Finding(
        focus=_term(results.value(result, SH.focusNode)),
        path=None if path is None else _path(results, path, top=True),
        value=None if value is None else _term(value),
        constraint=constraint,
        severity=_local_name(results.value(result, SH.resultSeverity)),
        message_sv=message_sv,
        message_en=message_en,
        shape=_named_shape(shapes, source_shape),
    )


def _messages(
    results: Graph, result: Node, shapes: Graph, sources: tuple[Node | None, ...]
) -> tuple[str, str]:
    """The Swedish and English messages; pyshacl's own (English) text where a shape has none,
    and the one message there is where a shape has only one language.

    pyshacl drops the language tag when it fills in a SPARQL constraint's message, so an
    untagged message takes the language of the sh:message it was copied from.
    """
    declared = {
        str(m): m.language
        for source in sources
        if source is not None
        for m in shapes.objects(source, SH.message)
        if isinstance(m, Literal)
    }
    by_language: dict[str | None, str] = {}
    for message in results.objects(result, SH.resultMessage):
        language = message.language if isinstance(message, Literal) else None
        by_language.setdefault(language or declared.get(str(message)), str(message))
    english = by_language.get("en") or by_language.get(None) or next(iter(by_language.values()), "")
    return by_language.get("sv") or english, english


def _named_shape(shapes: Graph, shape: Node | None, depth: int = 6) -> str | None:
    """The shape's IRI, or that of the nearest named shape holding it (through sh:property, lists…)."""
    frontier = [shape] if shape is not None else []
    for _ in range(depth):
        named = [n for n in frontier if isinstance(n, URIRef)]
        if named:
            return str(named[0])
        frontier = [s for n in frontier for s in shapes.subjects(None, n)]
    return None


def _path(graph: Graph, path: Node, *, top: bool = False) -> str:
    """A SHACL path as text: a plain IRI at the top level, else SPARQL property path syntax."""
    if isinstance(path, URIRef):
        return str(path) if top else f"<{path}>"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path(graph, step) for step in Collection(graph, path))
    for predicate, wrap in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return wrap.format(_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, a) for a in Collection(graph, alternatives)) + ")"
    return _term(path)


def _term(node: Node | None) -> str:
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _local_name(node: Node | None) -> str:
    text = str(node)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]


def _readable(text: str) -> str:
    """IRIs in a finding written with the usual prefixes (``dg:ordinal``), for reading."""
    if text.startswith('"'):
        lexical, hat, datatype = text.rpartition("^^")
        return f"{lexical}^^{_curie(datatype[1:-1])}" if hat and datatype.startswith("<") else text
    if text.startswith(("<", "^", "(")):
        return re.sub(r"<([^<>]*)>", lambda m: _curie(m.group(1)), text)
    return _curie(text, bracket=False)


def _curie(iri: str, *, bracket: bool = True) -> str:
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>" if bracket else iri


def _format_finding(f: Finding) -> str:
    lines = [f"[{f.severity}] {f.constraint}", f"  resource: {f.focus}"]
    if f.path is not None:
        lines.append(f"  property: {_readable(f.path)}")
    if f.value is not None:
        lines.append(f"  value:    {_readable(f.value)}")
    if f.shape is not None:
        lines.append(f"  shape:    {_readable(f.shape)}")
    lines += [f"  sv: {f.message_sv}", f"  en: {f.message_en}"]
    return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
