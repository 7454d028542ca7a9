"""The store: where the built graph lives and how it is read.

``Store`` is the read side every caller uses (CLI today, the web layer later); the embedded
Oxigraph snapshots are its backend (``oxigraph``). Named graphs: one per source document
(named by the source's IRI), and ``{B}graph/ontology``, ``{B}graph/concepts``,
``{B}graph/reference``, plus whatever ``demograph load`` added. Queries see the union of all
graphs as their default graph, as Fuseki's ``unionDefaultGraph`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import QueryError, StoreError
from ..querycheck import analyse
from .oxigraph import Manifest, SnapshotDir

__all__ = ["Store", "Manifest", "SnapshotDir"]


class Store:
    """Read-only access to the current snapshot of an embedded store."""

    def __init__(self, root: Path) -> None:
        self.dir = SnapshotDir(root)
        self._db: ox.Store | None = None
        self._manifest: Manifest | None = None

    @property
    def db(self) -> ox.Store:
        if self._db is None:
            self._db = self.dir.open_read()
        return self._db

    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            self._manifest = self.dir.manifest()
        return self._manifest

    def query(self, sparql: str, **options: Any) -> Any:
        """Run a read-only query over the merge of all graphs; a bad query is a QueryError."""
        union = self.manifest.union_default and not analyse(sparql).has_dataset
        try:
            return self.db.query(sparql, use_default_graph_as_union=union, **options)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except OSError as exc:
            raise StoreError(f"store read failed: {exc}") from None

    def triple_count(self) -> int:
        return len(self.db)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.db.named_graphs())  # type: ignore[union-attr]
