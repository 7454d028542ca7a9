"""The Store protocol over an rdflib dataset in memory: small data and tests, no files.

rdflib would fetch a graph named by ``FROM`` from the web; this backend turns that off
(``SPARQL_LOAD_GRAPHS``), so graphs are looked up only in the dataset, as everywhere else.
``replace`` builds the new dataset aside and swaps one reference, which is atomic.
"""

from __future__ import annotations

import itertools
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import Dataset, URIRef

from ..errors import QueryError, StoreError
from ..querycheck import analyse
from .protocol import Check, GraphSet, Result, Solutions, Term, Triples
from .terms import to_oxigraph, to_rdflib

rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
_GENERATIONS = itertools.count(1)


class MemoryStore:
    def __init__(self) -> None:
        self._dataset: Dataset | None = None
        self._graphs: list[str] = []
        self._version = "empty"

    def _current(self) -> Dataset:
        if self._dataset is None:
            raise StoreError("the in-memory store is empty: nothing has been loaded into it")
        return self._dataset

    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
              max_rows: int = 0, timeout: float | None = None,
              base_iri: str | None = None) -> Result:
        analyse(sparql)  # SERVICE would make rdflib open a connection: refuse it here too
        dataset = self._current()
        if default_graphs or named_graphs:
            dataset = _view(dataset, default_graphs, named_graphs)
        init = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            with warnings.catch_warnings():
                # rdflib's evaluator calls its own deprecated Dataset API on a FROM or a
                # protocol dataset; that is rdflib's business, not a fault of the query
                warnings.simplefilter("ignore", DeprecationWarning)
                result = dataset.query(sparql, initBindings=init, base=base_iri)
                return _result(result, max_rows)
        except (QueryError, StoreError):
            raise
        except Exception as exc:  # rdflib's parser raises pyparsing's exceptions
            raise QueryError(f"SPARQL query failed: {exc}") from None


    def named_graphs(self) -> list[str]:
        self._current()
        return list(self._graphs)

    def triple_count(self) -> int:
        return len(self._current().default_graph)

    def version(self) -> str:
        return self._version

    def replace(self, data: GraphSet, check: Check | None = None) -> str:
        dataset = Dataset()
        merge = dataset.default_graph
        for graph, triples in data.graphs.items():
            target = dataset.graph(URIRef(graph))
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            if nt:
                target.parse(data=nt, format="nt")
            merge += target
        if check is not None:
            check()
        self._dataset, self._graphs = dataset, sorted(data.graphs)
        self._version = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{next(_GENERATIONS)}"
        return self._version

    def close(self) -> None:
        pass


def _result(result: Any, max_rows: int) -> Result:
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type == "SELECT":
        variables = tuple(str(v) for v in result.vars or ())
        rows = [tuple(_to_ox(row[i]) for i in range(len(variables)))
                for row in itertools.islice(result, max_rows + 1 if max_rows else None)]
        cut = bool(max_rows) and len(rows) > max_rows
        return Solutions(variables, rows[:max_rows] if cut else rows, cut)
    triples = [ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in result]
    cut = bool(max_rows) and len(triples) > max_rows
    return Triples(triples[:max_rows] if cut else triples, cut)  # type: ignore[arg-type]


def _view(dataset: Dataset, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Dataset:
    """The protocol's dataset: its default graph the merge of ``default_graphs``, its named
    graphs ``named_graphs``; graphs the store lacks are empty."""
    view = Dataset()
    merge = view.default_graph
    for name in default_graphs:
        merge += dataset.graph(URIRef(name))
    for name in named_graphs:
        named = view.graph(URIRef(name))
        named += dataset.graph(URIRef(name))
    return view


def _to_ox(term: object) -> Term | None:
    """An rdflib result's value as a pyoxigraph term; None stays None (an unbound value)."""
    if term is None:
        return None
    try:
        return to_oxigraph(term)  # type: ignore[arg-type]
    except TypeError as exc:  # a Graph or other non-term in a result
        raise StoreError(str(exc)) from None
