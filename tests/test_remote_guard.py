"""A client's query for a remote store is parsed in a killable, memory-capped query worker,
not in the web process: Oxigraph cannot parse without evaluating, and an expression that
doubles a string thirty times would otherwise hold a web thread for minutes."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .conftest import SEEDS, run_cli, start_server, stop_server
from .remote_stores import start_oxigraph


def _get(url: str, timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_a_costly_expression_is_stopped_and_the_remote_tier_goes_on(tmp_path: Path) -> None:
    store = start_oxigraph(tmp_path / "store")
    web = None
    try:
        built = run_cli("build", SEEDS, "--store-url", store.url, timeout=300)
        assert built.code == 0, built.err
        web = start_server(tmp_path / "none", tmp_path / "serve.log", store_url=store.url,
                           rate_limit="0", result_cache="0", query_timeout="2")
        # a short text whose value doubles 32 times: 40 GB if it were ever finished
        doublings = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(32))
        query = f'ASK {{ BIND("aaaaaaaaaa" AS ?x0) {doublings} }}'
        began = time.monotonic()
        status, body = _get(web.sparql + "?" + urllib.parse.urlencode({"query": query}))
        waited = time.monotonic() - began
        assert status == 503, body[:300]
        assert b"limit" in body or b"stopped" in body or b"memory" in body, body[:300]
        assert waited < 30, f"the refusal took {waited:.1f} s"
        # a syntax error found by the worker's parse is the client's 400, with the reason
        status, body = _get(web.sparql + "?" + urllib.parse.urlencode({"query": "SELECT * {"}))
        assert status == 400 and b"syntax" in body.lower()
        # and the tier still answers from the remote store
        status, body = _get(web.sparql + "?" + urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/demograph/def/Commitment> }"}))
        assert status == 200
        count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
        assert count > 0
    finally:
        if web is not None:
            stop_server(web)
        store.stop()
