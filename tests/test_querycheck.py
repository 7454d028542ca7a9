"""The query guard: what it refuses, and that it stays fast on any input."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demograph.errors import QueryError, UpdateRefused
from demograph.querycheck import MAX_QUERY_BYTES, analyse, check_query

PROLOGUE = "".join(f"PREFIX p{i}: <http://example.org/ns{i}#>\n" for i in range(60))


def _finishes(call: object, seconds: float = 30) -> bool:
    """Whether ``call`` returns at all: a hang check, not a speed threshold."""
    worker = threading.Thread(target=call, daemon=True)  # type: ignore[arg-type]
    worker.start()
    worker.join(seconds)
    return not worker.is_alive()


@pytest.mark.parametrize("query", [
    PROLOGUE * 10 + "SELECT * WHERE { ?s ?p ?o } LIMIT 1",  # rdflib's SPARQLStore sends ~30 PREFIX
    'x"' * 30000, "\\" * 30000, "<" * 60000, '"""' + "\\a" * 20000, "PREFIX a: <b> " * 4000,
])
def test_the_guard_finishes_on_long_and_hostile_input(query: str) -> None:
    """A backtracking guard once hung on a long prologue, holding the GIL and its worker."""
    def guard() -> None:
        try:
            analyse(query[:MAX_QUERY_BYTES])
        except QueryError:
            pass
    assert _finishes(guard)


def test_an_update_after_a_long_prologue_is_refused() -> None:
    with pytest.raises(UpdateRefused):
        check_query(PROLOGUE * 10 + "INSERT DATA { <urn:a> <urn:b> <urn:c> }")


@pytest.mark.parametrize("query", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "LOAD <http://x/>",
    "CLEAR ALL", "DROP GRAPH <urn:g>", "CREATE GRAPH <urn:g>", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE {}",
    "PREFIX x: <urn:x#> COPY x:a TO x:b", "# comment\n  insert data {}",
])
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(UpdateRefused):
        check_query(query)


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "INSERT DATA" }', "SELECT ?with { ?with ?p ?o }",
    "SELECT * { ?s <urn:x#delete> ?o }", "ASK { ?s ?p ?o } # DROP ALL",
])
def test_keywords_in_strings_iris_variables_and_comments_are_harmless(query: str) -> None:
    check_query(query)


def test_service_anywhere_is_refused() -> None:
    for query in ("SELECT * { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }",
                  "SELECT * { service silent <http://169.254.169.254/> { ?s ?p ?o } }",
                  "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }"):
        with pytest.raises(QueryError, match="SERVICE"):
            check_query(query)


def test_size_and_depth_limits() -> None:
    with pytest.raises(QueryError, match="longer"):
        check_query("SELECT * {}" + " " * MAX_QUERY_BYTES)
    with pytest.raises(QueryError, match="nests"):
        check_query("SELECT * " + "{" * 3000 + "}" * 3000)


@settings(max_examples=300, deadline=200)
@given(st.text(alphabet=st.sampled_from(list("PREFIX SELECT{}<>:?\"'#\n INSERTpx0")), max_size=400))
def test_never_hangs_or_crashes_on_arbitrary_input(text: str) -> None:
    try:
        analyse(text)
    except QueryError:
        pass


def test_keywords_inside_names_are_not_keywords() -> None:
    """A prefix label, prefixed name or variable spelt like a keyword is a name: it changes
    neither the query's form, nor whether it names its graphs, nor makes it an update."""
    from demograph.querycheck import analyse

    assert analyse("PREFIX construct: <urn:x#> SELECT * { ?s construct:a ?o }").form == "select"
    assert analyse("PREFIX insert: <urn:x#> SELECT * { ?s insert:a ?o }").form == "select"
    assert not analyse("SELECT ?from { ?s <urn:p> ?from }").has_dataset
    assert not analyse("PREFIX ex: <urn:x#> SELECT * { ?s ex:from ?o . ?s ex:a-from ?o }").has_dataset
    assert analyse("SELECT * FROM <urn:g> { ?s ?p ?o }").has_dataset
    assert analyse("ASK { ?s ?p ?o }").form == "ask"
