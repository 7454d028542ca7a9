"""A SPARQL 1.1 store over HTTP: queries over kept-alive connections, loading through Update.

What the store holds besides the public graphs (their IRIs are as MODEL.md says):

    urn:demograph:control          the generation being served, when it was built, and every
                                   public graph with its kind — what `serve` reads for its
                                   ETags, caches, /health and service description
    urn:demograph:merge:{gen}      the default graph's merge, on stores whose default graph
                                   is the union of all graphs (Virtuoso, GraphDB, Neptune);
                                   the control graph names the one served
                                   (``urn:demograph:merge`` for older builds and bulk loads)
    urn:demograph:staging:{gen}:…  a build's graphs before its switch

A build loads every graph into staging graphs, checks that the store holds what was sent,
makes the merge, and then switches. ``standard`` dialect: in *one* SPARQL Update request,
each public graph dropped and the staging graph moved in its place, the merge moved into the
default graph, the control graph replaced; a store that runs an update request as one
transaction (Oxigraph, Fuseki, GraphDB) shows readers the old generation or the new one,
never a mix. ``union`` dialect: the public graphs are moved in requests of
``SWITCH_GRAPHS`` (Virtuoso refuses one request of a thousand graphs) and the last request
replaces the control graph, which names the new merge graph: queries that name no dataset
switch at once, queries naming graphs may see some new for the seconds of the switch. A
build that fails before its switch drops its staging graphs and leaves the served data alone.

Two dialects. ``standard``: the store's default graph is a graph of its own (Oxigraph,
Fuseki), so the merge goes there and queries are sent as written. ``union``: the default
graph of a query is the union of *all* graphs, staging and system graphs included
(Virtuoso), so the merge lives in a graph of its own and a query that names no dataset is
sent with that graph as its default graph and the public graphs as its named graphs.
``auto`` picks ``union`` for a server that says it is Virtuoso.

Every query is parsed here first (by Oxigraph's parser, on an empty store): only standard
SPARQL 1.1 reaches the remote store — no ``DEFINE`` pragmas, no vendor extensions.
"""

from __future__ import annotations

import base64
import functools
import http.client
import re
import socket
import threading
import time
import weakref
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ..querycheck import analyse, blank
from .oxigraph import Manifest
from .protocol import Check, GraphSet, Result, Solutions, Term, Triples, bind_values

CONTROL = "urn:demograph:control"
MERGE = "urn:demograph:merge"
STAGING = "urn:demograph:staging:"
_STORE = "<urn:demograph:store>"
_P = "urn:demograph:"  # control predicates: generation, created, base, triples, graph, kind, file
CHUNK_TRIPLES = 5000  # per INSERT DATA request: fewer requests, less time
VIRTUOSO_CHUNK_TRIPLES = 1000  # Virtuoso's SPARQL compiler runs out of memory near 5,000
# triples copied into the merge per update request: the merge is made before the switch, in
# graphs nobody reads, so it needs no single transaction; one of 1M triples overran
# Virtuoso's transaction log (SR325), and Oxigraph's cost per triple grows with the
# transaction (300k triples: 29 s in one update, 23 s graph by graph)
MERGE_BATCH_TRIPLES = 50_000
# public graphs switched per update request on a union-dialect store: Virtuoso's SPARQL
# compiler refuses one request of 1,368 DROP + MOVE pairs (SQ200, "query too large")
SWITCH_GRAPHS = 100
COUNT_GRAPHS = 500  # graphs counted per query
_GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)
VERSION_TTL = 1.0  # seconds a generation read from the store is trusted: a rebuild shows within it
DIALECTS = ("auto", "standard", "union")
MAX_URL_PARAMS = 2000  # characters of dataset parameters a query's URL may carry
JSON_ACCEPT = "application/sparql-results+json, application/json;q=0.5"
# N-Triples first: a line-based format, the quickest for Oxigraph to parse here
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"


@dataclass(frozen=True)
class RemoteConfig:
    url: str  # the query endpoint
    update_url: str | None = None  # default: derived from url (…/query → …/update), else url
    user: str | None = None
    password: str | None = None
    dialect: str = "auto"
    timeout: float = 30.0  # seconds for a query; loading steps get ten times as long

    def updates(self) -> str:
        if self.update_url:
            return self.update_url
        if self.url.endswith("/query"):  # Oxigraph and Fuseki: …/query and …/update
            return self.url[: -len("query")] + "update"
        return self.url  # Virtuoso, GraphDB (…/statements aside): one endpoint for both

    def credentials(self) -> dict[str, str]:
        """The Authorization header for the configured user (HTTP Basic), or none."""
        if not self.user:
            return {}
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
        return {"Authorization": "Basic " + token}


class RemoteStore:
    """The Store protocol over a remote SPARQL 1.1 endpoint."""

    def __init__(self, config: RemoteConfig) -> None:
        if not config.url.startswith(("http://", "https://")):
            raise StoreError(f"--store-url {config.url}: must be an http(s) URL")
        if config.dialect not in DIALECTS:
            raise StoreError(f"store dialect {config.dialect!r}: one of {', '.join(DIALECTS)}")
        self.config = config
        self._dialect: str | None = None if config.dialect == "auto" else config.dialect
        self._lock = threading.Lock()
        self._version: tuple[float, str] | None = None  # (read at, generation)
        # generation, its manifest and its merge graph (union dialect)
        self._manifest: tuple[str, Manifest, str] | None = None
        self._connections = _Connections()
        self._server: str | None = None  # the store's Server header, read once

    # the protocol: reading -----------------------------------------------------------------
    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
              max_rows: int = 0, timeout: float | None = None,
              base_iri: str | None = None, checked: bool = False) -> Result:
        """``checked``: a query worker has parsed ``sparql`` already (clients' queries:
        parsing evaluates, see web.execute.Job.check_only), so it is not parsed here."""
        form, body, headers = self._send(sparql, bindings, default_graphs, named_graphs,
                                         timeout, base_iri, checked)
        return _result(form, body, headers, max_rows)

    def query_json(self, sparql: str, *, default_graphs: Sequence[str] = (),
                   named_graphs: Sequence[str] = (), max_rows: int = 0,
                   timeout: float | None = None, base_iri: str | None = None,
                   checked: bool = False) -> Result | JsonRows:
        """As :meth:`query`, but a SELECT answer is returned as the SPARQL JSON the store
        sent when it can go to a client as it is: within the row cap, and written the way
        demograph writes it (Oxigraph's layout, which is byte for byte demograph's own). Read
        in C by ``json.loads`` — to check it and count its rows — instead of turning every
        value into a term and writing it out again, which for a result of thousands of rows
        is most of the time demograph adds. Any other answer comes back as from ``query``."""
        form, body, headers = self._send(sparql, None, default_graphs, named_graphs,
                                         timeout, base_iri, checked)
        if form == "select":
            passed = _json_through(body, headers, max_rows)
            if isinstance(passed, JsonRows):
                return passed
            if passed is not None:  # read already: cut and rewritten, not read twice
                return _solutions(passed, max_rows, cut="X-SPARQL-MaxRows" in headers)
        return _result(form, body, headers, max_rows)

    def _send(self, sparql: str, bindings: Mapping[str, Term] | None,
              default_graphs: Sequence[str], named_graphs: Sequence[str],
              timeout: float | None, base_iri: str | None,
              checked: bool = False) -> tuple[str, bytes, Mapping[str, str]]:
        """Check ``sparql``, send it with its dataset and time limit; its form and the answer."""
        text = bind_values(sparql, bindings)
        if base_iri:
            text = f"BASE <{ox.NamedNode(base_iri).value}>\n{text}"
        try:
            if not checked:  # the service's own queries: bounded, parsed here
                _check_syntax(text)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        info = analyse(sparql)
        params: list[tuple[str, str]] = []
        if default_graphs or named_graphs:
            params += [("default-graph-uri", g) for g in default_graphs]
            params += [("named-graph-uri", g) for g in named_graphs]
        elif not info.has_dataset and self.dialect() == "union":
            params.append(("default-graph-uri", self.merge_graph()))
            # a query without GRAPH reads no named graph: not sending thousands of them
            # keeps every request small
            if _GRAPH.search(blank(sparql)):
                params += [("named-graph-uri", g) for g in self.manifest().graphs]
        limit = timeout or self.config.timeout
        if self.dialect() == "union":  # Virtuoso's own limit (ms): it stops, not just us
            params.append(("timeout", str(int(limit * 1000))))
        body, headers = self._request(text, form=info.form, params=params, timeout=limit)
        return info.form, body, headers

    def named_graphs(self) -> list[str]:
        return sorted(self.manifest().graphs)

    def triple_count(self) -> int:
        return self.manifest().triples

    def version(self) -> str:
        """The generation being served, read from the control graph at most once a second."""
        now = time.monotonic()
        cached = self._version
        if cached is not None and now - cached[0] < VERSION_TTL:
            return cached[1]
        rows = self._select(f"SELECT ?v WHERE {{ GRAPH <{CONTROL}> {{ {_STORE} <{_P}generation> ?v }} }}")
        if not rows:
            raise StoreError(f"the store at {self.config.url} holds no demograph data: "
                             f"run `demograph build --store-url {self.config.url}`")
        generation = rows[0]["v"]
        self._version = (now, generation)
        return generation

    def manifest(self) -> Manifest:
        """What the control graph says the served generation holds."""
        return self._control()[0]

    def merge_graph(self) -> str:
        """The graph holding the served generation's merge, on a union-dialect store: queries
        that name no dataset are sent with it as their default graph."""
        return self._control()[1]

    def _control(self) -> tuple[Manifest, str]:
        """The served generation's manifest and merge graph, read together and cached as one
        (threads of `serve` share this object), under the generation the control graph itself
        names: a switch may fall between reading the generation and reading the graph."""
        generation = self.version()
        cached = self._manifest
        if cached is not None and cached[0] == generation:
            return cached[1], cached[2]
        rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONTROL}> {{ ?s ?p ?o }} }}")
        facts = {r["p"][len(_P):]: r["o"] for r in rows if r["s"] == _STORE[1:-1]}
        manifest = Manifest(facts.get("created", ""), facts.get("base", ""),
                            triples=int(facts.get("triples", "0")), default_graph="merge")
        for row in rows:
            if row["p"] == f"{_P}kind":
                manifest.graphs[row["s"]] = row["o"]
            elif row["p"] == f"{_P}file":
                manifest.sources[row["s"]] = row["o"]
        # builds before the per-generation merge graphs kept theirs in urn:demograph:merge
        merge = facts.get("merge", MERGE)
        self._manifest = (facts.get("generation", generation), manifest, merge)
        return manifest, merge

    def dialect(self) -> str:
        if self._dialect is None:
            self._dialect = "union" if "virtuoso" in self.server().lower() else "standard"
        return self._dialect

    def close(self) -> None:
        self._version = None
        self._manifest = None
        self._connections.close()

    # the protocol: replacing ---------------------------------------------------------------
    def replace(self, data: GraphSet, check: Check | None = None) -> str:
        generation = _new_generation()
        prefix = f"{STAGING}{generation}:"
        union = self.dialect() == "union"
        try:
            old = self.manifest().graphs
            old_merge = self.merge_graph() if union else None
        except StoreError as exc:
            if "holds no demograph data" not in str(exc):
                raise
            old, old_merge = {}, None
        self._drop_leftover_staging(keep=old_merge)
        kept = {g: k for g, k in old.items() if k == "loaded" and g not in data.graphs}
        staged: dict[str, str] = {}  # public graph → staging graph
        # union dialect: the merge is made where it is served from, and the switch only names
        # it: moving a million triples in the switch overran Virtuoso's transaction log
        merge = f"{MERGE}:{generation}" if union else f"{prefix}merge"
        control = f"{prefix}control"
        try:
            for number, (graph, triples) in enumerate(sorted(data.graphs.items())):
                staged[graph] = f"{prefix}{number}"
                self._insert(staged[graph], triples)
            self._check_counts(data, staged, "sent")
            sizes = {staging: len(data.graphs[public]) for public, staging in staged.items()}
            for batch in _batches([*staged.values(), *kept], sizes, MERGE_BATCH_TRIPLES):
                sources = " ".join(f"<{g}>" for g in batch)
                self._update(f"INSERT {{ GRAPH <{merge}> {{ ?s ?p ?o }} }} WHERE {{ "
                             f"VALUES ?g {{ {sources} }} GRAPH ?g {{ ?s ?p ?o }} }}")
            triples = self._count(merge)
            self._insert(control, _control_triples(generation, data, kept, triples,
                                                   merge if union else None))
            if check is not None:
                check()
            if not union:
                self._update(self._switch(staged, merge, control, old, data))
        except BaseException:
            self._drop([*staged.values(), merge, control])
            raise
        if union:
            self._switch_in_steps(staged, control, old, data)
            # the merge replaced stays for a build more: a process that read the old
            # generation less than a second ago may still send it a query
        self._version = None
        return generation

    def adopt(self, data: GraphSet) -> str:
        """Serve what the store already holds as a new generation, writing only the control
        graph. For an initial load too large for SPARQL Update — Oxigraph moves about 10,000
        triples a second through it, and a build moves each one about six times — made with
        the store's own bulk loader: the public graphs, and their merge in the default graph
        (``urn:demograph:merge`` for the union dialect). ``data`` names the graphs with their
        kinds and sources and holds their triples. What is checked is counts: each graph
        holds as many triples as ``data`` has for it, and the merge as many as their union;
        graphs the store holds besides are neither checked nor listed."""
        self._check_counts(data, {g: g for g in data.graphs}, "these texts make")
        merged = len({t for triples in data.graphs.values() for t in triples})
        if self.dialect() == "union":
            in_merge = self._count(MERGE)
        else:
            rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            in_merge = int(rows[0]["n"]) if rows else 0
        if in_merge != merged:
            raise StoreError(f"the store's merge holds {in_merge} triples, not the {merged} of "
                             "the graphs' union; nothing was switched")
        generation = _new_generation()
        control = f"{STAGING}{generation}:control"
        try:
            self._insert(control, _control_triples(generation, data, {}, merged,
                                                   MERGE if self.dialect() == "union" else None))
            self._update(" ;\n".join(_control_switch_ops(control)))
        except BaseException:
            self._drop([control])
            raise
        self._version = None
        return generation

    def _switch(self, staged: Mapping[str, str], merge: str, control: str,
                old: Mapping[str, str], data: GraphSet) -> str:
        """The one update request that makes the staged generation the served one (standard
        dialect): the public graphs, the merge into the default graph, the control graph."""
        ops = _dropped_graph_ops(old, data)
        ops += [op for graph in _graph_switch_ops(staged) for op in graph]
        ops += ["DROP SILENT DEFAULT", f"MOVE SILENT GRAPH <{merge}> TO DEFAULT",
                *_control_switch_ops(control)]
        return " ;\n".join(ops)

    def _switch_in_steps(self, staged: Mapping[str, str], control: str,
                         old: Mapping[str, str], data: GraphSet) -> None:
        """The switch on a union-dialect store: the public graphs in requests of
        ``SWITCH_GRAPHS``, then one request that replaces the control graph — which names the
        new merge graph, the default graph of every query that names no dataset. Such queries
        (all of the service's pages) see one generation or the other; a query that names
        graphs may, during the seconds of the switch, find some already new."""
        graphs = _graph_switch_ops(staged)
        done = 0
        try:
            for start in range(0, len(graphs), SWITCH_GRAPHS):
                step = graphs[start:start + SWITCH_GRAPHS]
                self._update(" ;\n".join(op for graph in step for op in graph))
                done += len(step)
            # graphs no longer built go only with the control graph that stops listing them
            self._update(" ;\n".join([*_dropped_graph_ops(old, data),
                                       *_control_switch_ops(control)]))
        except StoreError as exc:
            raise StoreError(f"the switch stopped after {done} of {len(graphs)} graphs: queries "
                             "that name no graph read the previous generation unless its last "
                             "step was applied after all; build again to complete it "
                             f"({exc})") from None

    def _check_counts(self, data: GraphSet, held_in: Mapping[str, str], what: str) -> None:
        """Each graph of ``data`` is held (in ``held_in[graph]``) with as many distinct
        triples as ``data`` has for it; else StoreError, before anything is switched."""
        graphs = list(held_in.values())
        held: dict[str, int] = {}
        for start in range(0, len(graphs), COUNT_GRAPHS):  # Virtuoso: no query too large
            values = " ".join(f"<{g}>" for g in graphs[start:start + COUNT_GRAPHS])
            rows = self._select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            held.update((r["g"], int(r["n"])) for r in rows)
        for public, graph in held_in.items():
            expected = len(set(data.graphs[public]))
            if held.get(graph, 0) != expected:
                raise StoreError(f"the store at {self.config.url} holds {held.get(graph, 0)} "
                                 f"triples of <{public}>, not the {expected} {what}; nothing was "
                                 "switched")

    def _drop_leftover_staging(self, keep: str | None = None) -> None:
        """Staging graphs of a build that died before its switch (one writer at a time), and
        the merge graphs of generations no longer served: all but ``keep`` (the served one)
        and the newest before it. A `serve` process reads the generation at most a second
        late, so one may still query the merge replaced by the last build even as the next
        begins; the one before that has been unserved for a whole build."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                            f"FILTER(STRSTARTS(STR(?g), \"{STAGING}\") || "
                            f"STRSTARTS(STR(?g), \"{MERGE}\")) }}")
        found = [r["g"] for r in rows]
        # generations are named by their UTC time, so the names sort as the builds ran
        older = sorted(g for g in found if g.startswith(MERGE) and keep and g < keep)
        spared = {keep, *older[-1:]}
        self._drop([g for g in found if g not in spared])

    def _drop(self, graphs: Sequence[str]) -> None:
        if graphs:
            try:
                self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
            except StoreError:
                pass  # best effort while failing already; the next build drops leftovers

    def _count(self, graph: str) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    def _insert(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        size = VIRTUOSO_CHUNK_TRIPLES if self.dialect() == "union" else CHUNK_TRIPLES
        for chunk in _chunks(triples, size):
            body = "\n".join(f"{t} ." for t in chunk)
            if any(isinstance(x, ox.BlankNode) for t in chunk for x in (t.subject, t.object)):
                # Virtuoso refuses blank nodes in INSERT DATA; a template with no WHERE
                # condition inserts the same, one fresh node per label
                self._update(f"INSERT {{ GRAPH <{graph}> {{\n{body}\n}} }} WHERE {{}}")
            else:
                self._update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")

    # HTTP ----------------------------------------------------------------------------------
    def _select(self, query: str) -> list[dict[str, str]]:
        """The store's own bookkeeping queries: rows of plain values."""
        body, _ = self._request(query, form="select", params=[], timeout=self.config.timeout)
        return [{k: v["value"] for k, v in b.items()} for b in _json(body)["results"]["bindings"]]

    def _update(self, update: str) -> None:
        self._request(update, form="update", params=[], timeout=self.config.timeout * 10)

    def _request(self, text: str, *, form: str, params: Sequence[tuple[str, str]],
                 timeout: float, accept: str | None = None) -> tuple[bytes, Mapping[str, str]]:
        """POST one query or update (SPARQL 1.1 Protocol) and return the body and headers of
        a 2xx answer; anything else is a QueryError or StoreError."""
        update = form == "update"
        where = self.config.updates() if update else self.config.url
        if accept is None:
            accept = GRAPH_ACCEPT if form in ("construct", "describe") else JSON_ACCEPT
        extra = urllib.parse.urlencode(params)
        if not update and len(extra) <= MAX_URL_PARAMS and "oxigraph" in self.server().lower():
            # "query via POST directly": the text is the body as it is, the dataset and
            # limit in the URL — no percent-encoding of every query here and decoding there
            # (a quarter of the time demograph added to a quick query, bench/remote.py).
            # Only for Oxigraph, where it is tested: Virtuoso 7.2 never answers such a POST
            url = where + ("&" if "?" in where else "?") + extra if extra else where
            body = text.encode()
            content_type = "application/sparql-query"
        else:  # updates, and datasets of thousands of graphs that no URL should carry
            url = where
            body = urllib.parse.urlencode([("update" if update else "query", text),
                                           *params]).encode()
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, "Accept": accept, **self.config.credentials()}
        try:
            # queries go over this thread's kept-alive connection; an update gets a fresh
            # one, because a request that fails on a connection the store had closed is
            # retried, and an update must never be sent twice
            status, answer, data = self._connections.post(url, body, headers,
                                                          max(1.0, timeout), reuse=not update)
        except (TimeoutError, socket.timeout):
            raise StoreError(f"the store at {where} did not answer within {timeout:g} seconds") \
                from None
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(f"the store at {where} is not reachable: {exc}") from None
        if 200 <= status < 300:
            return data, answer
        message = _store_message(data.decode("utf-8", "replace")) or f"HTTP {status}"
        if status == 400 and not update:
            raise QueryError(f"the store at {where} refused the query: {message}")
        if status == 401:
            raise StoreError(f"the store at {where} refused the credentials "
                             "(DEMOGRAPH_STORE_USER / DEMOGRAPH_STORE_PASSWORD)")
        if status in (301, 302, 303, 307, 308):
            raise StoreError(f"the store at {where} redirects to {answer.get('Location', '?')}: "
                             "give that address as the store's URL")
        raise StoreError(f"the store at {where} answered HTTP {status}: {message}")

    def server(self) -> str:
        """What the store calls itself (its Server header), asked once."""
        if self._server is None:
            self._server = self._server_name()
        return self._server

    def _server_name(self) -> str:
        request = urllib.request.Request(self.config.url, method="GET",
                                         headers=self.config.credentials())
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                return response.headers.get("Server", "")
        except urllib.error.HTTPError as exc:  # a 400 for a query-less GET still names it
            return exc.headers.get("Server", "") if exc.headers else ""
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"the store at {self.config.url} is not reachable: {reason}") from None


def open_remote(settings: Any) -> RemoteStore:
    """The remote store the settings name (``store_url`` and its companions)."""
    return RemoteStore(RemoteConfig(settings.store_url, settings.store_update_url or None,
                                    settings.store_user or None, settings.store_password or None,
                                    settings.store_dialect, settings.query_timeout))


# results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class JsonRows:
    """A SELECT answer as SPARQL 1.1 JSON bytes, ready to send, and how many rows it has."""

    body: bytes
    rows: int


# how demograph's JSON writer (web/results.py) and Oxigraph's begin a SELECT result
_OWN_JSON = b'{"head":{"vars":['


def _result(form: str, body: bytes, headers: Mapping[str, str], max_rows: int) -> Result:
    if form == "ask":
        return bool(_json(body).get("boolean"))
    if form in ("construct", "describe"):
        return _triples(body, headers.get("Content-Type", "text/turtle"), max_rows)
    # Virtuoso cuts a result at ResultSetMaxRows and says so in this header
    return _solutions(_json(body), max_rows, cut="X-SPARQL-MaxRows" in headers)


def _json_through(body: bytes, headers: Mapping[str, str],
                  max_rows: int) -> JsonRows | dict[str, Any] | None:
    """``body`` as it is, if a client may have it as it is; else the document if it was
    read, or None: it must be rewritten when in another layout (Virtuoso's), with SPARQL
    1.0's "typed-literal", with blank nodes (whose labels demograph rewrites), cut by the
    store, or longer than the row cap (demograph cuts it and says so)."""
    if not body.startswith(_OWN_JSON) or "X-SPARQL-MaxRows" in headers:
        return None
    # substring tests are a scan in C; one inside a literal only costs the slower path
    if b'"typed-literal"' in body or b'"bnode"' in body:
        return None
    data = _json(body)  # invalid JSON is a StoreError here, as on the other path
    try:
        bindings, variables = data["results"]["bindings"], data["head"]["vars"]
    except (KeyError, TypeError):
        return None
    if not isinstance(bindings, list) or not isinstance(variables, list):
        return None
    rows = len(bindings)
    if max_rows and rows > max_rows:
        return data
    return JsonRows(body, rows)


def _json(body: bytes) -> dict[str, Any]:
    import json

    try:
        return json.loads(body)
    except ValueError as exc:
        raise StoreError(f"the store sent results that are not SPARQL JSON: {exc}") from None


def _term(value: Mapping[str, str]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        # stores name blank nodes their own way ("nodeID://b10006"); the name only has to
        # be stable within one result
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", value["value"]))
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


def _solutions(data: Mapping[str, Any], max_rows: int, cut: bool) -> Solutions:
    variables = tuple(data["head"].get("vars", ()))
    bindings = data["results"]["bindings"]
    truncated = cut or bool(max_rows and len(bindings) > max_rows)
    if max_rows:
        bindings = bindings[:max_rows]
    rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in bindings]
    return Solutions(variables, rows, truncated)


def _triples(body: bytes, content_type: str, max_rows: int) -> Triples:
    media = content_type.split(";")[0].strip().lower()
    fmt = ox.RdfFormat.N_TRIPLES if media == "text/plain" else ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(f"the store sent a graph as {media}, which demograph cannot read")
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)]
    except SyntaxError as exc:
        raise StoreError(f"the store sent a graph that does not parse: {exc}") from None
    truncated = bool(max_rows and len(triples) > max_rows)
    return Triples(triples[:max_rows] if max_rows else triples, truncated)


@functools.lru_cache(maxsize=4096)
def _check_syntax(text: str) -> None:
    """Parse ``text`` with Oxigraph's parser, on a store that is always empty (its results
    are never read); a SyntaxError says why not. Cached like ``querycheck.analyse``: the
    service's own queries and clients' repeated ones are parsed once, not at every request."""
    _PARSER.query(text)


_PARSER = ox.Store()


def _store_message(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:500]


# HTTP -------------------------------------------------------------------------------------
# Exceptions that mean a kept-alive connection was closed by the store (its idle timeout, a
# restart) before or while this request was sent: the request is sent again on a new one.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, ConnectionAbortedError,
          BrokenPipeError, http.client.CannotSendRequest, http.client.BadStatusLine)


class _Kept:
    """What a kept-alive connection needs besides http.client's."""

    sock: socket.socket

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        # http.client sends a request's header and body in two writes; with Nagle's
        # algorithm the body would wait for the store to acknowledge the header
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def __del__(self) -> None:
        # a connection goes when its thread or its store does: its socket goes with it
        try:
            self.close()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 — at interpreter exit anything may be gone
            pass


class _HTTPConnection(_Kept, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_Kept, http.client.HTTPSConnection):
    pass


class _Connections:
    """Kept-alive HTTP connections to the store, one per thread and address.

    A new TCP connection per query (what SPARQLWrapper's urllib does) costs a connect and,
    with the request's header and body sent separately, a round trip more; on a query the
    store answers in a millisecond that was most of demograph's overhead (bench/remote.py).
    Each web thread keeps its own connection, so no lock is held while a query runs and a
    connection is never shared between two requests at once; gunicorn's threads are
    long-lived, so a process holds at most (threads × addresses) of them.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        # every kept-alive connection, for close(); a thread's own dict holds it alive
        self._all: weakref.WeakSet[http.client.HTTPConnection] = weakref.WeakSet()
        self._lock = threading.Lock()  # only taken when a connection is made or at close

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float,
             reuse: bool) -> tuple[int, http.client.HTTPMessage, bytes]:
        parts = urllib.parse.urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if not reuse:
            conn = self._new(parts, timeout, keep=False)
            try:
                return self._exchange(conn, target, body, headers)
            finally:
                conn.close()
        mine: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault(
            "connections", {})
        key = (parts.scheme, parts.netloc)
        conn = mine.get(key)
        if conn is not None:
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
            conn.timeout = timeout  # for a reconnect by http.client itself
            try:
                return self._exchange(conn, target, body, headers)
            except _STALE:
                conn.close()  # the store closed it: once more, on a new connection
            except BaseException:
                conn.close()  # a timeout or worse: the connection's state is unknown
                mine.pop(key, None)
                raise
        conn = mine[key] = self._new(parts, timeout, keep=True)
        try:
            return self._exchange(conn, target, body, headers)
        except BaseException:
            conn.close()
            mine.pop(key, None)
            raise

    @staticmethod
    def _exchange(conn: http.client.HTTPConnection, target: str, body: bytes,
                  headers: Mapping[str, str]) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn.request("POST", target, body, dict(headers))
        response = conn.getresponse()
        data = response.read()  # read to the end: the connection is free for the next one
        if response.will_close:
            conn.close()  # http.client reconnects on the next request
        return response.status, response.headers, data

    def _new(self, parts: urllib.parse.SplitResult, timeout: float,
             keep: bool) -> http.client.HTTPConnection:
        kind = _HTTPSConnection if parts.scheme == "https" else _HTTPConnection
        conn = kind(parts.hostname or "", parts.port, timeout=timeout)
        if keep:
            with self._lock:
                self._all.add(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            connections = list(self._all)
        for conn in connections:
            conn.close()  # a thread's next request reconnects (http.client's auto_open)


# loading ----------------------------------------------------------------------------------
def _new_generation() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 10**9:09d}"


def _batches(graphs: Sequence[str], sizes: Mapping[str, int], most: int) -> Iterator[list[str]]:
    """Graphs in runs of at most ``most`` triples between them (a larger graph alone). A
    graph of unknown size (one kept from an earlier load) counts as ``most``.

    >>> list(_batches(["a", "b", "c", "d", "kept"], {"a": 20, "b": 30, "c": 80, "d": 5}, 50))
    [['a', 'b'], ['c'], ['d'], ['kept']]
    """
    batch: list[str] = []
    total = 0
    for graph in graphs:
        size = sizes.get(graph, most)
        if batch and total + size > most:
            yield batch
            batch, total = [], 0
        batch.append(graph)
        total += size
    if batch:
        yield batch


def _chunks(triples: Sequence[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Triples in requests of about ``size``. A blank node's label means one node only
    within one request, so every triple that shares a blank node goes in the same one."""
    groups: dict[str, list[ox.Triple]] = {}
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    plain: list[ox.Triple] = []
    linked: list[tuple[ox.Triple, list[str]]] = []
    for t in dict.fromkeys(triples):  # distinct, in order
        labels = [x.value for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        if labels:
            for other in labels[1:]:
                parent[root(other)] = root(labels[0])
            linked.append((t, labels))
        else:
            plain.append(t)
    for t, labels in linked:
        groups.setdefault(root(labels[0]), []).append(t)
    chunk: list[ox.Triple] = []
    for group in [*([t] for t in plain), *groups.values()]:
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _graph_switch_ops(staged: Mapping[str, str]) -> list[list[str]]:
    """Per public graph, the update operations that put its staged graph in its place."""
    # MOVE of a graph the store never created (an empty one) would leave the old public
    # graph in place, so each public graph is dropped first
    return [[f"DROP SILENT GRAPH <{public}>", f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{public}>"]
            for public, staging in staged.items()]


def _dropped_graph_ops(old: Mapping[str, str], data: GraphSet) -> list[str]:
    """Drops of the public graphs no longer built (but not of those `demograph load` added)."""
    return [f"DROP SILENT GRAPH <{graph}>" for graph, kind in old.items()
            if graph not in data.graphs and kind != "loaded"]


def _control_switch_ops(control: str) -> list[str]:
    """The new control graph in the place of the served one: what makes a generation served."""
    return [f"DROP SILENT GRAPH <{CONTROL}>", f"MOVE GRAPH <{control}> TO GRAPH <{CONTROL}>"]


def _control_triples(generation: str, data: GraphSet, kept: Mapping[str, str],
                     triples: int, merge: str | None = None) -> list[ox.Triple]:
    store = ox.NamedNode(_STORE[1:-1])

    def fact(s: ox.NamedNode, name: str, value: str | int) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(_P + name), ox.Literal(str(value)))

    out = [fact(store, "generation", generation),
           fact(store, "created", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
           fact(store, "base", data.base), fact(store, "triples", triples)]
    if merge is not None:
        out.append(fact(store, "merge", merge))
    for graph, kind in [*data.kinds.items(), *kept.items()]:
        out.append(fact(ox.NamedNode(graph), "kind", kind))
    for graph, name in data.sources.items():
        out.append(fact(ox.NamedNode(graph), "file", name))
    return out
