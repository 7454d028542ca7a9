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
demograph.errors.UpdateRefused: updates are not allowed: the store is read-only (found DELETE)
>>> analyse("PREFIX x: <urn:x#> SELECT * FROM <urn:g> { ?s ?p ?o }")
QueryInfo(form='select', has_dataset=True, deterministic=True)
>>> analyse("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o < NOW()) }")
QueryInfo(form='construct', has_dataset=False, deterministic=False)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .errors import QueryError, UpdateRefused

MAX_QUERY_BYTES = 64 * 1024
MAX_NESTING = 64

_BLANKS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    # an IRI as the parser reads it: \u escapes inside, anything above U+0020 but the
    # excluded few (a no-break space is part of an IRI, not the end of one)
    r"|<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"
    # an escaped character in a prefixed name (ex:a\#) is part of the name: not a comment,
    # not the start of a string
    r"|\\[_~.\-!$&'()*+,;=/?#@%]"
    r"|#[^\n]*",
)
def _keywords(*words: str) -> re.Pattern[str]:
    """Keywords as the grammar reads them: not part of a variable (``?from``), of a prefixed
    name (``ex:from``, ``ex:a-from``) or a prefix label (``PREFIX construct: <…>`` — the
    grammar's PNAME_NS has the colon right after the label). One flat alternation, searched
    once: linear in the query's length (no nested quantifiers)."""
    return re.compile(r"(?<![\w?$:\-.])(" + "|".join(words) + r")\b(?![\w\-:])",
                      re.IGNORECASE)


# The first operation keyword decides what a request is.


_OPERATION = _keywords("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "LOAD",
                       "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                      "WITH"})
# SERVICE is refused wherever the word stands, even as part of a name: a false refusal costs
# a rewording, a missed one an outbound connection
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_FORM = _keywords("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_FROM = _keywords("FROM")
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


@dataclass(frozen=True)
class QueryInfo:
    form: str  # "select" | "ask" | "construct" | "describe"
    has_dataset: bool  # FROM / FROM NAMED: the query chooses its own graphs
    deterministic: bool  # no NOW(), RAND(), UUID(), BNODE(): its results may be cached


@functools.lru_cache(maxsize=4096)
def analyse(query: str) -> QueryInfo:
    """Check a query (see :func:`check_query`) and say what kind of query it is. Cached:
    endpoints see the same queries again and again (refusals raise, and are not cached)."""
    check_query(query)
    code = blank(query)
    form = _FORM.search(code)
    # No query form: the engine's parser will say where it went wrong, with a position.
    return QueryInfo(form.group(1).lower() if form else "select", bool(_FROM.search(code)),
                     not _VOLATILE.search(code))


def blank(query: str) -> str:
    """The query with comments, strings and IRIs replaced by spaces (offsets kept)."""
    return _BLANKS.sub(lambda m: " " * len(m.group(0)), query)


def check_query(query: str) -> None:
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise QueryError(f"the query is longer than {MAX_QUERY_BYTES // 1024} KB")
    code = blank(query)
    operation = _OPERATION.search(code)
    if operation and operation.group(1).upper() in _UPDATES:
        raise UpdateRefused(f"updates are not allowed: the store is read-only "
                            f"(found {operation.group(1).upper()})")
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
