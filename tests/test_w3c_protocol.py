"""The W3C SPARQL 1.1 Protocol tests (sparql11/protocol/manifest.ttl) against a live
`demograph serve`: every request sent exactly as the manifest writes it — method, path,
headers, body in its stated character encoding — and the answer checked for its status
class, its format (a boolean, a table of solutions, or an RDF graph) and its boolean.

The endpoint is read-only, so the update-protocol tests are expected to fail in one
specific way: see READ_ONLY below.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from .conftest import Server, run_cli, start_server, stop_server
from .w3c import SUITES
from .w3c.http import Reply, send
from .w3c.manifest import HttpRequest, ProtocolTest, protocol_tests
from .w3c.results import Boolean, Solutions, parse_csv, parse_srj, parse_srx, parse_tsv

MANIFEST = SUITES / "protocol" / "manifest.ttl"
TESTS: list[ProtocolTest] = protocol_tests(MANIFEST) if MANIFEST.is_file() else []

# The SPARQL 1.1 Update operations of the protocol (update_*: an update, then a query that
# checks what it did) expect 2xx. This endpoint is read-only by design — it serves a
# published knowledge graph and refuses every update before any query worker sees it
# (sparql.py: 403 for an `update` parameter or an application/sparql-update body) — so for
# these tests the expectation is reversed: the update must be refused with a 4xx, and the
# follow-up query must find that nothing was written (its ASK answers false). The
# bad_update_* tests already expect a 4xx, which a read-only endpoint gives them too.
READ_ONLY = {t.name for t in TESTS if t.name.startswith("update_")}
UPDATE_TESTS = READ_ONLY | {t.name for t in TESTS if t.name.startswith("bad_update_")}

# Endpoint bugs this suite has found, each to be fixed in src/ (not here). The marks are
# strict: once the endpoint is fixed the test passes, the xfail turns into a failure, and
# the entry must be removed.
KNOWN_BUGS: dict[str, str] = {}

RDF_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "text/plain": "nt",
               "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def endpoint(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seed store plus the protocol suite's data1..3.nt, each in the named graph the
    manifest gives it (ut:graphData), served with the rate limit off."""
    work = tmp_path_factory.mktemp("w3c-protocol")
    store = work / "store"
    shutil.copytree(seed_store, store, symlinks=True)
    graphs = sorted({pair for test in TESTS for pair in test.graph_data})
    assert graphs, "the protocol manifest names no ut:graphData"
    for iri, path in graphs:
        result = run_cli("load", path, "--graph", iri, store=store)
        assert result.code == 0, f"loading {path.name} into <{iri}>: {result.err}"
    server = start_server(store, work / "serve.log", rate_limit="0", query_timeout="10")
    yield server
    stop_server(server)


def _path(server: Server, manifest_path: str) -> str:
    """The manifest's /sparql/… with the endpoint's own path in its place."""
    assert manifest_path.startswith("/sparql/"), manifest_path
    rest = manifest_path[len("/sparql/"):]
    endpoint_path = server.sparql[len(server.url):]
    return endpoint_path + (rest if rest.startswith("?") or not rest else "/" + rest)


def _results(reply: Reply) -> Solutions | Boolean:
    parsers = {"application/sparql-results+json": parse_srj, "application/json": parse_srj,
               "application/sparql-results+xml": parse_srx, "application/xml": parse_srx,
               "text/csv": parse_csv, "text/tab-separated-values": parse_tsv}
    parser = parsers.get(reply.media_type)
    assert parser is not None, f"not a SPARQL results type: {reply.content_type!r}"
    return parser(reply.body)


def _graph(reply: Reply) -> Graph:
    fmt = RDF_PARSERS.get(reply.media_type)
    assert fmt is not None, f"not an RDF type: {reply.content_type!r}"
    graph = Graph()
    graph.parse(data=reply.body.decode("utf-8"), format=fmt)
    return graph


def _check(reply: Reply, request: HttpRequest, where: str) -> None:
    status_class = f"{reply.status // 100}xx"
    assert status_class in request.expected_status, (
        f"{where}: HTTP {reply.status}, expected {' or '.join(sorted(request.expected_status))}"
        f" — {reply.text()}")
    if request.expected_format == "boolean":
        result = _results(reply)
        assert isinstance(result, Boolean), f"{where}: expected a boolean result, got {result}"
        if request.expected_boolean is not None:
            assert result.value is request.expected_boolean, \
                f"{where}: expected {request.expected_boolean}, got {result.value}"
    elif request.expected_format == "tabular":
        result = _results(reply)
        assert isinstance(result, Solutions), f"{where}: expected solutions, got {result}"
    elif request.expected_format == "RDF":
        _graph(reply)  # parses, or fails with the parser's message


def _read_only(request: HttpRequest, first: bool) -> HttpRequest:
    """The expectation for an update test on a read-only endpoint (see READ_ONLY)."""
    if first:
        return HttpRequest(request.method, request.path, request.headers, request.body,
                           frozenset({"4xx"}), None, None)
    return HttpRequest(request.method, request.path, request.headers, request.body,
                       request.expected_status, "boolean", False)


def test_the_manifest_was_read() -> None:
    if not MANIFEST.is_file():
        pytest.skip(f"the W3C test suites are not at {SUITES}")
    assert len(TESTS) >= 30
    assert READ_ONLY, "no update_* tests found: the READ_ONLY expectation is stale"


@pytest.mark.skipif(not MANIFEST.is_file(), reason=f"the W3C test suites are not at {SUITES}")
@pytest.mark.parametrize("test", [
    pytest.param(t, id=t.name, marks=[pytest.mark.xfail(reason=KNOWN_BUGS[t.name], strict=True)]
                 if t.name in KNOWN_BUGS else []) for t in TESTS])
def test_protocol(endpoint: Server, test: ProtocolTest) -> None:
    assert test.requests, f"{test.name}: no requests in the manifest"
    for position, request in enumerate(test.requests):
        if test.name in READ_ONLY:
            request = _read_only(request, first=position == 0)
        reply = send(endpoint.url, request.method, _path(endpoint, request.path),
                     list(request.headers), request.body)
        where = f"{test.name} request {position + 1} ({request.method} {request.path[:60]})"
        _check(reply, request, where)


@pytest.mark.skipif(not MANIFEST.is_file(), reason=f"the W3C test suites are not at {SUITES}")
def test_an_update_leaves_the_store_unchanged(endpoint: Server) -> None:
    """After all the refused updates (CLEAR ALL, DROP ALL …) the loaded graphs are still there."""
    query = ("ASK { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> "
             "{ ?s a <http://xmlns.com/foaf/0.1/Document> } }")
    for request in [r for t in TESTS if t.name in UPDATE_TESTS for r in t.requests[:1]]:
        send(endpoint.url, request.method, _path(endpoint, request.path),
             list(request.headers), request.body)
    reply = send(endpoint.url, "POST", _path(endpoint, "/sparql/"),
                 [("Content-Type", "application/sparql-query"),
                  ("Accept", "application/sparql-results+json")], query.encode())
    assert reply.status == 200, reply.text()
    assert json.loads(reply.body)["boolean"] is True
