"""Property-based fuzzing of the two parsers that meet untrusted input first: the declaration
reader (bytes → extraction) and the query guard (what a query may ask). Bounded by
``max_examples`` and ``deadline`` so CI time is fixed; run longer with
``DEMOGRAPH_FUZZ_EXAMPLES=5000``. Every crash found becomes a file in tests/regressions/,
replayed by the tests at the end of this module.

test_querycheck.py fuzzes the guard for hangs and stray exceptions; here the property is
stronger and differential: whatever the guard lets through, Oxigraph itself must not turn
into a connection (a listener stands in for every SERVICE endpoint)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demograph.errors import DemographError, InputError, QueryError
from demograph.knowledge import Knowledge
from demograph.pipeline import extract_bytes, facts
from demograph.querycheck import check_query

from .conftest import SEEDS
from .test_hostile import Listener

REGRESSIONS = Path(__file__).parent / "regressions"
EXAMPLES = int(os.environ.get("DEMOGRAPH_FUZZ_EXAMPLES", "0")) or None
SEED_TEXTS = sorted(p.read_text("utf-8") for p in SEEDS.glob("*.txt"))


def examples(default: int) -> int:
    return EXAMPLES or default


# --- the declaration reader -------------------------------------------------------------------
def read(data: bytes, knowledge: Knowledge) -> None:
    """The reader's contract: an extraction whose every passage is the text it points at, and
    whose RDF can be made; or one of demograph's own errors. Nothing else."""
    try:
        extraction = extract_bytes(data, "fuzz.txt", knowledge)
    except DemographError:
        return
    text = extraction.source.text
    passages = [c.passage for c in extraction.commitments]
    passages += [m.passage for c in extraction.commitments for m in c.mentions]
    passages += [a.passage for a in extraction.minted]
    for passage in passages:
        assert 0 <= passage.start <= passage.end <= len(text)
        assert text[passage.start:passage.end] == passage.exact
    assert len(facts(extraction, knowledge)) > 0


WORDS = ["kommun", "Kommunen", "Region", "Länsstyrelsen", "Värmland", "åtar sig", "att",
         "Deklaration för en stark demokrati", "undertecknar", "Internt", "Externt",
         "Kommunikativt", "åtaganden:", "tillsammans med", "unga", "mänskliga rättigheter",
         "Demokrativeckan", "2021", "\n", "\n\n", "- ", "* ", "1. ", "# ", ":", "(", ")", "\u00ad",
         "\u200b", "\ufeff", "e\u0301", "\r\n", "\t", "Ö", "ß", "🙂", "\x00", "title: x\n"]


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    """A real declaration with splices: cut, duplicated, or with words and odd characters in."""
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "cut", "repeat", "truncate"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(WORDS) | st.text(max_size=20)) + text[at:]
        elif action == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        elif action == "repeat":
            text = text[:at] + text[at:at + draw(st.integers(1, 400))] * 3 + text[at:]
        else:
            text = text[:at]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # cut at a byte, not a character: half a UTF-8 or UTF-16 sequence
        data = data[:draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_seed())
def test_reader_on_mutated_declarations(knowledge: Knowledge, data: bytes) -> None:
    read(data, knowledge)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=60).map(
    lambda parts: " ".join(parts).encode("utf-8")) | st.binary(max_size=300))
def test_reader_on_word_salad_and_bytes(knowledge: Knowledge, data: bytes) -> None:
    read(data, knowledge)


# --- the query guard, differentially against Oxigraph ----------------------------------------
PIECES = ["SELECT", "*", "WHERE", "{", "}", "(", ")", ".", ";", "?s", "?p", "?o", "BIND(1 AS ?x)",
          "FILTER(?s < ?o)", "<http://example.org/a>", "ex:a", "ex:a\\#", "ex:a\\'", "ex:b\\\"",
          "'", '"', "'''", '"""', "#", "\n", " ", "\\", "\\u0041", "\\u003E", "\\U0000003C", "<", ">",
          "\u00a0", "\u2028", "SERVICE", "service", "SILENT", "\\u0053ERVICE", "S\\u0045RVICE",
          "<{url}>", "?endpoint", "BIND(<{url}> AS ?endpoint)", "'x'", '"y"', "'''z'''", "<a#b>",
          "<http://example.org/\\u0041#>", "OPTIONAL", "UNION", "VALUES ?v { 1 }"]


# Valid fragments whose lexemes a lexical guard could misread: escapes, quotes, hashes and
# angle brackets in every place the grammar allows them.
FRAGMENTS = ["BIND(ex:a\\# AS ?f)", "BIND(ex:a\\' AS ?f)", 'BIND(ex:a\\" AS ?f)', "BIND(ex:a\\% AS ?f)",
             "BIND(<http://example.org/\\u0041#> AS ?f)", "BIND(<http://example.org/\u00a0#> AS ?f)",
             "BIND(<http://example.org/\\U00000027> AS ?f)", 'BIND("a#b" AS ?f)',
             "BIND('it\\'s' AS ?f)", 'BIND("""a"b""" AS ?f)', "BIND(\'\'\'x\'\'y\'\'\' AS ?f)",
             'BIND("\\u0022" AS ?f)', "FILTER(?one<2)", "FILTER(?one>0)", "FILTER(1<2&&2>1)",
             "# a comment\n", "BIND(<a#b> AS ?f)", "BIND(ex:p\\-q AS ?f)", "?s ex:p\\~ ?o .",
             "OPTIONAL { ?s ?p ?o }", "VALUES ?v { 1 }"]


@st.composite
def soup(draw: st.DrawFn) -> str:
    """Token soup: mostly not SPARQL, which exercises the guard's tokenizer on anything."""
    middle = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
    return ("PREFIX ex: <http://example.org/> SELECT * WHERE { BIND(1 AS ?one) "
            + " ".join(middle) if draw(st.booleans()) else "".join(middle)) + " }"


@st.composite
def service_query(draw: st.DrawFn) -> str:
    """A valid query that calls SERVICE, wrapped in fragments: the guard must refuse it."""
    sep = st.sampled_from([" ", "\n", "\t", "\u00a0 "])

    def fragments() -> str:
        parts = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=3))
        return "".join(f"{p}{draw(sep)}" for p in parts).replace("?f", f"?f{draw(st.integers(0, 99))}")

    keyword = draw(st.sampled_from(["SERVICE", "service", "SeRvIcE"]))
    silent = draw(st.sampled_from(["", "SILENT ", "silent "]))
    endpoint = draw(st.sampled_from(["<{url}>", "?endpoint"]))
    bind = "BIND(<{url}> AS ?endpoint) " if endpoint == "?endpoint" else ""
    return (f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ BIND(1 AS ?one) {bind}"
            f"{fragments()}{keyword} {silent}{endpoint} {{ ?s ?p ?o }}{draw(sep)}{fragments()}}}")


guarded_query = st.one_of(soup(), service_query())


@pytest.fixture(scope="module")
def service_listener() -> Listener:
    return Listener()


@pytest.fixture(scope="module")
def small_store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("x")))
    return store


@settings(max_examples=examples(400), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(template=guarded_query)
def test_what_the_guard_lets_through_never_calls_out(service_listener: Listener,
                                                     small_store: ox.Store, template: str) -> None:
    query = template.replace("{url}", service_listener.url)
    try:
        check_query(query)
    except QueryError:
        return
    before = len(service_listener.hits)
    try:
        list(small_store.query(query))  # type: ignore[call-overload]
    except (SyntaxError, OSError, RuntimeError, ValueError, TypeError):
        pass
    # the listener records a connection before it hangs up, and Oxigraph returns only after
    # the hang-up: a call made by this query is already counted here
    assert len(service_listener.hits) == before, f"the guard let through a call out: {query!r}"


# --- regressions: what fuzzing (and review) found, kept as data -------------------------------
def _cases(folder: str) -> list[Path]:
    return sorted((REGRESSIONS / folder).glob("*"))


@pytest.mark.parametrize("case", _cases("guard-must-refuse"), ids=lambda p: p.name)
def test_regression_guard_refuses(case: Path) -> None:
    """Each case is refused by the guard, and each is live: Oxigraph, asked directly, calls
    the endpoint it names — so the case keeps testing what it was found for."""
    listener = Listener()
    try:
        query = case.read_text("utf-8").replace("{url}", listener.url)
        with pytest.raises(QueryError, match="SERVICE"):
            check_query(query)
        store = ox.Store()
        try:
            list(store.query(query))  # type: ignore[call-overload]
        except OSError:
            pass  # the listener hangs up: a connection error, after the connection
        deadline = time.monotonic() + 5
        while not listener.hits and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.hits, "the case no longer reaches the engine's SERVICE: rewrite it"
    finally:
        listener.close()


# What each reader case must give: refused with an InputError whose message says why, or read
# with this many commitments (and then held to the reader's contract, passages and RDF).
READER_EXPECTED: dict[str, tuple[str, str | int]] = {
    "headings-without-items.txt": ("reads", 0),
    "nfd-and-soft-hyphens.txt": ("reads", 5),
    "nul-bytes.txt": ("refused", "binary data, not a text (NUL bytes at offset 2000)"),
    "one-line-repeated.txt": ("reads", 150),
    "utf16-cut-mid-character.txt": ("refused", "not valid UTF-16"),
}


def test_every_reader_case_states_its_outcome() -> None:
    assert sorted(READER_EXPECTED) == [case.name for case in _cases("reader")]


@pytest.mark.parametrize("case", _cases("reader"), ids=lambda p: p.name)
def test_regression_reader(case: Path, knowledge: Knowledge) -> None:
    assert case.name in READER_EXPECTED, f"add {case.name}'s expected outcome to READER_EXPECTED"
    outcome, detail = READER_EXPECTED[case.name]
    if outcome == "refused":
        with pytest.raises(InputError) as refused:
            extract_bytes(case.read_bytes(), "fuzz.txt", knowledge)
        assert str(detail) in str(refused.value)
    else:
        assert len(extract_bytes(case.read_bytes(), "fuzz.txt", knowledge).commitments) == detail
        read(case.read_bytes(), knowledge)  # every passage its text, and the RDF made
