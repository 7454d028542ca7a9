"""Matching the forms of the data in Swedish text: inflections, compounds, case, overlaps."""

from __future__ import annotations

from rdflib import URIRef

from demograph.ingest.lexicon import Entry, Matcher, select
from demograph.knowledge import Knowledge

DGC = "https://w3id.org/demograph/concept/"
ID = "https://w3id.org/demograph/id/"


def _found(knowledge: Knowledge, text: str, scheme: str | None = None) -> set[str]:
    return {str(m.iri).rsplit("/", 2)[-2] + "/" + str(m.iri).rsplit("/", 1)[-1]
            for m in select(knowledge.lexicon.find(text))
            if scheme is None or m.entry.scheme == scheme}


def test_inflections_and_compounds_find_concepts(knowledge: Knowledge) -> None:
    assert "event-type/demokrativecka" in _found(knowledge, "Syftet med Demokrativeckan är")
    assert "theme/jamstalldhet" in _found(knowledge, "kommunens jämställdhetsarbete")
    assert "target-group/unga" in _found(knowledge, "stärka ungas delaktighet")
    assert "theme/barnets-rattigheter" in _found(knowledge, "sedan barnkonventionen blev lag")
    assert "target-group/utrikesfodda" in _found(knowledge, "unga och utrikes födda")


def test_genitive_names_resolve(knowledge: Knowledge) -> None:
    found = _found(knowledge, "Kils kommuns ambition och Länsstyrelsen i Värmlands läns arbete")
    assert {"kommun/1715", "lansstyrelse/17"} <= found


def test_one_word_names_must_be_capitalised() -> None:
    matcher = Matcher()
    entry = Entry("actor", URIRef(ID + "org/studieforbund/bilda"), case_sensitive=True)
    matcher.add("Bilda", entry)
    assert [m.text for m in matcher.find("Studieförbundet Bilda ska bilda en grupp")] == ["Bilda"]
    acronym = Entry("actor", URIRef(ID + "org/myndighet/msb"), case_sensitive=True)
    matcher.add("MSB", acronym)
    assert [m.text for m in matcher.find("MSB och msb")] == ["MSB"]


def test_names_win_over_concepts_inside_them(knowledge: Knowledge) -> None:
    found = _found(knowledge, "Myndigheten för delaktighet undertecknar")
    assert "myndighet/myndigheten-for-delaktighet" in found
    assert "theme/delaktighet" not in found


def test_matching_is_deterministic(knowledge: Knowledge) -> None:
    text = "tillsammans med idéburen sektor och offentliga aktörer"
    first = [(m.start, m.end, str(m.iri)) for m in select(knowledge.lexicon.find(text))]
    for _ in range(3):
        assert [(m.start, m.end, str(m.iri)) for m in select(knowledge.lexicon.find(text))] == first


def test_a_comma_or_full_stop_joins_words_only_where_the_form_has_one(knowledge: Knowledge) -> None:
    """"Region Skåne, länets kommuner" once matched the variant "Region Skåne län"."""
    names = lambda text: [m.text for m in select(knowledge.lexicon.find(text))  # noqa: E731
                          if m.entry.kind == "actor"]
    assert names("i samverkan med Region Skåne, länets kommuner och") == ["Region Skåne"]
    assert names("Region Skåne. Länets kommuner deltar") == ["Region Skåne"]
    assert names("Kungl. Musikhögskolan i Stockholm undertecknar") == [
        "Kungl. Musikhögskolan i Stockholm"]
