"""The web service: ``create_app()`` and one blueprint per concern. The only package that
imports Flask."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from ..config import Settings
from ..errors import DemographError
from .errors import (MAX_BODY_BYTES, error_response, http_exception_message, retry_after_of,
                     with_cors)
from .runtime import Runtime


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """The application for ``settings`` (default: from the environment), e.g.
    ``create_app(store=Path("var/store"), rate_limit=0)`` in a test."""
    settings = (settings or Settings.load()).replace(**overrides)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["demograph"] = Runtime(settings)

    from . import browse, health, ld, publish, site, sparql
    from . import workbench

    site.install(app)
    browse.init_app(app)
    publish.init_app(app)

    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(workbench.bp)
    app.register_blueprint(ld.bp)
    _register_errors(app)
    app.after_request(_cors)
    # queries are answered before Flask (sparql.Endpoint); behind ProxyFix, which must see
    # every request first
    app.wsgi_app = sparql.Endpoint(app.wsgi_app, app.extensions["demograph"])  # type: ignore[method-assign]
    if settings.proxy_hops > 0:  # only then: otherwise a client could forge its address
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops, x_port=hops)
    return app


def _cors(response: Response) -> Response:
    with_cors(response)
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DemographError)
    def _ours(exc: DemographError) -> Response:
        return error_response(exc.http_status, str(exc), retry_after_of(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return error_response(exc.code or 500, http_exception_message(exc, request.method))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logging.getLogger("demograph.web").exception("unhandled error on %s", request.path)
        return error_response(500, "internal error: the request could not be completed")
