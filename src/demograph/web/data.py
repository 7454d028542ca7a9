"""Read access for the service's own queries (pages, lists, publishing), in the web process.

The SPARQL endpoint sends *users'* queries to killable worker processes, because nothing
bounds what a user writes. The queries here are the service's own: written in this package,
bounded by design (one resource, a LIMIT, an index), with user input passed only as bound
values (``substitutions``), never spliced into the text. They run in-process on a read-only
handle of the current snapshot, which is what makes a page fast. ``Data`` is the interface
the pages use; a backend other than embedded Oxigraph only needs to provide ``select``,
``ask`` and ``construct`` over the same model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ..errors import QueryError, StoreError
from ..prefixes import PREFIXES
from ..store.protocol import Result, Solutions, Triples
from ..store.terms import to_oxigraph
from ..store.terms import to_rdflib as convert_term

if TYPE_CHECKING:
    from .runtime import Runtime

Row = dict[str, Identifier]

PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


# Converted terms, by the pyoxigraph term: a page's rows name the same few hundred IRIs and
# literals again and again, and building an rdflib Literal (which parses its lexical form) or
# URIRef costs far more than a dict lookup. Terms are values, so entries never go stale across
# snapshots; blank nodes are left out (their labels are fresh in every result). Cleared when
# full rather than kept in LRU order: the bookkeeping would cost more than a refill. The
# largest page (a concept's) holds about two thousand terms; 20,000 of them, texts included,
# are a few tens of MB at most.
_CONVERTED: dict[Any, Identifier] = {}
_CONVERTED_MAX = 20_000


def to_rdflib(term: Any) -> Identifier:
    found = _CONVERTED.get(term)
    if found is not None:
        return found
    converted = convert_term(term)
    if not isinstance(term, ox.BlankNode):
        if len(_CONVERTED) >= _CONVERTED_MAX:
            _CONVERTED.clear()
        _CONVERTED[term] = converted
    return converted


class _Solutions(list):  # type: ignore[type-arg]
    """Remote rows shaped as pyoxigraph's QuerySolutions, which the methods below read: each
    row iterates over its values in the order of ``variables``."""

    def __init__(self, result: Solutions) -> None:
        super().__init__(result.rows)
        self.variables = [ox.Variable(v) for v in result.variables]


def _native(result: Result) -> Any:
    if isinstance(result, Solutions):
        return _Solutions(result)
    if isinstance(result, Triples):
        return result.triples
    return result


class Data:
    """The service's read side over the current snapshot of the embedded store."""

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._open: dict[str, ox.Store] = {}  # snapshot name → handle, the two newest

    def store(self) -> ox.Store:
        """The read-only handle of the request's snapshot. The two newest stay open: during a
        swap, requests that began on the old snapshot finish on it."""
        snapshot = self.runtime.snapshot()
        opened = self._open.get(snapshot.name)
        if opened is not None:
            return opened
        with self._lock:
            opened = self._open.get(snapshot.name)
            if opened is None:
                try:
                    opened = ox.Store.read_only(str(snapshot / "db"))
                except (OSError, RuntimeError) as exc:
                    raise StoreError(f"the store snapshot cannot be opened: {exc}") from None
                # a new dict, so readers never see one being changed
                self._open = {**dict(list(self._open.items())[-1:]), snapshot.name: opened}
            return opened

    def version(self) -> str:
        """Changes whenever the data served changes (for ETags and caches)."""
        return self.runtime.snapshot().name

    def _run(self, query: str, bindings: Mapping[str, Identifier | str] | None) -> Any:
        remote = self.runtime.remote
        if remote is not None:
            # the remote store takes text only: values go in as a VALUES row of escaped,
            # validated terms (store.protocol.bind_values), never spliced in as they came
            try:
                result = remote.query(PROLOGUE + query, timeout=self.runtime.settings.query_timeout,
                                      bindings={k: to_oxigraph(v) for k, v in (bindings or {}).items()})
            except QueryError as exc:  # a bug in our own query text
                raise StoreError(f"internal query failed: {exc}") from None
            return _native(result)
        union = self.runtime.manifest().union_default
        substitutions = {ox.Variable(name): to_oxigraph(value)
                         for name, value in (bindings or {}).items()}
        try:
            return self.store().query(PROLOGUE + query, use_default_graph_as_union=union,
                                      substitutions=substitutions or None)
        except SyntaxError as exc:  # a bug in our own query text
            raise StoreError(f"internal query failed to parse: {exc}") from None
        except OSError as exc:
            raise StoreError(f"store read failed: {exc}") from None

    def select(self, query: str, **bindings: Identifier | str) -> list[Row]:
        """Rows of ``query`` as dicts of rdflib terms; unbound variables are absent."""
        solutions = self._run(query, bindings)
        names = [v.value for v in solutions.variables]
        # a solution iterates over its values in variable order: cheaper than asking by name
        return [{name: to_rdflib(value) for name, value in zip(names, solution) if value is not None}
                for solution in solutions]

    def iter_select(self, query: str, **bindings: Identifier | str) -> Iterator[Row]:
        """Like ``select``, streamed: for results too large to hold (dumps, sitemaps)."""
        solutions = self._run(query, bindings)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield {name: to_rdflib(value) for name, value in zip(names, solution) if value is not None}

    def ask(self, query: str, **bindings: Identifier | str) -> bool:
        return bool(self._run(query, bindings))

    def triples(self, query: str, **bindings: Identifier | str) -> list[ox.Triple]:
        """A CONSTRUCT's triples as pyoxigraph terms, unconverted: for callers that index or
        serialise them themselves (the resource pages) rather than need an rdflib graph."""
        return list(self._run(query, bindings))

    def construct(self, query: str, **bindings: Identifier | str) -> Graph:
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in self._run(query, bindings):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
        return graph

    def count(self) -> int:
        return self.runtime.manifest().triples


T = TypeVar("T")


class PerSnapshot(Generic[T]):
    """A value derived from the whole store (a search index, the dataset's statistics): made
    on first use, kept until the snapshot changes; one build at a time, the others wait for
    it rather than build it again."""

    def __init__(self, make: Callable[[Data], T]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._held: tuple[str, T] | None = None

    def get(self, source: Data) -> T:
        version = source.version()
        held = self._held
        if held is not None and held[0] == version:
            return held[1]
        with self._lock:
            if self._held is None or self._held[0] != version:
                self._held = (version, self._make(source))
            return self._held[1]
