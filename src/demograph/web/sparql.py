"""``/sparql``: the SPARQL 1.1 Protocol, read-only.

GET ``?query=``, POST form and POST ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri``; results negotiated by Accept (q-values) or ``format=``. Without a
query: the service description, or the query page for a browser. Every refusal is decided
before a worker sees the query: updates (403), SERVICE and malformed or over-deep queries
(400), too long (413), unacceptable formats (406), too many requests (429).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from ..errors import DemographError, HttpError, QueryError, UpdateRefused
from ..querycheck import MAX_QUERY_BYTES, analyse
from . import site
from .cache import Cached, result_key
from .errors import (CORS_HEADERS, MAX_BODY_BYTES, error_response, http_exception_message,
                     retry_after_of, with_cors)
from .execute import Job
from .negotiate import GRAPH_OFFER, SELECT_OFFER, choose, if_none_match
from .pool import client_gone
from .results import GRAPH_TYPES
from .runtime import Runtime
from .runtime import current as runtime
from .service import service_description

bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
DESCRIPTION_OFFER = (("html", "text/html"),) + GRAPH_OFFER + (("xhtml", "application/xhtml+xml"),)
_LOG = logging.getLogger("demograph.web")
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"  # RFC 3986 pchar: what a path keeps unescaped


class _Request(Request):
    max_content_length = MAX_BODY_BYTES  # what Flask's MAX_CONTENT_LENGTH is for the rest


class Endpoint:
    """``/sparql`` as a plain WSGI application in front of Flask.

    A query is the one request that comes back many times a second from one client, and
    Flask's dispatch, request context and response object cost more than every check here
    together (bench/RESULTS.md, 4.6); so queries are answered before Flask sees them, with the
    same checks, caching and error shape. Requests without a query — the service description,
    the redirect of a browser to the query editor, CORS preflights — go on to Flask.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO") != "/sparql" or method not in ("GET", "HEAD", "POST"):
            return self.app(environ, start_response)
        req = _Request(environ)
        try:
            rt = self.rt
            wait = rt.limiter.retry_after(req.remote_addr or "-") if rt.limiter else None
            if wait is not None:
                raise HttpError("too many requests from this client; slow down", 429,
                                retry_after=wait)
            query, default_graphs, named_graphs = _protocol_request(req)
            if query is None and method == "POST":
                raise QueryError("the POST carries no query (a 'query' form field, or an "
                                 "application/sparql-query body)")
            if query is not None:
                status, headers, body = answer(rt, req, query, default_graphs, named_graphs)
        except DemographError as exc:
            return self._error(req, exc.http_status, str(exc), retry_after_of(exc), environ,
                               start_response)
        except HTTPException as exc:  # werkzeug's own: a body over the size limit
            return self._error(req, exc.code or 500, http_exception_message(exc, method), None,
                               environ, start_response)
        except Exception:  # noqa: BLE001 — never a traceback to the client
            _LOG.exception("unhandled error on /sparql")
            return self._error(req, 500, "internal error: the request could not be completed",
                               None, environ, start_response)
        if query is None:  # the service description: Flask's, outside the handlers above
            return self.app(environ, start_response)
        start_response(status, headers + list(CORS_HEADERS))
        return [] if method == "HEAD" else [body]

    @staticmethod
    def _error(req: Request, status: int, message: str, retry: int | None,
               environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = with_cors(error_response(status, message, retry, req))
        return response(environ, start_response)  # type: ignore[no-any-return]


def answer(rt: Runtime, req: Request, query: str, default_graphs: tuple[str, ...],
           named_graphs: tuple[str, ...]) -> tuple[str, list[tuple[str, str]], bytes]:
    """The status line, headers and body that answer a checked protocol request."""
    info = analyse(query)
    offer = SELECT_OFFER if info.form in ("select", "ask") else GRAPH_OFFER
    fmt = choose(req.headers.get("Accept"), offer,
                 (req.values if req.method == "POST" else req.args).get("format"))
    if fmt is None:
        offered = ", ".join(media for _, media in offer)
        raise HttpError(f"none of the requested formats is offered for {info.form.upper()} "
                        f"queries; offered: {offered}", 406)
    snapshot = rt.snapshot()
    max_rows = rt.settings.max_rows
    # the endpoint's own address (relative IRIs in a query resolve against it), put together
    # from its parts: werkzeug's base_url IRI-decodes the whole URL at each use
    root = quote(req.root_path.rstrip("/"), safe=_PATH_SAFE)
    endpoint = f"{req.scheme}://{req.host}{root}/sparql"
    key = result_key(snapshot.name, query, fmt, default_graphs, named_graphs, max_rows,
                     endpoint)
    etag = f'"{key}"'
    cacheable = info.deterministic
    caching = [("Vary", "Accept")] + ([("ETag", etag), ("Cache-Control", "public, max-age=60")]
                                      if cacheable else [("Cache-Control", "no-store")])
    if cacheable and etag in if_none_match(req.headers.get("If-None-Match")):
        return "304 Not Modified", caching, b""
    cached = rt.cache.get(snapshot.name, key) if (rt.cache and cacheable) else None
    hit = cached is not None
    if cached is None:
        manifest = rt.manifest(snapshot)
        job = Job(query, info.form, fmt, str(snapshot), info.has_dataset, default_graphs,
                  named_graphs, max_rows, base_iri=endpoint,
                  union_default=manifest.union_default,
                  in_memory=0 < manifest.triples <= rt.settings.memory_triples)
        # a client that hangs up frees its worker at once, not at the time limit
        outcome = rt.run(job, gone=client_gone(req.environ))
        if outcome.status != 200:
            raise HttpError(outcome.body.decode("utf-8", "replace"), outcome.status)
        headers = [("X-Demograph-Rows", str(outcome.rows))]
        if outcome.engine:
            headers.append(("X-Demograph-Engine", outcome.engine))
        if outcome.truncated:
            headers.append(("X-Demograph-Truncated", f"results cut at {max_rows} rows "
                                                     "(DEMOGRAPH_MAX_ROWS)"))
        cached = Cached(_with_charset(outcome.content_type), outcome.body, tuple(headers))
        if rt.cache and cacheable:
            rt.cache.put(snapshot.name, key, cached)
    headers = [("Content-Type", cached.content_type), ("Content-Length", str(len(cached.body))),
               *cached.headers, *caching]
    if rt.cache:
        headers.append(("X-Demograph-Cache", "hit" if hit else "miss"))
    return "200 OK", headers, cached.body


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """What reaches Flask of ``/sparql`` (see :class:`Endpoint`): a GET without a query."""
    return _describe()


def _with_charset(content_type: str) -> str:
    if content_type.startswith(("text/", "application/sparql-results", "application/ld+json",
                                "application/n-triples")) and "charset" not in content_type:
        return content_type + "; charset=utf-8"
    return content_type


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise QueryError(f"the request has {len(values)} '{name}' parameters; give exactly one")
    return values[0] if values else None


def _protocol_request(req: Request) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """The query and dataset of a protocol request, or a refusal that says what is wrong."""
    if "update" in req.values or req.mimetype == _UPDATE:
        raise UpdateRefused("updates are not allowed: this endpoint is read-only")
    if req.method in ("GET", "HEAD"):
        query = _one(req.args.getlist("query"), "query")
        graphs = req.args
    elif req.mimetype == _FORM:
        if (req.mimetype_params.get("charset") or "utf-8").lower() not in ("utf-8", "utf8"):
            raise HttpError("form data must be UTF-8", 415)
        query = _one(req.form.getlist("query") + req.args.getlist("query"), "query")
        graphs = req.values
    elif req.mimetype == _DIRECT:
        if (req.mimetype_params.get("charset") or "utf-8").lower() not in ("utf-8", "utf8"):
            raise HttpError("a query sent as application/sparql-query must be UTF-8", 415)
        if req.args.getlist("query"):
            raise QueryError("the query is both in the body and in the URL; give it once")
        try:
            query = req.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError(f"the query is not valid UTF-8 (byte {exc.start})") from None
        graphs = req.args
    elif not req.mimetype:
        raise HttpError("a POST needs a Content-Type: application/x-www-form-urlencoded or "
                        "application/sparql-query", 415)
    else:
        raise HttpError(f"unsupported Content-Type {req.mimetype}; use "
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
