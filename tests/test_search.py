"""Swedish search, as a library: folding, the stemmer, compound splitting and ranking, on
words and sentences taken from the seed declarations."""

from __future__ import annotations

import pytest

from demograph.search import Document, Index, Vocabulary, fold, snippet, stem

# Commitment texts as the seed declarations word them (abridged), and actor names.
HALMSTAD_6 = "2021 åtar sig Halmstads kommun att stärka barn och ungas delaktighet."
ORNSKOLDSVIK_7 = ("Tillsammans med ungdomar lyfta och synliggöra perspektiv av demokratin genom "
                  "sociala medier och aktiviteter riktade främst mot unga.")
ORNSKOLDSVIK_1 = ("Fortsätta kommunens jämställdhetsarbete både internt och externt och "
                  "implementering av jämställdhetsstrategin.")
HALMSTAD_3 = ("2021 åtar sig Halmstads kommun att arbeta koncernövergripande med dessa uppdrag "
              "för att få framdrift i att stärka tilliten och minska och motverka segregation.")
KIL_4 = ("Att på olika sätt kommunicera vikten av demokratin och att demokratin i Sverige "
         "fyller 100 år.")
DOCUMENTS = [
    Document("c/halmstad-6", "commitment", "Halmstads kommun 6", HALMSTAD_6),
    Document("c/ornskoldsvik-7", "commitment", "Örnsköldsviks kommun 7", ORNSKOLDSVIK_7),
    Document("c/ornskoldsvik-1", "commitment", "Örnsköldsviks kommun 1", ORNSKOLDSVIK_1),
    Document("c/halmstad-3", "commitment", "Halmstads kommun 3", HALMSTAD_3),
    Document("c/kil-4", "commitment", "Kils kommun 4", KIL_4),
    Document("a/jamstalldhetsmyndigheten", "actor", "Jämställdhetsmyndigheten",
             "Jämställdhetsmyndigheten · Swedish Gender Equality Agency"),
    Document("a/kil", "actor", "Kils kommun", "Kils kommun · Kil Municipality", weight=1.5),
    Document("a/malung", "actor", "Malung-Sälens kommun", "Malung-Sälens kommun"),
    Document("a/mucf", "actor", "Myndigheten för ungdoms- och civilsamhällesfrågor",
             "Myndigheten för ungdoms- och civilsamhällesfrågor"),
    Document("c/kil-2", "commitment", "Kils kommun 2",
             "Vara drivande i arbetet för att skapa ett offentligt samtal, i nära dialog."),
]
# Concept labels the index may split compounds with, as the store's schemes list them.
CONCEPT_WORDS = ["jämställdhet", "unga", "demokrati", "delaktighet", "segregation"]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(DOCUMENTS, CONCEPT_WORDS)


def keys(index: Index, query: str) -> list[str]:
    return [hit.document.key for hit in index.search(query)]


def test_fold_drops_case_and_diacritics_only() -> None:
    assert fold("Jämställdhet") == "jamstalldhet"
    assert fold("ÖRNSKÖLDSVIK") == "ornskoldsvik"
    assert fold("Malung-Sälen") == "malung-salen"


@pytest.mark.parametrize(("forms", "common"), [
    (("unga", "ungas"), "ung"),  # plural and its genitive
    (("jämställdhet", "jämställdheten", "jämställdhetens"), "jamstalld"),
    (("kommun", "kommuns", "kommuner", "kommunerna", "kommunernas"), "kommun"),
    (("aktivitet", "aktiviteter", "aktiviteterna"), "aktivitet"),
    (("fråga", "frågor", "frågorna"), "frag"),
])
def test_stemmer_gives_inflected_forms_one_stem(forms: tuple[str, ...], common: str) -> None:
    assert {stem(fold(form)) for form in forms} == {common}


def test_stemmer_keeps_words_apart_that_differ() -> None:
    assert (stem(fold("kommun")), stem(fold("kommunikation"))) == ("kommun", "kommunikation")
    # "barn" keeps its -n (no "bar"), and its definite form comes back to it
    assert (stem(fold("barn")), stem(fold("barnen")), stem(fold("bar"))) == ("barn", "barn", "bar")
    assert stem(fold("kil")) == stem(fold("kils")) == "kil"


def test_definite_endings_go_only_when_the_vocabulary_knows_the_rest() -> None:
    vocabulary = Vocabulary(fold(w) for w in ["samtal", "demokrati", "samhälle", "kommun"])
    assert vocabulary.stem("samtalet") == vocabulary.stem("samtal") == "samtal"
    assert vocabulary.stem("demokratin") == vocabulary.stem("demokrati")
    assert vocabulary.stem("samhallet") == vocabulary.stem("samhalle")
    assert vocabulary.stem("kommun") == "kommun"  # not "kommu": that is no word
    assert vocabulary.stem("aktivitet") == "aktivitet"  # unknown base: nothing dropped


def test_compounds_split_against_the_vocabulary() -> None:
    vocabulary = Vocabulary(fold(w) for w in
                            ["jämställdhet", "arbete", "demokrati", "utställning", "ungdom",
                             "organisationer", "strategi"])
    assert vocabulary.split("jamstalldhetsarbete") == ("jamstalldhet", "arbete")
    assert vocabulary.split("demokratiutstallning") == ("demokrati", "utstallning")
    assert vocabulary.split("ungdomsorganisationer") == ("ungdom", "organisationer")
    assert vocabulary.split("jamstalldhetsstrategin") == ("jamstalldhet", "strategin")
    # a word that is not a compound of known words stays whole, and so do short ones
    assert vocabulary.split("segregation") == ()
    assert vocabulary.split("arbete") == ()


def test_short_parts_do_not_split_names() -> None:
    vocabulary = Vocabulary(["mal", "ung", "malung"])
    assert vocabulary.split("malung") == ()


def test_genitive_query_finds_the_plain_form(index: Index) -> None:
    hits = index.search("ungas")
    # each matches "unga" once: equal scores, so the title decides (Halmstads before Örnsköldsviks)
    assert [hit.document.key for hit in hits] == ["c/halmstad-6", "c/ornskoldsvik-7"]
    assert hits[0].matched == hits[1].matched == 1 and hits[0].score == hits[1].score
    assert "a/malung" not in keys(index, "ungas")  # "Malung" is not "ung"


def test_search_ignores_case_and_diacritics(index: Index) -> None:
    assert keys(index, "JAMSTALLDHET") == keys(index, "jämställdhet")
    assert "c/ornskoldsvik-1" in keys(index, "jamstalldhet")


def test_a_compound_query_finds_its_modifier(index: Index) -> None:
    found = keys(index, "jämställdhetsarbete")
    assert found[0] == "c/ornskoldsvik-1"  # the exact compound first
    assert "a/jamstalldhetsmyndigheten" in found  # jämställdhet, in another compound
    # the head alone ("arbeta" in Halmstad 3) is too common a word to count as a hit
    assert "c/halmstad-3" not in found


def test_a_simple_query_finds_the_compounds_that_contain_it(index: Index) -> None:
    found = keys(index, "jämställdhet")
    assert set(found) == {"c/ornskoldsvik-1", "a/jamstalldhetsmyndigheten"}


def test_definite_forms_of_vowel_words_match(index: Index) -> None:
    # "demokratin" in both: equal scores, so the title decides (Kils before Örnsköldsviks)
    hits = index.search("demokrati")
    assert [hit.document.key for hit in hits] == ["c/kil-4", "c/ornskoldsvik-7"]
    assert hits[0].score == hits[1].score


def test_documents_matching_more_words_rank_first(index: Index) -> None:
    hits = index.search("Kils kommun")
    assert hits[0].document.key == "a/kil"
    assert hits[0].matched == 2
    assert all(hit.matched <= hits[0].matched for hit in hits)


def test_function_words_alone_are_searched_but_do_not_dilute(index: Index) -> None:
    assert keys(index, "barn och unga")[0] == "c/halmstad-6"
    assert index.query_words("barn och unga") == ["barn", "unga"]
    assert index.query_words("och") == ["och"]


def test_nothing_found_is_an_empty_list(index: Index) -> None:
    assert index.search("zzyzx") == []
    assert index.search("") == []


def test_snippet_marks_the_matched_words_and_escapes_the_rest(index: Index) -> None:
    hit = index.search("ungas")[0]
    assert str(hit.snippet) == ("2021 åtar sig Halmstads kommun att stärka barn och "
                                "<mark>ungas</mark> delaktighet.")
    hostile = snippet("Barn & <unga> i \"fokus\"", frozenset({"ung"}))
    assert str(hostile) == "Barn &amp; &lt;<mark>unga</mark>&gt; i &#34;fokus&#34;"


def test_snippet_of_a_long_text_is_cut_around_the_match() -> None:
    text = " ".join(["ord"] * 200) + " jämställdhet " + " ".join(["slut"] * 200)
    cut = str(snippet(text, frozenset({"jamstalld"}), width=120))
    assert cut.startswith("…") and cut.endswith("…")
    assert "<mark>jämställdhet</mark>" in cut
    assert len(cut) < 160
