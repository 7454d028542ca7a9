"""Hostile input to the public endpoint: each is refused or answered within bounds, nothing
leaves the machine, no file is read, and the server goes on serving.

"Nothing leaves": a local TCP listener stands in for every address a query names (SERVICE,
FROM, the protocol's dataset) and must see no connection. "No file read": ``file:`` IRIs
point at a temporary file holding a unique marker that must never come back.
test_sparql_endpoint.py already checks the plain refusals (update routes, one SERVICE, 200
braces, 64 KB, Content-Types); these are the attacks beyond them.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from .conftest import Listener, Server, run_cli, start_server, stop_server

# A query over the limit is stopped at the server's query_timeout (5 s in the fixture); the
# response must come well within this, whatever the attack.
ANSWER_WITHIN = 30


@pytest.fixture
def marker_file(tmp_path: Path) -> tuple[Path, str]:
    marker = f"secret-{uuid.uuid4().hex}"
    path = tmp_path / "secret.ttl"
    path.write_text(f'<urn:x> <urn:y> "{marker}" .\n', "utf-8")
    return path, marker


def request(server: Server, method: str, target: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes, float]:
    """One raw HTTP exchange (http.client adds no Content-Type of its own), timed."""
    parsed = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=ANSWER_WITHIN + 10)
    started = time.monotonic()
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return (response.status, dict(response.headers), response.read(),
                time.monotonic() - started)
    finally:
        connection.close()


def ask(server: Server, query: str, accept: str = "application/sparql-results+json",
        **params: str) -> tuple[int, dict[str, str], bytes, float]:
    """POSTed as application/sparql-query (long queries do not fit a request line)."""
    target = "/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    return request(server, "POST", target, query.encode("utf-8"),
                   headers={"Accept": accept, "Content-Type": "application/sparql-query"})


def still_serving(server: Server) -> None:
    """The server answers /health and a real query after the attack."""
    status, _, body, _ = request(server, "GET", "/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, _, body, _ = ask(server, "ASK { ?s a ?type }")
    assert status == 200 and json.loads(body)["boolean"] is True


def refused(status: int, body: bytes, expected: int, words: str) -> None:
    text = body.decode("utf-8", "replace")
    assert status == expected, text
    assert words in text, text
    assert "Traceback" not in text


# --- SERVICE: never a connection ------------------------------------------------------------
SERVICE_QUERIES = {
    "loopback": "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "cloud-metadata": "SELECT * {{ SERVICE <http://169.254.169.254/latest/meta-data/> {{ ?s ?p ?o }} }}",
    "file": "SELECT * {{ SERVICE <{file}> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * {{ BIND(1 AS ?x) SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "variable": "SELECT * {{ BIND(<{url}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "lower-case": "select * {{ bind(1 as ?x) service <{url}> {{ ?s ?p ?o }} }}",
    # the guard once took the \\# of a prefixed name for a comment and let this through:
    # Oxigraph then POSTed the inner query to the listener
    "escaped-local-name": "PREFIX ex: <http://example.org/> SELECT * {{ BIND(ex:a\\# AS ?x) "
                          "SERVICE <{url}> {{ ?s ?p ?o }} }}",
    # and a \\u escape inside an IRI hid the rest of the line the same way
    "escaped-iri": "SELECT * {{ BIND(<http://example.org/\\u0041#> AS ?x) SERVICE <{url}> "
                   "{{ ?s ?p ?o }} }}",
    "no-break-space-iri": "SELECT * {{ BIND(<http://example.org/\u00a0#> AS ?x) SERVICE <{url}> "
                          "{{ ?s ?p ?o }} }}",
    "after-escaped-quote": "PREFIX ex: <http://example.org/> SELECT * {{ ?s ex:a\\' ?o . "
                           "SERVICE <{url}> {{ ?s ?p ?o }} ?s ex:b\\' ?o }}",
}


@pytest.mark.parametrize("name", sorted(SERVICE_QUERIES))
def test_service_is_refused_and_nothing_is_called(server: Server, listener: Listener,
                                                  marker_file: tuple[Path, str], name: str) -> None:
    path, marker = marker_file
    query = SERVICE_QUERIES[name].format(url=listener.url, file=path.as_uri())
    status, _, body, _ = ask(server, query, accept="text/plain")
    refused(status, body, 400, "SERVICE (federated query) is not allowed")
    assert marker.encode() not in body
    still_serving(server)


# --- datasets: graphs are looked up in the store, never fetched -----------------------------
def test_from_and_from_named_with_remote_and_file_iris_read_nothing(
        server: Server, listener: Listener, marker_file: tuple[Path, str]) -> None:
    path, marker = marker_file
    for query in (f"SELECT * FROM <{listener.url}g> {{ ?s ?p ?o }}",
                  f"SELECT * FROM <{path.as_uri()}> {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{listener.url}g> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                  f"SELECT * FROM NAMED <{path.as_uri()}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        status, _, body, _ = ask(server, query)
        # documented: an unknown graph is empty (README, "What it will not do")
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"] == []
        assert marker.encode() not in body
    still_serving(server)


def test_protocol_dataset_naming_urls_reads_nothing(
        server: Server, listener: Listener, marker_file: tuple[Path, str]) -> None:
    path, marker = marker_file
    for graph in (listener.url + "g", path.as_uri()):
        for param in ("default-graph-uri", "named-graph-uri"):
            status, _, body, _ = ask(server, "SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                                     **{param: graph})
            assert status == 200, body
            assert json.loads(body)["results"]["bindings"] == []
            assert marker.encode() not in body
    still_serving(server)


# --- updates, by every route ------------------------------------------------------------------
def _triples(server: Server) -> int:
    return int(json.loads(request(server, "GET", "/health")[2])["triples"])


UPDATE_ROUTES = {
    "GET query=LOAD": ("GET", "/sparql?" + urllib.parse.urlencode({"query": "LOAD <{url}>"}), None, {}),
    "GET update=LOAD": ("GET", "/sparql?" + urllib.parse.urlencode({"update": "LOAD <{url}>"}), None, {}),
    "POST form query=CLEAR": ("POST", "/sparql", b"query=CLEAR%20ALL",
                              {"Content-Type": "application/x-www-form-urlencoded"}),
    "POST form query= and update=": ("POST", "/sparql", b"query=ASK%7B%7D&update=DROP%20ALL",
                                     {"Content-Type": "application/x-www-form-urlencoded"}),
    "POST sparql-query DROP": ("POST", "/sparql", b"DROP SILENT DEFAULT",
                               {"Content-Type": "application/sparql-query"}),
    "POST sparql-query LOAD INTO": ("POST", "/sparql", b"LOAD SILENT <{url}> INTO GRAPH <urn:g>",
                                    {"Content-Type": "application/sparql-query"}),
    "POST sparql-update with charset": ("POST", "/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                        {"Content-Type": "application/sparql-update; charset=utf-8"}),
    "POST sparql-query with update= in the URL": (
        "POST", "/sparql?update=CLEAR%20ALL", b"ASK {}", {"Content-Type": "application/sparql-query"}),
    "POST prologue then DELETE": ("POST", "/sparql",
                                  b"PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
                                  {"Content-Type": "application/sparql-query"}),
}


@pytest.mark.parametrize("name", sorted(UPDATE_ROUTES))
def test_updates_are_refused_by_every_route(server: Server, listener: Listener, name: str) -> None:
    before = _triples(server)
    method, target, body, headers = UPDATE_ROUTES[name]
    target = target.replace(urllib.parse.quote_plus("{url}"), urllib.parse.quote_plus(listener.url))
    body = body.replace(b"{url}", listener.url.encode()) if body else None
    status, _, answer, _ = request(server, method, target, body, {"Accept": "text/plain", **headers})
    refused(status, answer, 403, "updates are not allowed")
    assert _triples(server) == before
    still_serving(server)


# --- expensive queries: bounded time, bounded memory -----------------------------------------
LONG = "a" * 5000 + "!"


@pytest.mark.parametrize("query", [
    # Oxigraph's regex engine is linear-time: no catastrophic backtracking
    f'SELECT (COUNT(*) AS ?n) {{ ?s ?p ?o BIND(CONCAT(STR(?o), "{LONG}") AS ?x) '
    'FILTER(REGEX(?x, "^(a+)+$")) }',
    f'ASK {{ FILTER(REGEX("{LONG}", "^(a|aa)+$")) }}',
])
def test_pathological_regex_is_answered_in_bounded_time(server: Server, query: str) -> None:
    status, _, body, elapsed = ask(server, query)
    assert status in (200, 503), body
    assert elapsed < ANSWER_WITHIN
    still_serving(server)


def test_invalid_regex_is_an_error_not_a_crash(server: Server) -> None:
    # SPARQL's rule: an error in a FILTER makes it false, so the answer is empty, not a crash
    status, _, body, _ = ask(server, 'SELECT ?s { ?s ?p ?o FILTER(REGEX(STR(?o), "(unclosed[")) } LIMIT 5')
    assert status == 200, body
    assert json.loads(body)["results"]["bindings"] == []
    status, _, body, _ = ask(server, 'SELECT ?s { ?s ?p ?o FILTER(REGEX(STR(?o), "x", "Z")) } LIMIT 5')
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    still_serving(server)


@pytest.mark.parametrize("query", [
    # counted, so the row cap cannot end them early: only the time limit does
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) { ?s (<urn:p>|!<urn:p>)* ?o . ?o (<urn:p>|!<urn:p>)* ?x }",
    # sorted, so every row must be made before the first is sent
    "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
])
def test_unbounded_queries_are_stopped_at_the_time_limit(server: Server, query: str) -> None:
    status, headers, body, elapsed = ask(server, query, accept="text/csv")
    assert elapsed < ANSWER_WITHIN
    if status == 503:
        assert b"longer than the limit of 5 seconds" in body or b"stopped unexpectedly" in body
        assert headers["Retry-After"]
    else:  # finished within the limit on a fast machine: then it must be a real answer
        assert status == 200, body
    still_serving(server)


def test_cartesian_product_without_limit_is_cut_at_the_row_cap(server: Server) -> None:
    status, headers, body, elapsed = ask(server, "SELECT * { ?a ?b ?c . ?d ?e ?f }")
    assert status == 200 and "1000 rows" in headers["X-Demograph-Truncated"]
    assert len(json.loads(body)["results"]["bindings"]) == 1000
    assert elapsed < ANSWER_WITHIN


def test_concat_doubling_is_stopped_by_the_memory_limit(server: Server) -> None:
    """Forty doublings ask for a terabyte: the worker's address-space limit stops it (or the
    time limit, whichever comes first) and the server goes on."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(40))
    status, _, body, elapsed = ask(server, f"SELECT (STRLEN(?x40) AS ?n) {{ BIND('ab' AS ?x0) {binds} }}",
                                   accept="text/csv")
    assert status == 503, body
    assert b"stopped unexpectedly" in body or b"longer than the limit" in body
    assert elapsed < ANSWER_WITHIN
    still_serving(server)


@pytest.mark.parametrize("query", [
    "SELECT (" + "9" * 20000 + " * " + "9" * 20000 + " AS ?n) {}",
    "SELECT (xsd:double('1e308') * 1e308 AS ?n) {}",
    "SELECT (1 / 0 AS ?n) (ABS(-" + "9" * 5000 + ".5) AS ?m) {}",
    "SELECT (SUBSTR('x', " + "9" * 400 + ") AS ?n) (STRLEN(STR(1e-400)) AS ?m) {}",
])
def test_huge_numbers_are_answered(server: Server, query: str) -> None:
    query = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> " + query
    status, _, body, elapsed = ask(server, query)
    assert status in (200, 400), body
    assert elapsed < ANSWER_WITHIN and b"Traceback" not in body
    still_serving(server)


# --- malformed and oversized requests --------------------------------------------------------
def test_three_thousand_nested_braces_are_refused_before_the_engine(server: Server) -> None:
    for opening, closing in (("{", "}"), ("(", ")")):
        query = "SELECT * WHERE { FILTER(" + opening * 3000 + "1" + closing * 3000 + ") }"
        status, _, body, _ = request(server, "POST", "/sparql", query.encode(),
                                     {"Content-Type": "application/sparql-query"})
        refused(status, body, 400, "deeper than 64 levels")
    still_serving(server)


def test_one_megabyte_query_is_refused(server: Server) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1024 * 1024
    status, _, body, _ = request(server, "POST", "/sparql", big.encode(),
                                 {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"Traceback" not in body
    form = urllib.parse.urlencode({"query": big}).encode()
    status, _, body, _ = request(server, "POST", "/sparql", form,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and b"Traceback" not in body
    # in the URL: refused by the HTTP server's request-line limit, before the app
    status, _, body, _ = request(server, "GET", "/sparql?query=" + "x" * 1024 * 1024)
    assert 400 <= status < 500 and b"Traceback" not in body
    still_serving(server)


def test_query_in_body_and_url_is_refused(server: Server) -> None:
    status, _, body, _ = request(server, "POST", "/sparql?query=ASK%7B%7D", b"ASK {}",
                                 {"Content-Type": "application/sparql-query"})
    refused(status, body, 400, "give it once")
    status, _, body, _ = request(server, "POST", "/sparql?query=ASK%7B%7D", b"query=ASK%7B%7D",
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    refused(status, body, 400, "exactly one")


@pytest.mark.parametrize("body,content_type,status,words", [
    # UTF-16 without saying so: the bytes are not UTF-8
    ("ASK {}".encode("utf-16"), "application/sparql-query", 400, "not valid UTF-8"),
    (urllib.parse.urlencode({"query": "ASK {}"}).encode("utf-16-le"),
     "application/x-www-form-urlencoded; charset=utf-16", 415, "must be UTF-8"),
    (b"ASK {}", "application/json", 415, "unsupported Content-Type"),
    (b"ASK {}", "multipart/form-data; boundary=x", 415, "unsupported Content-Type"),
    (b"\xff\xfe\x00garbage", "application/sparql-query", 400, "not valid UTF-8"),
])
def test_wrong_encodings_and_content_types(server: Server, body: bytes, content_type: str,
                                           status: int, words: str) -> None:
    code, _, answer, _ = request(server, "POST", "/sparql", body, {"Content-Type": content_type})
    refused(code, answer, status, words)


def test_header_injection_through_parameters_is_inert(server: Server) -> None:
    # a CRLF in the format parameter must not become a header of the response
    status, headers, body, _ = request(
        server, "GET", "/sparql?query=ASK%7B%7D&format=json%0D%0AX-Injected:%201")
    assert "X-Injected" not in headers
    assert status == 406 and b"Traceback" not in body
    still_serving(server)


# --- resource pages: paths and data as attack surface ---------------------------------------
@pytest.mark.parametrize("path", [
    # SPARQL injection: the path is bound as a value, never spliced into a query
    "/doc/org/kommun/1715%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo",
    "/doc/x%3E%20%7D%3B%20DROP%20ALL%3B%20SELECT%20*%20%7B%20%3Cx",
    '/doc/x"%20.%20%3Fs%20%3Fp%20%3Fo%20%23',
    "/doc/x%5C%3E%20%7B",
    # path traversal, raw and encoded
    "/doc/../../../../etc/passwd", "/doc/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/doc/%2e%2e/%2e%2e/pyproject.toml", "/static/..%2F..%2Fconfig.py",
    "/dumps/..%2F..%2F..%2Fpyproject.toml", "/doc/file:%2F%2F%2Fetc%2Fpasswd",
])
def test_hostile_doc_paths_are_not_found(server: Server, path: str) -> None:
    status, _, body, _ = request(server, "GET", path, headers={"Accept": "text/html"})
    assert status in (400, 404), (status, body[:300])
    assert b"root:x:0:0" not in body and b"[project]" not in body and b"Traceback" not in body
    still_serving(server)


@pytest.mark.parametrize("path", ["/doc/x%0D%0ASet-Cookie:%20hacked=1", "/id/x%0D%0ASet-Cookie:%20hacked=1",
                                  "/id/x%0ASet-Cookie:hacked=1?lang=en%0D%0ASet-Cookie:%20hacked=2"])
def test_crlf_in_paths_makes_no_header(server: Server, path: str) -> None:
    status, headers, body, _ = request(server, "GET", path)
    assert status in (303, 400, 404), (status, body[:300])
    assert "Set-Cookie" not in headers
    if status == 303:  # the name redirects to its document, the CR LF percent-encoded in it
        assert "\r" not in headers["Location"] and "\n" not in headers["Location"]
        assert "%0D%0A" in headers["Location"] or "%0A" in headers["Location"]


SCRIPT = "<script>alert('demograph')</script>"


def test_script_in_a_literal_and_a_javascript_iri_are_inert_on_the_page(
        own_store: Path, tmp_path: Path) -> None:
    """Data added by `demograph load` is untrusted, on the pages of existing resources too
    (test_pages.py covers a resource made only of hostile data): no markup, no script link."""
    data = tmp_path / "hostile.ttl"
    data.write_text(f"""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/demograph/id/org/kommun/1715> rdfs:comment "{SCRIPT}"@sv ;
            <http://example.org/link> <javascript:alert(1)> .
        <javascript:alert(2)> rdfs:label "{SCRIPT}"@sv ;
            <http://example.org/link> <https://w3id.org/demograph/id/org/kommun/1715> .
        """, "utf-8")
    loaded = run_cli("load", data, "--graph", "http://example.org/hostile", store=own_store)
    assert loaded.code == 0, loaded.err
    served = start_server(own_store, tmp_path / "serve.log", rate_limit="0")
    try:
        status, _, page, _ = request(served, "GET", "/doc/org/kommun/1715",
                                     headers={"Accept": "text/html"})
        assert status == 200
        html = page.decode("utf-8")
        assert SCRIPT not in html and "<script>alert" not in html
        # the actor page embeds its data as JSON-LD: there the literal cannot close the script
        assert "\\u003cscript\\u003ealert(" in html
        assert 'href="javascript:' not in html.lower() and "href='javascript:" not in html.lower()
        assert '"javascript:alert(1)"' in html  # named in the data, never a link
        status, _, turtle, _ = request(served, "GET", "/doc/org/kommun/1715.ttl")
        assert status == 200 and b"javascript:alert(1)" in turtle  # the data itself is kept
    finally:
        stop_server(served)
