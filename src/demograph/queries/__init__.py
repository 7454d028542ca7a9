"""Named SPARQL, in ``.rq`` files beside this module, runnable as pasted (with PREFIX lines).

``pages/`` and ``browse/`` hold the service's own queries (pages, lists, publishing); values
from a request are bound through ``Data.select(..., name=value)`` (SEP-0007 substitutions),
never spliced into the text. ``examples/`` holds the example questions users see.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def text(name: str) -> str:
    """The query ``name`` (a path under this folder, without ``.rq``)."""
    path = (HERE / f"{name}.rq").resolve()
    if HERE not in path.parents:
        raise ValueError(f"not a query name: {name!r}")
    return path.read_text(encoding="utf-8")
