"""The one Store protocol every backend implements, and the values it returns.

    embedded.EmbeddedStore  Oxigraph snapshots on local disk (the default)
    memory.MemoryStore      an rdflib dataset in memory (small data, tests)
    remote.RemoteStore      a SPARQL 1.1 store over HTTP (Oxigraph, Virtuoso, Fuseki …)

The contract (tests/test_store_contract.py runs it against each): the store holds named
graphs, and its *default graph is their RDF merge* — a triple several graphs hold is there
once — so counts over it count things. ``replace`` swaps the whole set atomically: a reader
sees the old graphs or the new ones, never a mix, and a replace that fails leaves the old
ones served. Results use pyoxigraph's terms, so the web layer writes every backend's
answers with the same serialisers. Failures are the project's error family: a malformed
query is a :class:`~demograph.errors.QueryError`, a store that cannot be reached, read or
written a :class:`~demograph.errors.StoreError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, Union

import pyoxigraph as ox

from ..errors import QueryError
from ..querycheck import blank

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]


@dataclass(frozen=True)
class Solutions:
    """A SELECT result: variable names and rows of terms (None where a variable is unbound)."""

    variables: tuple[str, ...]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False  # the row cap (or the store's own cap) cut the result

    def dicts(self) -> list[dict[str, Term]]:
        """Rows as dicts, unbound variables left out: handy for comparing answers."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE result."""

    triples: list[ox.Triple]
    truncated: bool = False


Result = Union[Solutions, bool, Triples]
GraphData = Mapping[str, Sequence[ox.Triple]]  # graph IRI → its triples
Check = Callable[[], None]  # run once the data is staged, before the switch; raising aborts


@dataclass(frozen=True)
class GraphSet:
    """What ``replace`` installs: the graphs, and what each is (``Manifest.graphs`` kinds)."""

    graphs: GraphData
    kinds: Mapping[str, str]  # graph IRI → "ontology" | "concepts" | "reference" | "source" …
    sources: Mapping[str, str]  # source graph IRI → file name
    base: str


class Store(Protocol):
    """The read and replace side of a backend."""

    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
              max_rows: int = 0, timeout: float | None = None,
              base_iri: str | None = None) -> Result:
        """Run a read-only query. Without a dataset (``FROM``, or the protocol's graphs) it
        reads the default graph, the merge; ``bindings`` pre-bind variables (safely: never
        spliced in as text); ``max_rows`` cuts a longer result (0: no cap)."""

    def named_graphs(self) -> list[str]:
        """The public named graphs, sorted (no staging or control graphs)."""

    def triple_count(self) -> int:
        """Distinct triples of the default graph."""

    def version(self) -> str:
        """Changes whenever ``replace`` installs new data: keys caches and ETags."""

    def replace(self, data: GraphSet, check: Check | None = None) -> str:
        """Install ``data`` atomically in place of what the store holds; returns the new
        version. ``check`` runs once everything is staged, before the switch; if it
        raises, nothing is switched and the old data stays served."""

    def close(self) -> None:
        """Let go of connections and handles."""


def values_clause(bindings: Mapping[str, Term]) -> str:
    """Bindings as one SPARQL ``VALUES`` row, each term written in N-Triples syntax — which
    pyoxigraph escapes and whose IRIs it has validated — so no value can change the query.

    >>> values_clause({"a": ox.NamedNode("http://x/1"), "b": ox.Literal('say "hi"', language="sv")})
    'VALUES (?a ?b) { (<http://x/1> "say \\\\"hi\\\\""@sv) }'
    """
    for name in bindings:
        if not name.isidentifier():
            raise QueryError(f"not a variable name: {name!r}")
        if isinstance(bindings[name], ox.BlankNode):
            raise QueryError("a blank node cannot be bound: it means nothing outside its result")
    names = " ".join(f"?{n}" for n in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def bind_values(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with ``bindings`` as a VALUES block opening its WHERE group: the same
    answers as pre-binding for the service's own queries, for stores that take only text.

    >>> bind_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://x")})
    'CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x>) } ?s ?p ?o }'
    """
    if not bindings:
        return query
    code = blank(query)  # braces inside strings, IRIs and comments do not count
    start = code.find("{")
    construct = code.upper().rfind("CONSTRUCT", 0, start if start >= 0 else len(code))
    if start >= 0 and construct >= 0 and not code[construct + 9:start].strip():
        depth, end = 0, start  # CONSTRUCT { template } WHERE { … }: skip the template
        for end in range(start, len(code)):
            depth += {"{": 1, "}": -1}.get(code[end], 0)
            if depth == 0:
                break
        start = code.find("{", end + 1)
    if start < 0:
        raise QueryError("the query has no WHERE group to bind values in")
    return f"{query[:start + 1]} {values_clause(bindings)}{query[start + 1:]}"
