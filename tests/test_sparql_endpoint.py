"""The SPARQL endpoint, served for real on 127.0.0.1 and asked by real clients."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

from demograph.namespaces import DG, SD

from .conftest import Server, start_server, stop_server

KIL = "https://w3id.org/demograph/id/org/kommun/1715"
KIL_COMMITMENTS = (f"SELECT ?c ?t WHERE {{ ?c <{DG.committedBy}> <{KIL}> ; "
                   f"<{DG.commitmentType}> ?t }} ORDER BY ?c")


def _get(server: Server, params: dict[str, str] | None = None, headers: dict[str, str] | None = None,
         path: str = "/sparql") -> tuple[int, dict[str, str], bytes]:
    url = server.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    return _send(urllib.request.Request(url, headers=headers or {}))


def _post(server: Server, body: bytes, content_type: str | None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    if content_type is None:  # urllib always adds one to a POST; http.client does not
        parsed = urllib.parse.urlsplit(server.sparql)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        try:
            connection.request("POST", parsed.path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.headers), response.read()
        finally:
            connection.close()
    request = urllib.request.Request(server.sparql, data=body, method="POST", headers=headers or {})
    request.add_header("Content-Type", content_type)
    return _send(request)


def _send(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wrapper(server: Server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


# --- real clients -------------------------------------------------------------------------
def test_sparqlwrapper_json(server: Server) -> None:
    result = _wrapper(server, KIL_COMMITMENTS, JSON).queryAndConvert()
    rows = result["results"]["bindings"]  # type: ignore[index]
    assert [r["c"]["value"].rsplit("/", 1)[-1] for r in rows] == ["1", "2", "3", "4", "5"]


def test_sparqlwrapper_xml(server: Server) -> None:
    document = _wrapper(server, KIL_COMMITMENTS, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert sum(u.startswith("https://w3id.org/demograph/id/commitment/kommun-1715/") for u in uris) == 5


@pytest.mark.parametrize("fmt,separator", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(server: Server, fmt: str, separator: str) -> None:
    text = _wrapper(server, KIL_COMMITMENTS, fmt).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    lines = [line for line in text.splitlines() if line]
    assert len(lines) == 6 and separator in lines[0]
    assert "commitment-type/intern" in text


def test_sparqlwrapper_construct_turtle_and_jsonld(server: Server) -> None:
    query = f"CONSTRUCT {{ ?c <{DG.committedBy}> <{KIL}> }} WHERE {{ ?c <{DG.committedBy}> <{KIL}> }}"
    turtle = _wrapper(server, query, TURTLE).queryAndConvert()
    graph = Graph().parse(data=turtle, format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 5
    jsonld = _wrapper(server, query, JSONLD).query()
    assert jsonld.response.headers["Content-Type"].startswith("application/ld+json")


def test_rdflib_sparqlstore(server: Server) -> None:
    graph = Graph(store=SPARQLStore(server.sparql, returnFormat="json"))
    rows = list(graph.query(KIL_COMMITMENTS))
    assert len(rows) == 5
    assert {str(t).rsplit("/", 1)[-1] for _, t in rows} == {"extern", "kommunikativ", "intern"}


# --- the protocol -------------------------------------------------------------------------
def test_get_post_form_and_post_direct_agree(server: Server) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    _, _, by_get = _get(server, {"query": KIL_COMMITMENTS}, accept)
    _, _, by_form = _post(server, urllib.parse.urlencode({"query": KIL_COMMITMENTS}).encode(),
                          "application/x-www-form-urlencoded", accept)
    _, _, direct = _post(server, KIL_COMMITMENTS.encode(), "application/sparql-query", accept)
    assert json.loads(by_get) == json.loads(by_form) == json.loads(direct)


@pytest.mark.parametrize("accept,expected", [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
])
def test_accept_with_q_values(server: Server, accept: str, expected: str) -> None:
    status, headers, _ = _get(server, {"query": "ASK {}"}, {"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(expected)


def test_format_parameter_overrides_accept(server: Server) -> None:
    status, headers, body = _get(server, {"query": KIL_COMMITMENTS, "format": "csv"},
                                 {"Accept": "application/sparql-results+xml"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.startswith(b"c,t")


def test_unacceptable_format_is_406(server: Server) -> None:
    status, _, body = _get(server, {"query": "ASK {}"}, {"Accept": "image/png"})
    assert status == 406 and b"offered" in body


@pytest.mark.parametrize("accept,parser", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                           ("application/rdf+xml", "xml")])
def test_construct_formats_parse(server: Server, accept: str, parser: str) -> None:
    query = f"DESCRIBE <{KIL}>"
    status, headers, body = _get(server, {"query": query}, {"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    graph = Graph().parse(data=body, format=parser)
    assert (URIRef(KIL), DG.signed, None) in graph


def test_protocol_dataset_limits_the_graphs(server: Server) -> None:
    reference = "https://w3id.org/demograph/graph/reference"
    query = f"ASK {{ ?c <{DG.committedBy}> ?a }}"
    status, _, body = _get(server, {"query": query, "default-graph-uri": reference},
                           {"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is False  # commitments are not there
    status, _, body = _get(server, {"query": query}, {"Accept": "application/sparql-results+json"})
    assert json.loads(body)["boolean"] is True  # the union default graph has them


def test_unknown_graph_is_empty_not_fetched(server: Server) -> None:
    status, _, body = _get(server, {"query": "ASK FROM <http://127.0.0.1:9/x> { ?s ?p ?o }"},
                           {"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["boolean"] is False


# --- safety -------------------------------------------------------------------------------
@pytest.mark.parametrize("send,status", [
    (lambda s: _get(s, {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}), 403),
    (lambda s: _post(s, b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"), 403),
    (lambda s: _post(s, b"update=CLEAR%20ALL", "application/x-www-form-urlencoded"), 403),
    (lambda s: _get(s, {"query": "DROP ALL"}), 403),
    (lambda s: _get(s, {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}), 400),
    (lambda s: _get(s, {"query": "SELECT * {" + "{" * 200 + "}" * 201}), 400),
    (lambda s: _post(s, b"SELECT * {} #" + b"x" * 70_000, "application/sparql-query"), 413),
    (lambda s: _post(s, b"ASK {}", "text/plain"), 415),
    (lambda s: _post(s, b"ASK {}", None), 415),
    (lambda s: _post(s, "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"), 415),
    (lambda s: _get(s, {"query": "SELEC ?x"}), 400),
    (lambda s: _post(s, b"format=json", "application/x-www-form-urlencoded"), 400),
])
def test_refusals(server: Server, send: object, status: int) -> None:
    code, headers, body = send(server)  # type: ignore[operator]
    assert code == status, body
    assert b"Traceback" not in body


def test_syntax_error_is_json_when_json_is_asked(server: Server) -> None:
    status, headers, body = _get(server, {"query": "SELECT ?x WHERE { ?x"},
                                 {"Accept": "application/sparql-results+json"})
    error = json.loads(body)["error"]
    assert status == 400 and error["status"] == 400
    assert "syntax error" in error["message"] and "1:" in error["message"]  # with its position


def test_two_query_parameters_are_refused(server: Server) -> None:
    status, _, body = _send(urllib.request.Request(server.sparql + "?query=ASK%7B%7D&query=ASK%7B%7D"))
    assert status == 400 and b"exactly one" in body


# --- caching ------------------------------------------------------------------------------
def test_etag_and_304(server: Server) -> None:
    params = {"query": KIL_COMMITMENTS + " # etag"}
    status, headers, _ = _get(server, params, {"Accept": "text/csv"})
    assert status == 200 and headers["ETag"] and "max-age" in headers["Cache-Control"]
    status, again, body = _get(server, params, {"Accept": "text/csv", "If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    # a cache that weakened the tag (W/) still gets its 304: If-None-Match compares weakly
    status, _, body = _get(server, params, {"Accept": "text/csv",
                                            "If-None-Match": f'"x", W/{headers["ETag"]}'})
    assert status == 304 and body == b""
    _, other, _ = _get(server, params, {"Accept": "application/sparql-results+json"})
    assert other["ETag"] != headers["ETag"]  # the format is part of the tag


def test_repeated_query_is_served_from_the_cache(server: Server) -> None:
    params = {"query": KIL_COMMITMENTS + " # cache"}
    first = _get(server, params)
    second = _get(server, params)
    assert first[1]["X-Demograph-Cache"] == "miss" and second[1]["X-Demograph-Cache"] == "hit"
    assert first[2] == second[2]


def test_volatile_queries_are_not_cached(server: Server) -> None:
    status, headers, _ = _get(server, {"query": "SELECT (NOW() AS ?t) {}"})
    assert status == 200 and "ETag" not in headers and headers["Cache-Control"] == "no-store"


def test_row_cap_is_announced(server: Server) -> None:
    status, headers, body = _get(server, {"query": "SELECT ?s WHERE { ?s ?p ?o }"},
                                 {"Accept": "application/sparql-results+json"})
    assert status == 200 and "1000 rows" in headers["X-Demograph-Truncated"]
    assert len(json.loads(body)["results"]["bindings"]) == 1000


# --- description, browser page, CORS, health ----------------------------------------------
def test_service_description_says_what_is_true(server: Server) -> None:
    status, headers, body = _get(server, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    service = URIRef(server.sparql)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert int(graph.value(service, DG.resultRowLimit)) == 1000
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert "https://w3id.org/demograph/graph/reference" in names and len(names) == 8


def test_browser_gets_the_query_page(server: Server) -> None:
    status, headers, body = _get(server, headers={"Accept": "text/html,application/xhtml+xml;q=0.9"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<form" in body and b'name="query"' in body


def test_cors(server: Server) -> None:
    _, headers, _ = _get(server, {"query": "ASK {}"}, {"Origin": "https://example.org"})
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, preflight, _ = _send(urllib.request.Request(server.sparql, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"}))
    assert status == 200 and "POST" in preflight["Access-Control-Allow-Methods"]


def test_health(server: Server) -> None:
    status, _, body = _get(server, path="/health")
    report = json.loads(body)
    assert status == 200 and report["status"] == "ok" and report["triples"] > 10_000


# --- limits that need their own server ----------------------------------------------------
def test_time_limit_stops_the_query_and_the_server_goes_on(seed_store: Path, tmp_path: Path) -> None:
    limited = start_server(seed_store, tmp_path / "serve.log", query_timeout="1", rate_limit="0")
    try:
        started = time.monotonic()
        status, headers, body = _get(limited, {
            "query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        assert status == 503 and b"longer than the limit of 1 seconds" in body
        assert time.monotonic() - started < 10
        assert headers["Retry-After"]
        status, _, body = _get(limited, {"query": "ASK { ?s ?p ?o }"},
                               {"Accept": "application/sparql-results+json"})
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        stop_server(limited)


def test_rate_limit_answers_429_with_retry_after(seed_store: Path, tmp_path: Path) -> None:
    limited = start_server(seed_store, tmp_path / "serve.log", rate_limit="3")
    try:
        codes = [_get(limited, {"query": "ASK {}"})[0] for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429
        status, headers, _ = _get(limited, {"query": "ASK {}"})
        assert status == 429 and int(headers["Retry-After"]) >= 1
    finally:
        stop_server(limited)


def test_head_answers_like_get_without_a_body(server: Server) -> None:
    url = server.sparql + "?" + urllib.parse.urlencode({"query": KIL_COMMITMENTS})
    accept = {"Accept": "application/sparql-results+json"}
    get_status, got, body = _send(urllib.request.Request(url, headers=accept))
    head_status, head, head_body = _send(urllib.request.Request(url, headers=accept, method="HEAD"))
    assert get_status == head_status == 200 and head_body == b""
    assert head["Content-Type"] == got["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert int(head["Content-Length"]) == len(body) > 0
    assert head["ETag"] == got["ETag"] and head["X-Demograph-Rows"] == got["X-Demograph-Rows"] == "5"


def test_refusals_carry_cors_and_the_error_shape(server: Server) -> None:
    status, headers, body = _get(server, {"query": "SELECT ?x WHERE { ?x"},
                                 {"Accept": "application/sparql-results+json"})
    assert status == 400 and headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(body)["error"]["status"] == 400 and headers["Cache-Control"] == "no-store"
    status, headers, body = _post(server, b"query=ASK%20%7B%7D&query=ASK%20%7B%7D",
                                 "application/x-www-form-urlencoded")
    assert status == 400 and headers["Access-Control-Allow-Origin"] == "*"
    assert body.startswith(b"400 Bad Request") and b"2 'query' parameters" in body


def test_access_log_is_a_setting(server: Server, seed_store: Path, tmp_path: Path) -> None:
    _get(server, {"query": "ASK { ?s ?p ?o }"})
    time.sleep(0.5)  # gunicorn writes the line after the answer
    assert "GET /sparql?query=ASK" in Path(server.log.name).read_text(errors="replace")
    quiet = start_server(seed_store, tmp_path / "serve.log", access_log="0", rate_limit="0")
    try:
        assert _get(quiet, {"query": "ASK { ?s ?p ?o }"})[0] == 200
        assert _get(quiet, path="/health")[0] == 200
        time.sleep(0.5)
        logged = (tmp_path / "serve.log").read_text(errors="replace")
        assert "Booting worker" in logged  # the server's own log is still written
        assert "GET /sparql" not in logged and "GET /health" not in logged
    finally:
        stop_server(quiet)
