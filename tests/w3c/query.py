"""One W3C query-suite test, run two ways and judged against the suite's expected result:

* **direct** — pyoxigraph in-process: a fresh in-memory store, qt:data in the default graph,
  each qt:graphData in a named graph with its own IRI, ``store.query(text, base_iri=<the
  query file's URL>)``;
* **endpoint** — a live `demograph serve`: a fresh snapshot holding the test's data is
  published to the server's store (qt:data in the named graph ``urn:w3c:default``, each
  qt:graphData under its own IRI) and the query is POSTed with ``default-graph-uri=urn:w3c:default``
  and one ``named-graph-uri`` per qt:graphData. A query with its own FROM / FROM NAMED is
  sent without protocol graphs instead, with the FROM graphs in the snapshot under their IRIs.

The protocol has no way to pass a base IRI, so the endpoint gets the query with
``BASE <query file URL>`` put in front: the same base the direct run is given.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urljoin

import pyoxigraph as ox
from rdflib import Graph

from demograph.store.oxigraph import Manifest, SnapshotDir, open_write

from .http import send
from .manifest import QueryTest, path_of
from .results import (GraphResult, Result, compare, from_oxigraph_result, graph_from_ntriples,
                      parse_csv, parse_rdf_results, parse_srj, parse_srx, parse_tsv)

DEFAULT_GRAPH = "urn:w3c:default"
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
               ".rdf": ox.RdfFormat.RDF_XML, ".nq": ox.RdfFormat.N_QUADS,
               ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".n3": ox.RdfFormat.N3}
RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".n3": "n3"}
ACCEPT = {
    "solutions": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "graph": "application/n-triples",
    "syntax": "application/sparql-results+json, application/n-triples",
}
RESPONSE_TYPES = {"solutions": "application/sparql-results+json", "csv": "text/csv",
                  "tsv": "text/tab-separated-values", "graph": "application/n-triples"}


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    test: QueryTest
    direct: Outcome
    endpoint: Outcome

    @property
    def lost(self) -> bool:
        """The web layer lost a test pyoxigraph passes."""
        return self.direct.passed and not self.endpoint.passed


# the test's inputs ------------------------------------------------------------------------
def expected(test: QueryTest) -> tuple[str, Result]:
    """(result kind, expected result); kind says how to ask the endpoint and how to compare:
    "solutions" (also ASK), "graph", or "csv"/"tsv" for the results-format tests."""
    assert test.result is not None, f"{test.id}: no mf:result"
    suffix = test.result.suffix
    data = test.result.read_bytes()
    if suffix == ".srx":
        return "solutions", parse_srx(data)
    if suffix == ".srj":
        return "solutions", parse_srj(data)
    if suffix == ".tsv":
        return "tsv", parse_tsv(data)
    if suffix == ".csv":
        return "csv", parse_csv(data)
    graph = Graph()
    graph.parse(test.result, format=RDFLIB_FORMATS[suffix], publicID=test.result.as_uri())
    result = parse_rdf_results(graph)
    return ("graph" if isinstance(result, GraphResult) else "solutions"), result


_TOKENS = re.compile(
    r'(?P<iri><[^<>"{}|^`\\\s]*>)'
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_DECLARATION = re.compile(r"(?<![?$\w])(BASE|PREFIX\s+([\w.-]*):)\s*<([^>]*)>", re.IGNORECASE)
_FROM = re.compile(r"(?<![?$\w:])FROM\s+(NAMED\s+)?(<[^>]*>|[\w.-]*:[\w.-]*)", re.IGNORECASE)


def from_graphs(query: str, base: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and FROM NAMED clauses, resolved."""
    code = _TOKENS.sub(lambda m: m.group("iri") or " " * len(m.group(0)), query)
    prefixes: dict[str, str] = {}
    for match in _DECLARATION.finditer(code):
        if match.group(1).upper() == "BASE":
            base = urljoin(base, match.group(3))
        else:
            prefixes[match.group(2)] = urljoin(base, match.group(3))
    defaults: list[str] = []
    named: list[str] = []
    for match in _FROM.finditer(code):
        name = match.group(2)
        if name.startswith("<"):
            iri = urljoin(base, name[1:-1])
        else:
            prefix, _, local = name.partition(":")
            iri = prefixes.get(prefix, prefix + ":") + local
        (named if match.group(1) else defaults).append(iri)
    return defaults, named


def _file(iri: str) -> Path | None:
    try:
        path = path_of(iri)
    except ValueError:
        return None
    return path if path.is_file() else None


def _load(store: ox.Store, path: Path, graph: ox.NamedNode | None) -> None:
    store.load(path=str(path), format=RDF_FORMATS[path.suffix], base_iri=path.as_uri(),
               to_graph=graph if graph is not None else ox.DefaultGraph())


def _graphs(test: QueryTest, query: str) -> list[tuple[str, Path]]:
    """Named graphs the test needs: its qt:graphData and any graph a FROM clause reads."""
    graphs = dict(test.graph_data)
    defaults, named = from_graphs(query, test.query_iri)
    for iri in defaults + named:
        path = _file(iri)
        if path is not None:
            graphs.setdefault(iri, path)
    return sorted(graphs.items())


# direct ----------------------------------------------------------------------------------
def run_direct(test: QueryTest, query: str) -> Outcome:
    store = ox.Store()
    try:
        if test.kind != "evaluation":
            return _syntax(test, lambda: _consume(store.query(query, base_iri=test.query_iri)))
        kind, wanted = expected(test)
        for path in test.data:
            _load(store, path, None)
        for iri, path in _graphs(test, query):
            _load(store, path, ox.NamedNode(iri))
        result = store.query(query, base_iri=test.query_iri)
        if kind in ("csv", "tsv"):
            fmt = ox.QueryResultsFormat.CSV if kind == "csv" else ox.QueryResultsFormat.TSV
            data = result.serialize(format=fmt)  # type: ignore[union-attr]
            got: Result = parse_csv(data) if kind == "csv" else parse_tsv(data)
        else:
            got = from_oxigraph_result(result)
        reason = compare(wanted, got)
        return Outcome(reason is None, reason or "")
    except Exception as exc:  # noqa: BLE001 — any failure of the engine is the test's verdict
        return Outcome(False, f"{type(exc).__name__}: {_short(str(exc))}")


def _consume(result: object) -> None:
    if not isinstance(result, ox.QueryBoolean):
        for _ in result:  # type: ignore[attr-defined]
            pass


def _syntax(test: QueryTest, evaluate: object) -> Outcome:
    try:
        evaluate()  # type: ignore[operator]
    except SyntaxError as exc:
        if test.kind == "negative-syntax":
            return Outcome(True)
        return Outcome(False, f"rejected: {_short(str(exc))}")
    except Exception:  # noqa: BLE001 — it parsed; evaluating it is not what is tested
        pass
    if test.kind == "negative-syntax":
        return Outcome(False, "accepted a query that is not valid SPARQL")
    return Outcome(True)


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " …"


# endpoint --------------------------------------------------------------------------------
class Endpoint:
    """A running server (base URL) and the store directory it serves."""

    def __init__(self, url: str, sparql: str, store: Path) -> None:
        self.url = url
        self.path = sparql[len(url):]
        self.snapshots = SnapshotDir(store)
        self.published = 0

    def publish(self, graphs: list[tuple[str, Path]]) -> None:
        """A fresh snapshot holding exactly these (graph IRI, file) pairs, made current."""
        with self.snapshots.lock():
            snapshot = self.snapshots.new_snapshot()
            try:
                db = open_write(snapshot)
                for iri, path in graphs:
                    _load(db, path, ox.NamedNode(iri))
                db.flush()
                triples = len(db)
                del db
                self.snapshots.publish(snapshot, Manifest(
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "https://example.org/",
                    {iri: "loaded" for iri, _ in graphs}, {}, triples))
            except BaseException:
                self.snapshots.discard(snapshot)
                raise
        self.published += 1

    def ask(self, query: str, kind: str, default: list[str] | None, named: list[str] | None
            ) -> tuple[int, str, bytes]:
        params: list[tuple[str, str]] = [("default-graph-uri", g) for g in default or []]
        params += [("named-graph-uri", g) for g in named or []]
        path = self.path + ("?" + urlencode(params) if params else "")
        reply = send(self.url, "POST", path, [("Content-Type", "application/sparql-query"),
                                              ("Accept", ACCEPT[kind])], query.encode("utf-8"))
        return reply.status, reply.media_type, reply.body


def run_endpoint(endpoint: Endpoint, test: QueryTest, query: str) -> Outcome:
    text = f"BASE <{test.query_iri}>\n{query}"
    try:
        if test.kind != "evaluation":
            status, _, body = endpoint.ask(text, "syntax", [DEFAULT_GRAPH], [])
            message = _error_message(body) if status != 200 else ""
            # as in the direct run, a query that parsed but failed to evaluate (an unknown
            # extension function) was accepted: the endpoint says "query evaluation failed"
            accepted = status == 200 or (status == 400 and message.startswith("query evaluation"))
            if test.kind == "negative-syntax":
                return Outcome(not accepted and 400 <= status < 500,
                               "" if not accepted and 400 <= status < 500 else
                               f"HTTP {status}{': ' + message if message else ''}, expected a refusal")
            return Outcome(accepted, "" if accepted else f"HTTP {status}: {message}")
        kind, wanted = expected(test)
        graphs = [(DEFAULT_GRAPH, path) for path in test.data] + _graphs(test, query)
        endpoint.publish(graphs)
        defaults, named = from_graphs(query, test.query_iri)
        if defaults or named:  # the query names its dataset: no protocol graphs
            status, media, body = endpoint.ask(text, kind, None, None)
        else:
            status, media, body = endpoint.ask(text, kind, [DEFAULT_GRAPH],
                                               [iri for iri, _ in test.graph_data])
        if status != 200:
            return Outcome(False, f"HTTP {status}: {_error_message(body)}")
        if media != RESPONSE_TYPES[kind]:
            return Outcome(False, f"asked for {RESPONSE_TYPES[kind]}, got {media or 'no type'}")
        got = _parse(kind, body)
        reason = compare(wanted, got)
        return Outcome(reason is None, reason or "")
    except Exception as exc:  # noqa: BLE001 — a broken answer is the test's verdict
        return Outcome(False, f"{type(exc).__name__}: {_short(str(exc))}")


def _error_message(body: bytes) -> str:
    """The message of the endpoint's error body (JSON when the client asked for JSON)."""
    text = body.decode("utf-8", "replace")
    try:
        return _short(str(json.loads(text)["error"]["message"]))
    except (ValueError, KeyError, TypeError):
        return _short(text)


def _parse(kind: str, body: bytes) -> Result:
    if kind == "graph":
        return GraphResult(graph_from_ntriples(body))
    if kind == "csv":
        return parse_csv(body)
    if kind == "tsv":
        return parse_tsv(body)
    return parse_srj(body)


def run(endpoint: Endpoint, test: QueryTest) -> Verdict:
    query = test.query.read_text("utf-8")
    return Verdict(test, run_direct(test, query), run_endpoint(endpoint, test, query))
