"""``/sparql``: the SPARQL 1.1 Protocol, read-only.

GET ``?query=``, POST form and POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri``; results negotiated by Accept (q-values) or ``format=``. Without a
query: the service description, or the query page for a browser. Every refusal is decided
before a worker sees the query: updates (403), SERVICE and malformed or over-deep queries
(400), too long (413), unacceptable formats (406), too many requests (429).
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from ..errors import HttpError, QueryError, UpdateRefused
from ..querycheck import MAX_QUERY_BYTES, analyse
from . import site
from .cache import Cached, result_key
from .errors import error_response
from .execute import Job
from .negotiate import GRAPH_OFFER, SELECT_OFFER, choose, if_none_match
from .pool import client_gone
from .results import GRAPH_TYPES
from .runtime import current as runtime
from .service import service_description

bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
DESCRIPTION_OFFER = (("html", "text/html"),) + GRAPH_OFFER + (("xhtml", "application/xhtml+xml"),)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    rt = runtime()
    wait = rt.limiter.retry_after(request.remote_addr or "-") if rt.limiter else None
    if wait is not None:
        raise HttpError("too many requests from this client; slow down", 429, retry_after=wait)
    query, default_graphs, named_graphs = _protocol_request()
    if query is None and request.method == "POST":
        raise QueryError("the POST carries no query (a 'query' form field, or an "
                         "application/sparql-query body)")
    if query is None:
        return _describe()
    info = analyse(query)
    offer = SELECT_OFFER if info.form in ("select", "ask") else GRAPH_OFFER
    fmt = choose(request.headers.get("Accept"), offer, request.values.get("format"))
    if fmt is None:
        offered = ", ".join(media for _, media in offer)
        raise HttpError(f"none of the requested formats is offered for {info.form.upper()} "
                        f"queries; offered: {offered}", 406)
    snapshot = rt.snapshot()
    max_rows = rt.settings.max_rows
    endpoint = request.base_url  # werkzeug recomputes it (IRI-decoding the URL) at each use
    key = result_key(snapshot.name, query, fmt, default_graphs, named_graphs, max_rows,
                     endpoint)
    etag = f'"{key}"'
    cacheable = info.deterministic
    if cacheable and etag in if_none_match(request.headers.get("If-None-Match")):
        return _finish(Response(status=304), etag, cacheable)
    cached = rt.cache.get(snapshot.name, key) if (rt.cache and cacheable) else None
    hit = cached is not None
    if cached is None:
        manifest = rt.manifest()
        # relative IRIs in a query resolve against the endpoint's own address
        job = Job(query, info.form, fmt, str(snapshot), info.has_dataset, default_graphs,
                  named_graphs, max_rows, base_iri=endpoint,
                  union_default=manifest.union_default,
                  in_memory=0 < manifest.triples <= rt.settings.memory_triples)
        # a client that hangs up frees its worker at once, not at the time limit
        outcome = rt.run(job, gone=client_gone(request.environ))
        if outcome.status != 200:
            return error_response(outcome.status, outcome.body.decode("utf-8", "replace"))
        headers = [("X-Demograph-Rows", str(outcome.rows))]
        if outcome.engine:
            headers.append(("X-Demograph-Engine", outcome.engine))
        if outcome.truncated:
            headers.append(("X-Demograph-Truncated", f"results cut at {max_rows} rows "
                                                     "(DEMOGRAPH_MAX_ROWS)"))
        cached = Cached(outcome.content_type, outcome.body, tuple(headers))
        if rt.cache and cacheable:
            rt.cache.put(snapshot.name, key, cached)
    response = Response(cached.body, content_type=_with_charset(cached.content_type))
    response.headers.extend(cached.headers)
    if rt.cache:
        response.headers["X-Demograph-Cache"] = "hit" if hit else "miss"
    return _finish(response, etag, cacheable)


def _finish(response: Response, etag: str, cacheable: bool) -> Response:
    response.headers["Vary"] = "Accept"
    if cacheable:
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = "public, max-age=60"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def _with_charset(content_type: str) -> str:
    if content_type.startswith(("text/", "application/sparql-results", "application/ld+json",
                                "application/n-triples")) and "charset" not in content_type:
        return content_type + "; charset=utf-8"
    return content_type


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryError(f"the request has {len(values)} '{name}' parameters; give exactly one")
    return values[0] if values else None


def _protocol_request() -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """The query and dataset of a protocol request, or a refusal that says what is wrong."""
    if "update" in request.values or request.mimetype == _UPDATE:
        raise UpdateRefused("updates are not allowed: this endpoint is read-only")
    if request.method == "GET":
        query = _one(request.args.getlist("query"), "query")
        graphs = request.args
    elif request.mimetype == _FORM:
        if (request.mimetype_params.get("charset") or "utf-8").lower() not in ("utf-8", "utf8"):
            raise HttpError("form data must be UTF-8", 415)
        query = _one(request.form.getlist("query") + request.args.getlist("query"), "query")
        graphs = request.values
    elif request.mimetype == _DIRECT:
        if (request.mimetype_params.get("charset") or "utf-8").lower() not in ("utf-8", "utf8"):
            raise HttpError("a query sent as application/sparql-query must be UTF-8", 415)
        if request.args.getlist("query"):
            raise QueryError("the query is both in the body and in the URL; give it once")
        try:
            query = request.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError(f"the query is not valid UTF-8 (byte {exc.start})") from None
        graphs = request.args
    elif not request.mimetype:
        raise HttpError("a POST needs a Content-Type: application/x-www-form-urlencoded or "
                        "application/sparql-query", 415)
    else:
        raise HttpError(f"unsupported Content-Type {request.mimetype}; use "
                        "application/x-www-form-urlencoded or application/sparql-query", 415)
    if query is not None and len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise HttpError(f"the query is longer than {MAX_QUERY_BYTES // 1024} KB", 413)
    return (query, tuple(graphs.getlist("default-graph-uri")),
            tuple(graphs.getlist("named-graph-uri")))


def _describe() -> Response:
    """The service description, or for a browser the query page."""
    fmt = choose(request.headers.get("Accept"), DESCRIPTION_OFFER[1:-1] + DESCRIPTION_OFFER[:1],
                 request.args.get("format"))
    if fmt is None:
        raise HttpError("the service description is offered as Turtle, N-Triples, JSON-LD, "
                        "RDF/XML or HTML", 406)
    rt = runtime()
    if fmt == "html":  # a browser: the workbench is the query page
        return redirect(site.with_lang("/query"), 303)
    description = service_description(request.base_url, rt.settings, rt.manifest())
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld",
                     "rdfxml": "pretty-xml"}[fmt]
    body = description.serialize(format=rdflib_format, encoding="utf-8")
    response = Response(body, content_type=_with_charset(GRAPH_TYPES[fmt]))
    response.headers["Vary"] = "Accept"
    return response
