"""A SPARQL 1.1 store over HTTP: queries through SPARQLWrapper, loading through Update.

What the store holds besides the public graphs (their IRIs are as MODEL.md says):

    urn:demograph:control          the generation being served, when it was built, and every
                                   public graph with its kind — what `serve` reads for its
                                   ETags, caches, /health and service description
    urn:demograph:merge            the default graph's merge, on stores whose default graph
                                   is the union of all graphs (Virtuoso, GraphDB, Neptune)
    urn:demograph:staging:{gen}:…  a build's graphs before its switch

A build loads every graph into staging graphs, checks that the store holds what was sent,
and then switches in *one* SPARQL Update request: each public graph dropped and the staging
graph moved in its place, the merge moved into the default graph, the control graph
replaced. A store that runs an update request as one transaction (Oxigraph, Fuseki, GraphDB,
Virtuoso) shows readers the old generation or the new one, never a mix; a build that fails
before the switch drops its staging graphs and leaves the served data alone.

Two dialects. ``standard``: the store's default graph is a graph of its own (Oxigraph,
Fuseki), so the merge goes there and queries are sent as written. ``union``: the default
graph of a query is the union of *all* graphs, staging and system graphs included
(Virtuoso), so the merge lives in ``urn:demograph:merge`` and a query that names no dataset
is sent with that graph as its default graph and the public graphs as its named graphs.
``auto`` picks ``union`` for a server that says it is Virtuoso.

Every query is parsed here first (by Oxigraph's parser, on an empty store): only standard
SPARQL 1.1 reaches the remote store — no ``DEFINE`` pragmas, no vendor extensions.
"""

from __future__ import annotations

import base64
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

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
_GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)
VERSION_TTL = 1.0  # seconds a generation read from the store is trusted: a rebuild shows within it
DIALECTS = ("auto", "standard", "union")


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
        self._manifest: tuple[str, Manifest] | None = None
        self._parser = ox.Store()  # always empty: only ever asked to parse

    # the protocol: reading -----------------------------------------------------------------
    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
              max_rows: int = 0, timeout: float | None = None,
              base_iri: str | None = None) -> Result:
        text = bind_values(sparql, bindings)
        if base_iri:
            text = f"BASE <{ox.NamedNode(base_iri).value}>\n{text}"
        try:
            self._parser.query(text)  # parse only: the empty store's results are never read
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        info = analyse(sparql)
        params: list[tuple[str, str]] = []
        if default_graphs or named_graphs:
            params += [("default-graph-uri", g) for g in default_graphs]
            params += [("named-graph-uri", g) for g in named_graphs]
        elif not info.has_dataset and self.dialect() == "union":
            params.append(("default-graph-uri", MERGE))
            # a query without GRAPH reads no named graph: not sending thousands of them
            # keeps every request small
            if _GRAPH.search(blank(sparql)):
                params += [("named-graph-uri", g) for g in self.manifest().graphs]
        limit = timeout or self.config.timeout
        if self.dialect() == "union":  # Virtuoso's own limit (ms): it stops, not just us
            params.append(("timeout", str(int(limit * 1000))))
        graph = info.form in ("construct", "describe")
        body, headers = self._request(text, form=info.form, params=params, timeout=limit)
        if info.form == "ask":
            return bool(_json(body).get("boolean"))
        if graph:
            return _triples(body, headers.get("Content-Type", "text/turtle"), max_rows)
        # Virtuoso cuts a result at ResultSetMaxRows and says so in this header
        return _solutions(_json(body), max_rows, cut="X-SPARQL-MaxRows" in headers)

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
        generation = self.version()
        cached = self._manifest
        if cached is not None and cached[0] == generation:
            return cached[1]
        rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{CONTROL}> {{ ?s ?p ?o }} }}")
        facts = {r["p"][len(_P):]: r["o"] for r in rows if r["s"] == _STORE[1:-1]}
        manifest = Manifest(facts.get("created", ""), facts.get("base", ""),
                            triples=int(facts.get("triples", "0")), default_graph="merge")
        for row in rows:
            if row["p"] == f"{_P}kind":
                manifest.graphs[row["s"]] = row["o"]
            elif row["p"] == f"{_P}file":
                manifest.sources[row["s"]] = row["o"]
        self._manifest = (generation, manifest)
        return manifest

    def dialect(self) -> str:
        if self._dialect is None:
            self._dialect = "union" if "virtuoso" in self._server_name().lower() else "standard"
        return self._dialect

    def close(self) -> None:
        self._version = None
        self._manifest = None

    # the protocol: replacing ---------------------------------------------------------------
    def replace(self, data: GraphSet, check: Check | None = None) -> str:
        generation = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 10**9:09d}"
        prefix = f"{STAGING}{generation}:"
        self._drop_leftover_staging()
        try:
            old = self.manifest().graphs
        except StoreError as exc:
            if "holds no demograph data" not in str(exc):
                raise
            old = {}
        kept = {g: k for g, k in old.items() if k == "loaded" and g not in data.graphs}
        staged: dict[str, str] = {}  # public graph → staging graph
        try:
            for number, (graph, triples) in enumerate(sorted(data.graphs.items())):
                staged[graph] = f"{prefix}{number}"
                self._insert(staged[graph], triples)
            self._check_staged(data, staged)
            merge = f"{prefix}merge"
            sources = " ".join(f"<{g}>" for g in [*staged.values(), *kept])
            self._update(f"INSERT {{ GRAPH <{merge}> {{ ?s ?p ?o }} }} WHERE {{ "
                         f"VALUES ?g {{ {sources} }} GRAPH ?g {{ ?s ?p ?o }} }}")
            triples = self._count(merge)
            control = f"{prefix}control"
            self._insert(control, _control_triples(generation, data, kept, triples))
            if check is not None:
                check()
            self._update(self._switch(staged, merge, control, old, data))
        except BaseException:
            self._drop([*staged.values(), f"{prefix}merge", f"{prefix}control"])
            raise
        self._version = None
        return generation

    def _switch(self, staged: Mapping[str, str], merge: str, control: str,
                old: Mapping[str, str], data: GraphSet) -> str:
        """The one update request that makes the staged generation the served one."""
        ops = [f"DROP SILENT GRAPH <{g}>" for g, kind in old.items()
               if g not in data.graphs and kind != "loaded"]
        for public, staging in staged.items():
            # MOVE of a graph the store never created (an empty one) would leave the old
            # public graph in place, so each public graph is dropped first
            ops += [f"DROP SILENT GRAPH <{public}>", f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{public}>"]
        target = f"GRAPH <{MERGE}>" if self.dialect() == "union" else "DEFAULT"
        ops += [f"DROP SILENT {target}", f"MOVE SILENT GRAPH <{merge}> TO {target}",
                f"DROP SILENT GRAPH <{CONTROL}>", f"MOVE GRAPH <{control}> TO GRAPH <{CONTROL}>"]
        return " ;\n".join(ops)

    def _check_staged(self, data: GraphSet, staged: Mapping[str, str]) -> None:
        """The store holds exactly what was sent: as many distinct triples in each graph."""
        values = " ".join(f"<{g}>" for g in staged.values())
        rows = self._select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                            "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        held = {r["g"]: int(r["n"]) for r in rows}
        for public, staging in staged.items():
            sent = len(set(data.graphs[public]))
            if held.get(staging, 0) != sent:
                raise StoreError(f"the store at {self.config.url} holds {held.get(staging, 0)} "
                                 f"triples of <{public}> after loading {sent}; nothing was switched")

    def _drop_leftover_staging(self) -> None:
        """Staging graphs of a build that died before its switch (one writer at a time)."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                            f"FILTER(STRSTARTS(STR(?g), \"{STAGING}\")) }}")
        self._drop([r["g"] for r in rows])

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
                 timeout: float) -> tuple[bytes, Mapping[str, str]]:
        update = form == "update"
        wrapper = SPARQLWrapper(self.config.url, updateEndpoint=self.config.updates())
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)  # Accept only: no vendor `format=` parameter
        # set directly: SPARQLWrapper's own guess warns on what its regex does not know,
        # and the form is already known from the checks
        wrapper.queryString = text
        wrapper.queryType = "INSERT" if update else form.upper()
        wrapper.setReturnFormat(TURTLE if form in ("construct", "describe") else JSON)
        wrapper.setTimeout(max(1, ceil(timeout)))
        if self.config.user:
            wrapper.setCredentials(self.config.user, self.config.password or "")
        for name, value in params:
            wrapper.addParameter(name, value)
        where = self.config.updates() if update else self.config.url
        try:
            response = wrapper.query().response
            return response.read(), response.headers
        except SPARQLWrapperException as exc:
            message = _store_message(exc)
            if type(exc).__name__ == "QueryBadFormed" and not update:
                raise QueryError(f"the store at {where} refused the query: {message}") from None
            if type(exc).__name__ == "Unauthorized":
                raise StoreError(f"the store at {where} refused the credentials "
                                 "(DEMOGRAPH_STORE_USER / DEMOGRAPH_STORE_PASSWORD)") from None
            raise StoreError(f"the store at {where} failed: {message}") from None
        except urllib.error.HTTPError as exc:
            raise StoreError(f"the store at {where} answered HTTP {exc.code}: "
                             f"{_store_message(exc)}") from None
        except (TimeoutError, socket.timeout):
            raise StoreError(f"the store at {where} did not answer within {timeout:g} seconds") \
                from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise StoreError(f"the store at {where} did not answer within {timeout:g} "
                                 "seconds") from None
            raise StoreError(f"the store at {where} is not reachable: {exc.reason}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(f"the store at {where} is not reachable: {exc}") from None

    def _server_name(self) -> str:
        request = urllib.request.Request(self.config.url, method="GET")
        if self.config.user:
            token = base64.b64encode(f"{self.config.user}:{self.config.password or ''}".encode())
            request.add_header("Authorization", "Basic " + token.decode())
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


def _store_message(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, urllib.error.HTTPError):
        try:
            text = exc.read().decode("utf-8", "replace") or text
        except OSError:
            pass
    text = re.sub(r"\s+", " ", text).strip()
    return text[:500]


# loading ----------------------------------------------------------------------------------
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


def _control_triples(generation: str, data: GraphSet, kept: Mapping[str, str],
                     triples: int) -> list[ox.Triple]:
    store = ox.NamedNode(_STORE[1:-1])

    def fact(s: ox.NamedNode, name: str, value: str | int) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(_P + name), ox.Literal(str(value)))

    out = [fact(store, "generation", generation),
           fact(store, "created", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
           fact(store, "base", data.base), fact(store, "triples", triples)]
    for graph, kind in [*data.kinds.items(), *kept.items()]:
        out.append(fact(ox.NamedNode(graph), "kind", kind))
    for graph, name in data.sources.items():
        out.append(fact(ox.NamedNode(graph), "file", name))
    return out
