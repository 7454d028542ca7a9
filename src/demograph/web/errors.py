"""One error shape for the whole service: JSON for clients that ask for JSON, plain text for
everyone else, never a traceback. Every handler in the app ends up here."""

from __future__ import annotations

import json

from flask import Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from ..errors import DemographError, HttpError
from .negotiate import parse_accept

MAX_BODY_BYTES = 1024 * 1024
EXPOSED_HEADERS = ("ETag, Retry-After, X-Demograph-Rows, X-Demograph-Truncated, X-Demograph-Cache, "
                   "X-Demograph-Engine")
# on every answer: the data are public, so any page may query the endpoint from a browser
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", EXPOSED_HEADERS))

_JSON_TYPES = ("application/json", "application/sparql-results+json", "application/ld+json")


def wants_json(req: Request) -> bool:
    for media, q in parse_accept(req.headers.get("Accept", "")):
        if q > 0 and media in _JSON_TYPES:
            return True
        if q > 0 and media in ("text/plain", "text/html", "*/*"):
            return False
    return req.args.get("format", "").lower() in ("json", "application/sparql-results+json")


def error_response(status: int, message: str, retry_after: int | None = None,
                   req: Request | None = None) -> Response:
    """The error answer to ``req`` (default: Flask's current request; the SPARQL endpoint
    answers outside Flask and passes its own)."""
    title = HTTP_STATUS_CODES.get(status, "Error")
    if wants_json(request if req is None else req):
        body = json.dumps({"error": {"status": status, "title": title, "message": message}},
                          ensure_ascii=False)
        response = Response(body, status=status, content_type="application/json; charset=utf-8")
    else:
        response = Response(f"{status} {title}\n\n{message}\n", status=status,
                            content_type="text/plain; charset=utf-8")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def with_cors(response: Response) -> Response:
    """``response`` with the CORS headers every answer of the service carries."""
    for name, value in CORS_HEADERS:
        response.headers[name] = value
    return response


def retry_after_of(exc: DemographError) -> int | None:
    """The Retry-After of a refusal: as it says, or a few seconds for a store not yet there."""
    if isinstance(exc, HttpError):
        return exc.retry_after
    return 5 if exc.http_status == 503 else None


def http_exception_message(exc: HTTPException, method: str) -> str:
    """What a refusal raised by werkzeug itself (body too large, method not allowed) says."""
    status = exc.code or 500
    return {413: f"the request body is larger than {MAX_BODY_BYTES // 1024} KB",
            405: f"{method} is not allowed here"}.get(status, exc.description or "")
