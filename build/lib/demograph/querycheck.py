"""What a query may ask, checked before the engine sees it.

Read-only and closed: no updates, no ``SERVICE`` (nothing a query says may open a
connection), no nesting deep enough to exhaust the engine's stack, no query too long.
The check is lexical — comments, strings and IRIs are blanked first — so a keyword inside a
literal (``"SERVICE"``) is harmless and costs nothing.

>>> check_query("SELECT * { ?s ?p 'SERVICE <x>' }")
>>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
demograph.errors.QueryError: SERVICE (federated query) is not allowed: this endpoint never calls other services
>>> check_query("DELETE WHERE { ?s ?p ?o }")
Traceback (most recent call last):
...
demograph.errors.QueryError: updates are not allowed: the store is read-only (found DELETE)
"""

from __future__ import annotations

import re

from .errors import QueryError

MAX_QUERY_BYTES = 64 * 1024
MAX_NESTING = 64

_BLANKS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_UPDATE = re.compile(r"^\s*(?:(?:BASE|PREFIX)\b[^{]*?)*\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|"
                     r"MOVE|COPY|WITH)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def blank(query: str) -> str:
    """The query with comments, strings and IRIs replaced by spaces (offsets kept)."""
    return _BLANKS.sub(lambda m: " " * len(m.group(0)), query)


def check_query(query: str) -> None:
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise QueryError(f"the query is longer than {MAX_QUERY_BYTES // 1024} KB")
    code = blank(query)
    update = _UPDATE.match(code)
    if update:
        raise QueryError(f"updates are not allowed: the store is read-only (found {update.group(1).upper()})")
    if _SERVICE.search(code):
        raise QueryError("SERVICE (federated query) is not allowed: this endpoint never calls "
                         "other services")
    depth = deepest = 0
    for char in code:
        if char in "{(":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                raise QueryError(f"the query nests brackets deeper than {MAX_NESTING} levels")
        elif char in "})":
            depth -= 1
