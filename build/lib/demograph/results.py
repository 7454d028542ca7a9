"""Query results in the formats people read and scripts parse.

SPARQL JSON, CSV and TSV are Oxigraph's own serialisers (the W3C formats); ``table`` is for
people at a terminal: IRIs shortened with the project's prefixes, literals as their text.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from .prefixes import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON}
_GRAPH_FORMATS = {"table": ox.RdfFormat.TURTLE, "csv": ox.RdfFormat.N_TRIPLES,
                  "tsv": ox.RdfFormat.N_TRIPLES, "json": ox.RdfFormat.JSON_LD}


def compact(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and term.value != namespace:
                return f"{prefix}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return "" if term is None else str(term)


def render(result: Any, fmt: str) -> bytes:
    """Serialise a pyoxigraph query result (solutions, boolean or triples)."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return (b"true" if bool(result) else b"false") + b"\n"
        return result.serialize(format=_RESULT_FORMATS.get(fmt, ox.QueryResultsFormat.JSON))
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=_GRAPH_FORMATS[fmt], prefixes=PREFIXES
                            if fmt == "table" else None) or b""
    if fmt != "table":
        return result.serialize(format=_RESULT_FORMATS[fmt])
    names = [v.value for v in result.variables]
    rows = [[compact(solution[name]) for name in names] for solution in result]
    return table(names, rows).encode("utf-8")


def table(names: list[str], rows: list[list[str]], max_width: int = 80) -> str:
    widths = [min(max_width, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return " | ".join(_clip(c, w).ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
