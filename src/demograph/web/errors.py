"""One error shape for the whole service: JSON for clients that ask for JSON, plain text for
everyone else, never a traceback. Every handler in the app ends up here."""

from __future__ import annotations

import json

from flask import Response, request
from werkzeug.http import HTTP_STATUS_CODES

from .negotiate import parse_accept

_JSON_TYPES = ("application/json", "application/sparql-results+json", "application/ld+json")


def wants_json() -> bool:
    for media, q in parse_accept(request.headers.get("Accept", "")):
        if q > 0 and media in _JSON_TYPES:
            return True
        if q > 0 and media in ("text/plain", "text/html", "*/*"):
            return False
    return request.args.get("format", "").lower() in ("json", "application/sparql-results+json")


def error_response(status: int, message: str, retry_after: int | None = None) -> Response:
    title = HTTP_STATUS_CODES.get(status, "Error")
    if wants_json():
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
