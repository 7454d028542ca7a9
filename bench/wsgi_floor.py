"""What gunicorn (gthread) and Flask cost per request before demograph does anything: the SPARQL
benchmark serves these under the same gunicorn settings as `demograph serve` and measures them
like a SPARQL endpoint. Each answers every request with the same fixed bytes, the size of the
`actor` lookup's JSON answer.

    bare      a plain WSGI callable
    flask_app a Flask app with one route
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

BODY = (b'{"head":{"vars":["p","o"]},"results":{"bindings":['
        + b",".join(b'{"p":{"type":"uri","value":"http://www.w3.org/2000/01/rdf-schema#label"},'
                    b'"o":{"type":"literal","value":"Kils kommun","xml:lang":"sv"}}'
                    for _ in range(11)) + b"]}}")
HEADERS = [("Content-Type", "application/sparql-results+json"),
           ("Content-Length", str(len(BODY)))]


def bare(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]


def _flask() -> Any:
    from flask import Flask, Response

    app = Flask(__name__)

    @app.route("/", methods=["GET"])
    def answer() -> Response:
        return Response(BODY, content_type="application/sparql-results+json")

    return app


flask_app = _flask()
