"""The Store protocol over the embedded Oxigraph snapshots (``oxigraph.SnapshotDir``).

Queries run in this process; the time limit is the web layer's (its query workers are
killed when a query overruns, which a thread inside Oxigraph cannot be).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ..querycheck import analyse
from .oxigraph import Manifest, SnapshotDir, merge_into_default_graph, open_write
from .protocol import Check, GraphSet, Result, Solutions, Term, Triples, bind_values


class EmbeddedStore:
    def __init__(self, root: Path) -> None:
        self.dir = SnapshotDir(root)
        self._open: tuple[str, ox.Store, Manifest] | None = None

    def _current(self) -> tuple[ox.Store, Manifest]:
        name = self.dir.require_current().name
        if self._open is None or self._open[0] != name:
            self._open = (name, self.dir.open_read(), self.dir.manifest())
        return self._open[1], self._open[2]

    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
              max_rows: int = 0, timeout: float | None = None,
              base_iri: str | None = None) -> Result:
        db, manifest = self._current()
        # bound as VALUES, not Oxigraph's substitutions: those need the variable projected,
        # and every backend should answer a bound query alike
        sparql = bind_values(sparql, bindings)
        try:
            if default_graphs or named_graphs:
                result = db.query(sparql, base_iri=base_iri,
                                  default_graph=[ox.NamedNode(g) for g in default_graphs],
                                  named_graphs=[ox.NamedNode(g) for g in named_graphs])
            else:
                union = manifest.union_default and not analyse(sparql).has_dataset
                result = db.query(sparql, base_iri=base_iri,
                                  use_default_graph_as_union=union)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                variables = tuple(v.value for v in result.variables)
                rows = [tuple(s[v] for v in variables) for s in _capped(result, max_rows)]
                cut = bool(max_rows) and len(rows) > max_rows
                return Solutions(variables, rows[:max_rows] if cut else rows, cut)
            triples = list(_capped(result, max_rows))
            cut = bool(max_rows) and len(triples) > max_rows
            return Triples(triples[:max_rows] if cut else triples, cut)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"store read failed: {exc}") from None

    def named_graphs(self) -> list[str]:
        db, _ = self._current()
        return sorted(g.value for g in db.named_graphs())  # type: ignore[union-attr]

    def triple_count(self) -> int:
        return self._current()[1].triples

    def version(self) -> str:
        return self.dir.require_current().name

    def manifest(self) -> Manifest:
        return self._current()[1]

    def replace(self, data: GraphSet, check: Check | None = None) -> str:
        with self.dir.lock():
            snapshot = self.dir.new_snapshot()
            try:
                db = open_write(snapshot)
                manifest = Manifest(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), data.base,
                                    dict(data.kinds), dict(data.sources), default_graph="merge")
                for graph, triples in data.graphs.items():
                    name = ox.NamedNode(graph)
                    db.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
                manifest.triples = merge_into_default_graph(db)
                db.flush()
                del db
                if check is not None:
                    check()
                self.dir.publish(snapshot, manifest)
            except BaseException:
                self.dir.discard(snapshot)
                raise
        self._open = None
        return snapshot.name

    def close(self) -> None:
        self._open = None


def _capped(result: object, max_rows: int) -> object:
    return islice(result, max_rows + 1) if max_rows else result  # type: ignore[call-overload]
