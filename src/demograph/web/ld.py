"""Dereferencing: ``/id/…``, ``/def/…`` and ``/concept/…`` name things, ``/doc/…`` is the
document about them (Cool URIs, 303 See Other).

``/doc/<path>`` serves HTML, Turtle, JSON-LD, N-Triples or RDF/XML, chosen by a suffix
(``.ttl`` …) or else by ``Accept`` with q-values; every answer names its alternatives in
``Link`` headers and varies on ``Accept``. The ETag is the snapshot, the path, the query
string and the format, so ``If-None-Match`` naming it is answered with a 304 before any query
runs (``*`` only once the resource is known to exist).
Paths map to IRIs under the configured base (``DEMOGRAPH_BASE``) and the fixed vocabulary
namespaces, so the data is served the same on any host.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request
from rdflib import Graph, URIRef

from ..errors import HttpError
from ..prefixes import PREFIXES
from . import pages
from .cache import Cached
from .errors import error_response
from .negotiate import choose, if_none_match
from .runtime import current as runtime
from .site import lang

bp = Blueprint("ld", __name__)

DEF = PREFIXES["dg"]
CONCEPT = PREFIXES["dgc"]
# format key → (suffix, media type); the order is the order of the Link headers
FORMATS: dict[str, tuple[str, str]] = {
    "html": (".html", "text/html"),
    "turtle": (".ttl", "text/turtle"),
    "jsonld": (".jsonld", "application/ld+json"),
    "ntriples": (".nt", "application/n-triples"),
    "rdfxml": (".rdf", "application/rdf+xml"),
}
SUFFIXES = {suffix: key for key, (suffix, _) in FORMATS.items()}
# Accept offers, first preferred: a browser's "*/*" or no Accept at all gets the page.
OFFER: tuple[tuple[str, str], ...] = (
    ("html", "text/html"), ("html", "application/xhtml+xml"), ("turtle", "text/turtle"),
    ("jsonld", "application/ld+json"), ("ntriples", "application/n-triples"),
    ("rdfxml", "application/rdf+xml"), ("jsonld", "application/json"))
RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "pretty-xml"}
MAX_PAGE = 10_000


def _see_other(path: str) -> Response:
    """303 to the document, keeping the page's language (the only parameter a name carries)."""
    location = quote(path, safe="/-._~")
    if "lang" in request.args:
        location += "?" + urlencode({"lang": lang()})
    response = redirect(location, 303)
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/id/<path:rest>")
def thing(rest: str) -> Response:
    return _see_other("/doc/" + rest)


@bp.route("/def/<path:rest>")
def term(rest: str) -> Response:
    return _see_other("/doc/def/" + rest)


@bp.route("/concept/<path:rest>")
def concept(rest: str) -> Response:
    return _see_other("/doc/concept/" + rest)


def iri_of(rest: str) -> str:
    """The IRI a ``/doc/`` path is about."""
    if rest.startswith("def/"):
        return DEF + rest[len("def/"):]
    if rest.startswith("concept/"):
        return CONCEPT + rest[len("concept/"):]
    return runtime().settings.base + "id/" + rest


def _valid_iri(iri: str) -> bool:
    """Whether ``iri`` can name anything: a path may decode to spaces or ``<`` that no IRI in
    the store can hold (and that the store would refuse to be asked about)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _split_suffix(rest: str) -> tuple[str, str | None]:
    for suffix, key in SUFFIXES.items():
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return rest[: -len(suffix)], key
    return rest, None


def _negotiate(fixed: str | None) -> str:
    if fixed is not None:
        return fixed
    chosen = choose(request.headers.get("Accept"), OFFER)
    if chosen is None:
        offered = ", ".join(media for _, media in FORMATS.values())
        raise HttpError(f"none of the requested formats is offered here; offered: {offered}", 406)
    return chosen


def _alternates(path: str) -> list[dict[str, str]]:
    query = "?" + urlencode({"lang": lang()}) if lang() != "sv" else ""
    return [{"key": key, "href": quote(path + suffix, safe="/-._~") + (query if key == "html" else ""),
             "type": media, "suffix": suffix} for key, (suffix, media) in FORMATS.items()]


def _etag(version: str, path: str, fmt: str) -> str:
    args = urlencode(sorted(request.args.items(multi=True)))
    digest = hashlib.sha256(f"{version}\n{path}\n{args}\n{fmt}".encode()).hexdigest()
    return f'"{digest[:32]}"'


# The only parameters a document's content depends on; a request with others is answered
# but not kept, so made-up query strings cannot fill the cache with copies of one page.
CACHED_ARGS = frozenset({"lang", "page"})


def _cached(version: str, etag: str, make: Callable[[], Response]) -> Response:
    """The body ``make`` renders, kept in the process's result cache (``DEMOGRAPH_RESULT_CACHE``)
    under the ETag (which already hashes the snapshot, path, parameters and format), so a page
    asked for again costs a lookup. The cache forgets everything when the snapshot changes.
    Only the body and its type are kept: the headers are made per request (Content-Location
    differs between a suffixed and a negotiated request for the same body)."""
    cache = runtime().cache
    if cache is None:
        return make()
    key = "doc:" + etag
    entry = cache.get(version, key) if CACHED_ARGS.issuperset(request.args) else None
    if entry is not None:
        response = Response(entry.body, content_type=entry.content_type)
        response.headers["X-Demograph-Cache"] = "hit"
        return response
    response = make()
    if response.status_code == 200 and CACHED_ARGS.issuperset(request.args):
        cache.put(version, key, Cached(response.content_type or "", response.get_data(), ()))
    if response.status_code == 200:
        response.headers["X-Demograph-Cache"] = "miss"
    return response


def _sent_tags() -> set[str]:
    return if_none_match(request.headers.get("If-None-Match"))


def _not_modified(etag: str) -> bool:
    """Whether ``If-None-Match`` names this ETag or ``*``: for resources that always exist."""
    tags = _sent_tags()
    return etag in tags or "*" in tags


def _named(etag: str) -> bool:
    """Whether ``If-None-Match`` names this very ETag (handed out only with a 200, and it hashes
    the snapshot, so naming it proves the resource exists); ``*`` waits for the existence check."""
    return etag in _sent_tags()


def _headers(response: Response, alternates: list[dict[str, str]], etag: str) -> Response:
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _machine(source: Graph | pages.Described, fmt: str) -> Response:
    if fmt == "jsonld":
        first = source.iri if isinstance(source, pages.Described) else None
        triples = source.triples if isinstance(source, pages.Described) else source
        body = pages.jsonld(triples, first, indent=2)
    else:
        graph = source.graph if isinstance(source, pages.Described) else source
        body = graph.serialize(format=RDFLIB_FORMATS[fmt])
    media = FORMATS[fmt][1]
    return Response(body, content_type=f"{media}; charset=utf-8")


def _page_number() -> int:
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        raise HttpError("page must be a whole number", 400) from None
    if not 1 <= number <= MAX_PAGE:
        raise HttpError(f"page must be between 1 and {MAX_PAGE}", 400)
    return number - 1


@bp.route("/doc/<path:rest>")
def document(rest: str) -> Response:
    bare, fixed = _split_suffix(rest)
    fmt = _negotiate(fixed)
    path = "/doc/" + bare
    alternates = _alternates(path)
    data = runtime().data
    version = data.version()
    etag = _etag(version, path, fmt)
    if _named(etag):
        return _headers(Response(status=304), alternates, etag)
    iri = iri_of(bare)
    if not _valid_iri(iri):
        return _not_found(iri, fmt, alternates)
    if "*" in _sent_tags():  # "any current representation": only if there is one
        if not pages.exists(data, URIRef(iri)):
            return _not_found(iri, fmt, alternates)
        return _headers(Response(status=304), alternates, etag)

    def make() -> Response:
        described = pages.describe(data, URIRef(iri))
        if len(described) == 0 and not pages.exists(data, URIRef(iri)):
            return _not_found(iri, fmt, alternates)
        if fmt == "html":
            body = pages.render(data, described, alternates, _page_number())
            return Response(body, content_type="text/html; charset=utf-8")
        return _machine(described, fmt)

    response = _cached(version, etag, make)
    if response.status_code != 200:
        return response
    if fixed is None:
        response.headers["Content-Location"] = quote(path + FORMATS[fmt][0], safe="/-._~")
    return _headers(response, alternates, etag)


def _not_found(iri: str, fmt: str, alternates: list[dict[str, str]]) -> Response:
    if fmt == "html":
        response = Response(pages.not_found(iri, alternates), status=404,
                            content_type="text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response
    return error_response(404, f"nothing is known about {iri}")


@bp.route("/def/")
def vocabulary() -> Response:
    """The dg: vocabulary documented: every class and property, with how often it is used."""
    return _vocabulary(_negotiate(None))


@bp.route("/def/index<any('.html', '.ttl', '.jsonld', '.nt', '.rdf'):suffix>")
def vocabulary_file(suffix: str) -> Response:
    """The vocabulary in one format, for links and for clients that cannot set Accept."""
    return _vocabulary(SUFFIXES[suffix])


def _vocabulary(fmt: str) -> Response:
    alternates = [dict(a, href=a["href"].replace("/def/", "/def/index", 1))
                  for a in _alternates("/def/")]
    data = runtime().data
    version = data.version()
    etag = _etag(version, request.path, fmt)
    if _not_modified(etag):
        return _headers(Response(status=304), alternates, etag)

    def make() -> Response:
        if fmt == "html":
            return Response(pages.vocabulary(data, alternates), content_type="text/html; charset=utf-8")
        return _machine(pages.vocabulary_graph(data), fmt)

    return _headers(_cached(version, etag, make), alternates, etag)
