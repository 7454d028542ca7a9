"""``/health``: liveness, and what the store holds."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.route("/health")
def health() -> Response:
    runtime = current_app.extensions["demograph"]
    manifest = runtime.manifest()
    response = jsonify(status="ok", triples=manifest.triples, snapshot=runtime.snapshot().name,
                       built=manifest.created, graphs=len(manifest.graphs))
    response.headers["Cache-Control"] = "no-store"
    return response
