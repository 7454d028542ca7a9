"""Dereferencing and content negotiation on the real server: /id, /def and /concept answer
303 to /doc, and /doc serves every format by Accept (with q-values) or by suffix, with
Vary, Link, ETag and 304; what it serves parses back and says what the data says."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from .conftest import Server

BASE = "https://w3id.org/demograph/"
DG = "https://w3id.org/demograph/def/"
DGC = "https://w3id.org/demograph/concept/"
KIL = URIRef(BASE + "id/org/kommun/1715")
COMMITMENT = URIRef(BASE + "id/commitment/kommun-1715/3")
VECKA = URIRef(BASE + "id/event/2021/demokrativecka-varmland")
DEMOKRATI = URIRef(DGC + "theme/demokrati")

# path under /doc/ → triples its description must hold
RESOURCES: dict[str, list[tuple[URIRef, URIRef, URIRef | Literal]]] = {
    "org/kommun/1715": [
        (KIL, RDFS.label, Literal("Kils kommun", lang="sv")),
        (KIL, URIRef("http://www.w3.org/ns/org#classification"), URIRef(DGC + "actor-type/kommun")),
        (KIL, URIRef("http://purl.org/dc/terms/identifier"), Literal("1715")),
    ],
    "commitment/kommun-1715/3": [
        (COMMITMENT, URIRef(DG + "committedBy"), KIL),
        (COMMITMENT, URIRef(DG + "relatedEvent"), VECKA),
        (COMMITMENT, RDF.type, URIRef(DG + "Commitment")),
        # the labels of what it links to travel with it
        (KIL, RDFS.label, Literal("Kils kommun", lang="sv")),
        (VECKA, RDFS.label, Literal("Demokrativecka i Värmland 2021", lang="sv")),
    ],
    "concept/theme/demokrati": [
        (DEMOKRATI, SKOS.prefLabel, Literal("demokrati", lang="sv")),
        (DEMOKRATI, SKOS.inScheme, URIRef(DGC + "theme")),
    ],
    "def/Commitment": [
        (URIRef(DG + "Commitment"), RDF.type, OWL.Class),
        (URIRef(DG + "Commitment"), RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Plan")),
    ],
    "event/2021/demokrativecka-varmland": [
        (VECKA, URIRef("https://schema.org/startDate"), Literal("2021-09-01", datatype=XSD.date)),
        (VECKA, URIRef("https://schema.org/endDate"), Literal("2021-11-30", datatype=XSD.date)),
        (VECKA, RDFS.label, Literal("Demokrativecka i Värmland 2021", lang="sv")),
    ],
}
# format → (Accept, suffix, media type, rdflib parser; None for the HTML page)
FORMATS = {
    "turtle": ("text/turtle", ".ttl", "text/turtle", "turtle"),
    "jsonld": ("application/ld+json", ".jsonld", "application/ld+json", "json-ld"),
    "ntriples": ("application/n-triples", ".nt", "application/n-triples", "nt"),
    "rdfxml": ("application/rdf+xml", ".rdf", "application/rdf+xml", "xml"),
    "html": ("text/html", ".html", "text/html", None),
}
JSONLD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def fetch(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed (http.client), so a 303 is seen as a 303."""
    parsed = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _term(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def parse_jsonld(text: str) -> Graph:
    """JSON-LD read by Oxigraph's parser (rdflib's one warns about its own internals), as an
    rdflib graph: a second, independent reader of what the server wrote with rdflib."""
    graph = Graph()
    for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD):
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graph


def parse(body: bytes, media: str, parser: str | None) -> Graph:
    """The RDF in a response: the body, or for HTML the JSON-LD the page embeds."""
    if parser is None:
        scripts = JSONLD_SCRIPT.findall(body.decode("utf-8"))
        assert len(scripts) == 1, "a page embeds exactly one JSON-LD description"
        return parse_jsonld(scripts[0])
    if parser == "json-ld":
        return parse_jsonld(body.decode("utf-8"))
    return Graph().parse(data=body.decode("utf-8"), format=parser)


@pytest.mark.parametrize("how", ["accept", "suffix"])
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("path", list(RESOURCES))
def test_every_format_by_accept_and_by_suffix(server: Server, path: str, fmt: str, how: str) -> None:
    accept, suffix, media, parser = FORMATS[fmt]
    if how == "accept":
        status, headers, body = fetch(server, "/doc/" + path, {"Accept": accept})
    else:  # the suffix wins over any Accept
        status, headers, body = fetch(server, "/doc/" + path + suffix, {"Accept": "image/png"})
    assert status == 200, body[:300]
    assert headers["content-type"].split(";")[0] == media
    graph = parse(body, media, parser)
    for triple in RESOURCES[path]:
        assert triple in graph, f"{triple} missing from the {fmt} of /doc/{path}"


@pytest.mark.parametrize("path", [*RESOURCES, "def/committedBy", "concept/theme"])
def test_every_format_says_the_same(server: Server, path: str) -> None:
    """The page's JSON-LD, the JSON-LD document (both written by the service itself, not by a
    library) and the other formats carry the same statements, blank nodes included (the
    owl:unionOf list of a property's range)."""
    graphs = {}
    for fmt, (_, suffix, media, parser) in FORMATS.items():
        status, _, body = fetch(server, "/doc/" + path + suffix)
        assert status == 200, body[:300]
        graphs[fmt] = parse(body, media, parser)
    assert len(graphs["ntriples"]) > 0
    for fmt, graph in graphs.items():
        assert isomorphic(graph, graphs["ntriples"]), f"the {fmt} of /doc/{path} says otherwise"


def test_json_ld_is_compact_under_the_prefixes(server: Server) -> None:
    status, _, body = fetch(server, "/doc/org/kommun/1715.jsonld")
    assert status == 200
    document = json.loads(body)
    assert document["@context"]["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#"
    kil = document["@graph"][0]  # the resource itself comes first
    assert kil["@id"] == str(KIL)
    assert {"@value": "Kils kommun", "@language": "sv"} in kil["rdfs:label"]
    assert kil["dcterms:identifier"] == ["1715"]


@pytest.mark.parametrize("accept,media", [
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
    ("application/ld+json;q=0.2, text/html;q=0", "application/ld+json"),
    ("text/html;q=0.8, text/turtle", "text/turtle"),
    ("text/*;q=0.5, application/n-triples;q=0.4", "text/html"),
    ("application/json", "application/ld+json"),
    ("text/plain", "application/n-triples"),
    ("*/*", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
])
def test_q_values_decide(server: Server, accept: str, media: str) -> None:
    status, headers, _ = fetch(server, "/doc/org/kommun/1715", {"Accept": accept})
    assert status == 200
    assert headers["content-type"].split(";")[0] == media


def test_no_accept_gets_the_page(server: Server) -> None:
    status, headers, body = fetch(server, "/doc/org/kommun/1715")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<h1>Kils kommun</h1>" in body


def test_unsupported_accept_is_406_in_the_error_shape(server: Server) -> None:
    status, headers, body = fetch(server, "/doc/org/kommun/1715", {"Accept": "image/png"})
    assert status == 406
    assert "text/turtle" in body.decode("utf-8")  # says what is offered
    status, headers, body = fetch(server, "/doc/org/kommun/1715",
                                  {"Accept": "application/sparql-results+json"})
    assert status == 406
    error = json.loads(body)["error"]
    assert error["status"] == 406 and "offered" in error["message"]


def test_vary_and_link_headers_name_every_alternative(server: Server) -> None:
    status, headers, _ = fetch(server, "/doc/org/kommun/1715", {"Accept": "text/turtle"})
    assert status == 200
    assert headers["vary"] == "Accept"
    links = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', headers["link"]))
    assert links == {"/doc/org/kommun/1715.html": "text/html",
                     "/doc/org/kommun/1715.ttl": "text/turtle",
                     "/doc/org/kommun/1715.jsonld": "application/ld+json",
                     "/doc/org/kommun/1715.nt": "application/n-triples",
                     "/doc/org/kommun/1715.rdf": "application/rdf+xml"}
    assert headers["content-location"] == "/doc/org/kommun/1715.ttl"
    for href, media in links.items():  # and each alternative is what it says
        status, alt_headers, _ = fetch(server, href)
        assert status == 200 and alt_headers["content-type"].split(";")[0] == media


def test_etag_gives_304_and_differs_by_format_and_language(server: Server) -> None:
    _, turtle, _ = fetch(server, "/doc/org/kommun/1715", {"Accept": "text/turtle"})
    _, page, _ = fetch(server, "/doc/org/kommun/1715")
    _, english, _ = fetch(server, "/doc/org/kommun/1715?lang=en")
    assert len({turtle["etag"], page["etag"], english["etag"]}) == 3
    status, headers, body = fetch(server, "/doc/org/kommun/1715",
                                  {"Accept": "text/turtle", "If-None-Match": turtle["etag"]})
    assert status == 304 and body == b""
    assert headers["etag"] == turtle["etag"] and headers["vary"] == "Accept"
    # an ETag of another format is not this representation's
    status, _, body = fetch(server, "/doc/org/kommun/1715",
                            {"Accept": "text/turtle", "If-None-Match": page["etag"]})
    assert status == 200 and b"Kils kommun" in body


def test_if_none_match_star_is_304_only_for_what_exists(server: Server) -> None:
    # "*" matches any current representation: there is one of Kil, and none of kommun 9999
    status, headers, body = fetch(server, "/doc/org/kommun/1715", {"If-None-Match": "*"})
    assert status == 304 and body == b"" and headers["etag"]
    status, _, body = fetch(server, "/doc/org/kommun/9999", {"If-None-Match": "*"})
    assert status == 404 and "https://w3id.org/demograph/id/org/kommun/9999" in body.decode("utf-8")
    status, _, body = fetch(server, "/doc/org/kommun/9999.ttl", {"If-None-Match": '"x", *'})
    assert status == 404


@pytest.mark.parametrize("name,document", [
    ("/id/org/kommun/1715", "/doc/org/kommun/1715"),
    ("/id/commitment/kommun-1715/3", "/doc/commitment/kommun-1715/3"),
    ("/def/Commitment", "/doc/def/Commitment"),
    ("/concept/theme/demokrati", "/doc/concept/theme/demokrati"),
    ("/concept/theme", "/doc/concept/theme"),
    ("/id/org/kommun/1715?lang=en", "/doc/org/kommun/1715?lang=en"),
])
def test_names_303_to_their_documents(server: Server, name: str, document: str) -> None:
    status, headers, _ = fetch(server, name, {"Accept": "text/turtle"})
    assert status == 303
    assert headers["location"] == document
    status, headers, _ = fetch(server, document, {"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")


def test_unknown_iris_are_404_for_people_and_for_machines(server: Server) -> None:
    status, headers, _ = fetch(server, "/id/org/kommun/9999")
    assert status == 303 and headers["location"] == "/doc/org/kommun/9999"
    status, headers, body = fetch(server, "/doc/org/kommun/9999")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert "https://w3id.org/demograph/id/org/kommun/9999" in body.decode("utf-8")
    status, headers, body = fetch(server, "/doc/org/kommun/9999", {"Accept": "application/ld+json"})
    assert status == 404
    assert json.loads(body)["error"]["status"] == 404
    status, headers, body = fetch(server, "/doc/def/NoSuchTerm.ttl")
    assert status == 404 and headers["content-type"].startswith("text/plain")


def test_vocabulary_is_documented_and_negotiated(server: Server) -> None:
    status, headers, body = fetch(server, "/def/", {"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert (URIRef(DG + "Commitment"), RDF.type, OWL.Class) in graph
    assert (URIRef(DG + "partner"), RDFS.domain, URIRef(DG + "Commitment")) in graph
    union = graph.value(graph.value(URIRef(DG + "partner"), RDFS.range), OWL.unionOf)
    assert set(graph.items(union)) == {URIRef("http://www.w3.org/ns/org#Organization"),
                                       URIRef("http://xmlns.com/foaf/0.1/Group")}
    status, headers, body = fetch(server, "/def/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    status, headers, body = fetch(server, "/def/index.nt")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    assert (URIRef(DG + "Commitment"), RDF.type, OWL.Class) in Graph().parse(data=body.decode(), format="nt")


@pytest.mark.parametrize("path", ["/doc/%3Cscript%3E", "/doc/a%20b", "/doc/org/x%22y.ttl"])
def test_paths_no_iri_can_have_are_404_not_errors(server: Server, path: str) -> None:
    status, headers, body = fetch(server, path)
    assert status == 404, body[:300]
    assert b"<script>" not in body  # the decoded path is shown escaped, if at all
