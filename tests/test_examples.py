"""The example queries: each one's answer on the seed data, by `demograph query --example`
and through the /sparql endpoint; the two that find nothing in the seeds are also run over a
store with two more texts that give them something to find."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from demograph.examples import UnknownExample, example, for_base, load_examples, parse

from .conftest import SEEDS, Server, run_cli

ID = "https://w3id.org/demograph/id/"
KIL, KARLSTAD, REGION = f"{ID}org/kommun/1715", f"{ID}org/kommun/1780", f"{ID}org/region/17"
LST_VARMLAND, LAN_KOMMUNER = f"{ID}org/lansstyrelse/17", f"{ID}group/lan-17-kommuner"

# Two texts written for these tests, read by the real extractor: Arvika's first commitment is
# for young people and first-time voters before the 2022 election; Sunne commits only inward.
ARVIKA = """Arvika kommun undertecknar Deklaration för en stark demokrati

Genom att underteckna Deklaration för en stark demokrati åtar sig Arvika kommun att verka för en stark demokrati, bland annat genom följande:

- Inför de allmänna valen 2022 genomföra skolval och informationsträffar för unga och förstagångsväljare tillsammans med Länsstyrelsen Värmland.
- Utbilda medarbetare om mänskliga rättigheter.
"""
SUNNE = """Sunne kommun undertecknar Deklaration för en stark demokrati

Genom att underteckna Deklaration för en stark demokrati åtar sig Sunne kommun att verka för en stark demokrati, bland annat genom följande:

- Utbilda medarbetare och förtroendevalda om mänskliga rättigheter.
- Ta fram en intern plan för tillgänglighet i kommunens verksamheter.
"""


def rows(raw: bytes | str) -> list[dict[str, str]]:
    """SPARQL JSON results as plain rows: variable → lexical value."""
    document = json.loads(raw)
    return [{name: term["value"] for name, term in binding.items()}
            for binding in document["results"]["bindings"]]


def normal(found: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows with GROUP_CONCAT lists sorted: SPARQL leaves the order of a group's values open."""
    return [{k: " · ".join(sorted(v.split(" · "))) for k, v in row.items()} for row in found]


def by_cli(name: str, store: Path) -> list[dict[str, str]]:
    result = run_cli("query", "--example", name, "--format", "json", store=store)
    assert result.code == 0, result.err
    return rows(result.raw)


@pytest.fixture(scope="module")
def wider_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wider")
    texts = []
    for name, text in (("arvika.txt", ARVIKA), ("sunne.txt", SUNNE)):
        (folder / name).write_text(text, encoding="utf-8")
        texts.append(folder / name)
    store = folder / "store"
    result = run_cli("build", *sorted(SEEDS.glob("*.txt")), *texts, store=store)
    assert result.code == 0, result.err
    return store


# --- one expectation per example, on the seed data -------------------------------------------

def check_shared_partners(found: list[dict[str, str]]) -> None:
    pairs = {(r["actor"], r["other"]): int(r["sharedPartners"]) for r in found}
    # Kil and Karlstad both name the länsstyrelse, the region and the county's kommuner; the
    # region names the other two. Halmstad and Örnsköldsvik share no partner with anyone.
    assert pairs == {(KIL, KARLSTAD): 3, (KARLSTAD, REGION): 2, (KIL, REGION): 2}
    assert found[0]["actorLabel"] == "Kils kommun"
    assert set(found[0]["partners"].split(" · ")) == {
        "Länsstyrelsen i Värmlands län", "Region Värmland", "Värmlands läns kommuner"}


def check_lansstyrelse_partners(found: list[dict[str, str]]) -> None:
    assert {r["actor"]: int(r["commitments"]) for r in found} == {
        KIL: 2, KARLSTAD: 2, REGION: 2}


def check_themes_by_county(found: list[dict[str, str]]) -> None:
    counts = {(r["countyName"], r["themeLabel"]): int(r["commitments"]) for r in found}
    assert {county for county, _ in counts} == {"Hallands län", "Värmlands län",
                                                "Västernorrlands län"}
    # All nine Värmland commitments by Kil, Karlstad and the region speak of democracy and
    # human rights; Halmstad's nine all of democracy.
    assert counts[("Värmlands län", "mänskliga rättigheter")] == 9
    assert counts[("Värmlands län", "demokrati")] == 9
    assert counts[("Hallands län", "demokrati")] == 9
    assert counts[("Hallands län", "valdeltagande")] == 1
    assert ("Västernorrlands län", "valdeltagande") not in counts


def check_youth_election(found: list[dict[str, str]]) -> None:
    # The seed texts aim at young people (Halmstad, Örnsköldsvik) and mention the 2022
    # election (the Värmland texts) but never in the same commitment.
    assert found == []


def check_events_timeline(found: list[dict[str, str]]) -> None:
    starts = [r["start"] for r in found]
    assert starts == sorted(starts)
    assert len(found) == 8
    assert found[-1]["event"] == f"{ID}event/2022/allmanna-val"
    assert found[-1]["start"] == "2022-09-11"
    vecka = next(r for r in found if r["event"] == f"{ID}event/2021/demokrativecka-varmland")
    # One county-wide event, shared by three texts, is one row with three commitments.
    assert (vecka["start"], vecka["end"], vecka["placeName"], vecka["commitments"]) == (
        "2021-09-01", "2021-11-30", "Värmlands län", "3")


def check_no_external(found: list[dict[str, str]]) -> None:
    # Every seed signatory makes at least one external commitment.
    assert found == []


def check_county_network(found: list[dict[str, str]]) -> None:
    edges = {(r["actor"], r["partner"]): int(r["commitments"]) for r in found}
    assert edges == {
        (KIL, LST_VARMLAND): 2, (KIL, REGION): 2, (KIL, LAN_KOMMUNER): 2,
        (KARLSTAD, LST_VARMLAND): 2, (KARLSTAD, REGION): 2, (KARLSTAD, LAN_KOMMUNER): 2,
        (REGION, LST_VARMLAND): 2, (REGION, LAN_KOMMUNER): 2,
    }


EXPECTED = {
    "shared-partners": check_shared_partners,
    "lansstyrelse-partners": check_lansstyrelse_partners,
    "themes-by-county": check_themes_by_county,
    "youth-election-2022": check_youth_election,
    "events-timeline": check_events_timeline,
    "no-external-commitment": check_no_external,
    "county-partner-network": check_county_network,
}


def test_every_example_has_an_expected_answer() -> None:
    assert {item.name for item in load_examples()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_answer_on_the_seed_data(name: str, seed_store: Path) -> None:
    EXPECTED[name](by_cli(name, seed_store))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_answers_the_same_through_the_endpoint(name: str, server: Server) -> None:
    body = urlencode({"query": example(name).query}).encode()
    request = Request(server.sparql, data=body, headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    with urlopen(request, timeout=30) as response:
        found = rows(response.read())
    EXPECTED[name](found)
    assert normal(found) == normal(by_cli(name, server.store))


def test_youth_election_finds_a_commitment_that_names_both(wider_store: Path) -> None:
    found = by_cli("youth-election-2022", wider_store)
    assert [(r["commitment"], r["actorLabel"], r["event"]) for r in found] == [
        (f"{ID}commitment/kommun-1784/1", "Arvika kommun", f"{ID}event/2022/allmanna-val")]
    assert set(found[0]["targetGroups"].split(" · ")) == {"unga", "förstagångsväljare"}
    assert "skolval" in found[0]["description"]


def test_no_external_commitment_finds_a_signatory_that_only_commits_inward(
        wider_store: Path) -> None:
    found = by_cli("no-external-commitment", wider_store)
    assert [(r["actor"], r["actorLabel"], r["commitments"]) for r in found] == [
        (f"{ID}org/kommun/1766", "Sunne kommun", "2")]


def test_arvika_joins_the_network_and_the_lansstyrelse_partners(wider_store: Path) -> None:
    partners = {r["actor"]: int(r["commitments"])
                for r in by_cli("lansstyrelse-partners", wider_store)}
    assert partners[f"{ID}org/kommun/1784"] == 1
    edges = {(r["actor"], r["partner"]) for r in by_cli("county-partner-network", wider_store)}
    assert (f"{ID}org/kommun/1784", LST_VARMLAND) in edges


def test_every_example_has_both_languages_and_runs_as_pasted() -> None:
    for item in load_examples():
        for text in (item.title_sv, item.title_en, item.description_sv, item.description_en):
            assert text.strip(), item.name
        assert item.title_sv != item.title_en, item.name
        # The whole file is the query a user copies: header comments, then PREFIX lines.
        assert item.query.startswith("# title@sv:")
        assert "PREFIX dg: <https://w3id.org/demograph/def/>" in item.query


def test_unknown_example_exits_2_and_lists_the_names(seed_store: Path) -> None:
    result = run_cli("query", "--example", "no-such-example", store=seed_store)
    assert result.code == 2
    assert "no-such-example" in result.err
    for item in load_examples():
        assert item.name in result.err
    with pytest.raises(UnknownExample, match="events-timeline"):
        example("no-such-example")


def test_list_examples_names_each_with_its_titles() -> None:
    result = run_cli("query", "--list-examples")
    assert result.code == 0
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(EXPECTED)
    assert any("Themes by county / Teman per län" in line for line in lines)


def test_query_example_with_a_query_too_is_a_usage_error(seed_store: Path) -> None:
    result = run_cli("query", "ASK {}", "--example", "events-timeline", store=seed_store)
    assert result.code == 2
    assert "one of them" in result.err


def test_a_header_without_an_english_title_is_refused() -> None:
    with pytest.raises(ValueError, match="title_en"):
        parse("broken", "# title@sv: Hej\n# description@sv: a\n# description@en: b\nASK {}\n")


def test_examples_follow_the_configured_base(tmp_path: Path) -> None:
    query = for_base(example("county-partner-network").query, "http://data.example/")
    assert "<http://data.example/id/place/lan/17>" in query
    # Vocabulary IRIs are not instance data and keep their namespace.
    assert "<https://w3id.org/demograph/def/>" in query
