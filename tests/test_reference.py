"""The reference graph holds every kommun, län, region and länsstyrelse of the tables."""

from __future__ import annotations

import csv
from collections import Counter

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from demograph.knowledge import Knowledge
from demograph.namespaces import ORG, SCHEMA, WD, concept
from demograph.reference import REFERENCE_DIR

ID = "https://w3id.org/demograph/id/"


def _classified(knowledge: Knowledge, actor_type: str) -> set[URIRef]:
    return set(knowledge.reference.subjects(ORG.classification, concept("actor-type", actor_type)))


def test_every_kommun_region_and_lansstyrelse_is_an_actor(knowledge: Knowledge) -> None:
    assert len(_classified(knowledge, "kommun")) == 290
    # 20 regional councils, and Gotland's kommun, which is its region
    regions = _classified(knowledge, "region")
    assert len(regions) == 21
    assert URIRef(ID + "org/kommun/0980") in regions
    assert len(_classified(knowledge, "lansstyrelse")) == 21


def test_places_have_codes_wikidata_and_containment(knowledge: Knowledge) -> None:
    g = knowledge.reference
    places = set(g.subjects(RDF.type, SCHEMA.AdministrativeArea))
    assert len(places) == 290 + 21
    kil = URIRef(ID + "place/kommun/1715")
    assert (kil, SCHEMA.containedInPlace, URIRef(ID + "place/lan/17")) in g
    assert (kil, SCHEMA.sameAs, WD.Q499393) in g
    assert (URIRef(ID + "org/kommun/1715"), RDFS.seeAlso, WD.Q499393) in g
    assert (URIRef(ID + "org/kommun/1715"), DCTERMS.identifier, Literal("1715")) in g


def test_county_groups_match_the_tables(knowledge: Knowledge) -> None:
    with (REFERENCE_DIR / "counties.csv").open(encoding="utf-8") as handle:
        expected = {r["lanskod"]: int(r["antal_kommuner"]) for r in csv.DictReader(handle)}
    g = knowledge.reference
    for code, count in expected.items():
        group = URIRef(f"{ID}group/lan-{code}-kommuner")
        members = set(g.objects(group, FOAF.member))
        assert len(members) == count, code
        assert all(str(m).startswith(f"{ID}org/kommun/{code}") for m in members)


def test_habo_and_habo_stay_apart(knowledge: Knowledge) -> None:
    """Håbo (0305) and Habo (0643) share a slug; keyed by code they are two actors."""
    lexicon = knowledge.lexicon
    text = "Håbo kommun och Habo kommun undertecknar."
    found = [m.iri for m in lexicon.find(text) if m.entry.kind == "actor"]
    assert URIRef(ID + "org/kommun/0305") in found and URIRef(ID + "org/kommun/0643") in found


def test_name_variants_come_from_the_tables(knowledge: Knowledge) -> None:
    g = knowledge.reference
    ls = URIRef(ID + "org/lansstyrelse/17")
    hidden = {str(v) for v in g.objects(ls, SKOS.hiddenLabel)}
    assert {"Länsstyrelsen Värmland", "Länsstyrelsen i Värmland", "Värmlands länsstyrelse"} <= hidden
    assert "Region BD" in {str(v) for v in g.objects(URIRef(ID + "org/region/25"), SKOS.hiddenLabel)}


def test_gazetteer_slugs_are_unique_and_typed(knowledge: Knowledge) -> None:
    with (REFERENCE_DIR / "organisations.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    slugs = Counter(r["slug"] for r in rows)
    assert not [s for s, n in slugs.items() if n > 1]
    mucf = URIRef(ID + "org/myndighet/myndigheten-for-ungdoms-och-civilsamhallesfragor")
    assert (mucf, ORG.classification, concept("actor-type", "myndighet")) in knowledge.reference
