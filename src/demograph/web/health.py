"""``/health``: liveness, and what the store holds."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .runtime import current

bp = Blueprint("health", __name__)


@bp.route("/health")
def health() -> Response:
    runtime = current()
    manifest = runtime.manifest()
    response = jsonify(status="ok", triples=manifest.triples, snapshot=runtime.snapshot().name,
                       built=manifest.created, graphs=len(manifest.graphs))
    response.headers["Cache-Control"] = "no-store"
    return response
