"""The W3C test manifests (Turtle, read with rdflib) as plain records.

Test and file IRIs are file: URLs of the local copy; a file's URL is also the base IRI of
the query or data it holds and the name of a graph loaded from it (qt:graphData), as the
suites intend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

KINDS = {
    MF.QueryEvaluationTest: "evaluation",
    MF.CSVResultFormatTest: "evaluation",
    MF.PositiveSyntaxTest11: "positive-syntax",
    MF.PositiveSyntaxTest: "positive-syntax",
    MF.NegativeSyntaxTest11: "negative-syntax",
    MF.NegativeSyntaxTest: "negative-syntax",
}


def path_of(iri: str) -> Path:
    parsed = urlparse(iri)
    if parsed.scheme != "file":
        raise ValueError(f"not a file URL: {iri}")
    return Path(unquote(parsed.path))


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def _read(manifest: Path) -> Graph:
    graph = Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    return graph


def _list(graph: Graph, node: object) -> list:
    return list(Collection(graph, node)) if node is not None else []


@dataclass(frozen=True)
class QueryTest:
    suite: str  # the folder, e.g. "aggregates"
    name: str  # the entry's local name, e.g. "agg01"
    kind: str  # "evaluation" | "positive-syntax" | "negative-syntax"
    title: str
    query: Path
    data: tuple[Path, ...] = ()  # qt:data: merged into the default graph
    graph_data: tuple[tuple[str, Path], ...] = ()  # qt:graphData: (graph IRI, file)
    result: Path | None = None
    approval: str = ""

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"

    @property
    def query_iri(self) -> str:
        return self.query.as_uri()


def query_manifests(top: Path) -> list[Path]:
    """The manifests a top manifest includes (mf:include), in order."""
    graph = _read(top)
    found: list[Path] = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for included in _list(graph, graph.value(manifest, MF.include)):
            found.append(path_of(str(included)))
    return found


def query_tests(manifest: Path) -> list[QueryTest]:
    graph = _read(manifest)
    suite = manifest.parent.name
    tests: list[QueryTest] = []
    for entries in graph.objects(None, MF.entries):
        for entry in _list(graph, entries):
            kind = next((KINDS[t] for t in graph.objects(entry, RDF.type) if t in KINDS), None)
            if kind is None:
                continue
            action = graph.value(entry, MF.action)
            approval = graph.value(entry, DAWGT.approval)
            common = dict(suite=suite, name=local_name(str(entry)), kind=kind,
                          title=str(graph.value(entry, MF.name) or ""),
                          approval=local_name(str(approval)) if approval else "")
            if kind != "evaluation":  # the action is the query file itself
                tests.append(QueryTest(query=path_of(str(action)), **common))  # type: ignore[arg-type]
                continue
            graph_data = []
            for item in graph.objects(action, QT.graphData):
                if isinstance(item, URIRef):
                    graph_data.append((str(item), path_of(str(item))))
                else:  # [ qt:graph <file> ; rdfs:label "graph IRI" ]
                    source = graph.value(item, QT.graph) or graph.value(item, UT.graph)
                    label = graph.value(item, RDFS.label)
                    graph_data.append((str(label or source), path_of(str(source))))
            result = graph.value(entry, MF.result)
            tests.append(QueryTest(
                query=path_of(str(graph.value(action, QT.query))),
                data=tuple(sorted(path_of(str(d)) for d in graph.objects(action, QT.data))),
                graph_data=tuple(sorted(graph_data)),
                result=path_of(str(result)) if result is not None else None,
                **common))  # type: ignore[arg-type]
    return tests


# the protocol suite -----------------------------------------------------------------------
@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # as written in the manifest: starts with /sparql/
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected_status: frozenset[str]  # {"2xx", "3xx"} …
    expected_format: str | None  # "boolean" | "tabular" | "RDF"
    expected_boolean: bool | None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    graph_data: tuple[tuple[str, Path], ...]
    requests: tuple[HttpRequest, ...] = field(default_factory=tuple)


def protocol_tests(manifest: Path) -> list[ProtocolTest]:
    graph = _read(manifest)
    tests: list[ProtocolTest] = []
    for entries in graph.objects(None, MF.entries):
        for entry in _list(graph, entries):
            if (entry, RDF.type, MF.ProtocolTest) not in graph:
                continue
            graph_data = []
            for item in graph.objects(entry, UT.graphData):
                source = graph.value(item, UT.graph)
                label = graph.value(item, RDFS.label)
                graph_data.append((str(label or source), path_of(str(source))))
            action = graph.value(entry, MF.action)
            requests = tuple(_request(graph, node)
                             for node in _list(graph, graph.value(action, HT.requests)))
            tests.append(ProtocolTest(local_name(str(entry)), str(graph.value(entry, MF.name) or ""),
                                      tuple(sorted(graph_data)), requests))
    return tests


def _request(graph: Graph, node: object) -> HttpRequest:
    headers = tuple((str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
                    for h in _list(graph, graph.value(node, HT.headers)))
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = frozenset(local_name(str(s)).replace("StatusCode", "").lower()
                         for s in graph.objects(response, MF.expectedStatus))
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    return HttpRequest(str(graph.value(node, HT.methodName)), str(graph.value(node, HT.absolutePath)),
                       headers, body, statuses, str(fmt) if fmt is not None else None,
                       bool(boolean.toPython()) if boolean is not None else None)
