"""The reference graph: every kommun, län, region and länsstyrelse, the organisations texts
name, and the declaration itself — built from the tables in ``data/reference/``.

The name variants the extractor recognises are generated here from the tables' columns
(``skos:hiddenLabel``), so a new kommun or a renamed region is a change of data, not code.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from .namespaces import CV, DG, ORG, SCHEMA, WD, Minter, concept

REFERENCE_DIR = Path(__file__).resolve().parent / "resources" / "reference"

# rdf:type per actor type, beside org:Organization (MODEL.md, "Actor").
ACTOR_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "kommun": (CV.PublicOrganisation, SCHEMA.GovernmentOrganization),
    "region": (CV.PublicOrganisation, SCHEMA.GovernmentOrganization),
    "lansstyrelse": (CV.PublicOrganisation, SCHEMA.GovernmentOrganization),
    "myndighet": (CV.PublicOrganisation, SCHEMA.GovernmentOrganization),
    "universitet": (SCHEMA.CollegeOrUniversity,),
    "civilsamhalle": (SCHEMA.NGO,),
    "studieforbund": (SCHEMA.NGO,),
    "foretag": (SCHEMA.Corporation,),
    "annat": (),
}
PUBLIC_CLASSES = (CV.PublicOrganisation, SCHEMA.GovernmentOrganization)
GOTLAND_LAN = "09"  # Region Gotland is kommun 0980: one actor, kommun and region at once


@dataclass(frozen=True)
class County:
    code: str
    letter: str
    name: str  # "Värmlands län"
    short: str  # "Värmland"
    qid: str
    region_name: str
    lansstyrelse_name: str
    lansstyrelse_short: str
    slug: str


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str  # "Kil"
    full_name: str  # "Kils kommun"
    county: str
    qid: str
    slug: str


@dataclass(frozen=True)
class Organisation:
    slug: str
    actor_type: str
    name_sv: str
    name_en: str
    variants: tuple[str, ...]
    wikidata: str
    county: str
    parent: str
    public: bool
    ambiguous: bool = False  # a name that is also an ordinary word: match it in its own case


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def read_counties(directory: Path = REFERENCE_DIR) -> list[County]:
    return [County(r["lanskod"], r["lansbokstav"], r["lan"], r["lan_kort"], r["lan_wikidata_qid"],
                   r["region_namn"], r["lansstyrelse_namn"], r["lansstyrelse_kortnamn"], r["slug"])
            for r in _rows(directory / "counties.csv")]


def read_municipalities(directory: Path = REFERENCE_DIR) -> list[Municipality]:
    return [Municipality(r["kommunkod"], r["kommun"], r["kommun_namn"], r["lanskod"],
                         r["wikidata_qid"], r["slug"])
            for r in _rows(directory / "municipalities.csv")]


def read_name_variants(directory: Path = REFERENCE_DIR) -> dict[str, set[str]]:
    """Official names the tables' regular forms miss ("Falu kommun", "Göteborgs Stad")."""
    path = directory / "name_variants.csv"
    variants: dict[str, set[str]] = {}
    if path.exists():
        for r in _rows(path):
            variants.setdefault(r["code"], set()).add(r["variant"])
    return variants


def read_organisations(directory: Path = REFERENCE_DIR) -> list[Organisation]:
    path = directory / "organisations.csv"
    if not path.exists():
        return []
    return [Organisation(r["slug"], r["actor_type"], r["name_sv"], r.get("name_en", ""),
                         tuple(v.strip() for v in r.get("variants", "").split("|") if v.strip()),
                         r.get("wikidata", "").strip(), r.get("lanskod", "").strip(),
                         r.get("parent", "").strip(), r.get("public", "0").strip() == "1",
                         r.get("ambiguous", "0").strip() == "1")
            for r in _rows(path)]


def genitive(name: str) -> str:
    """Swedish genitive of a name: "Kil" → "Kils", "Borås" → "Borås"."""
    return name if name[-1] in "sxzSXZ" else name + "s"


def kommun_variants(m: Municipality) -> set[str]:
    return {m.full_name, f"{m.name} kommun", f"{genitive(m.name)} kommun",
            f"{genitive(m.name)} stad", f"{m.name} stad", f"{m.name} kommun"}


def region_variants(c: County) -> set[str]:
    forms = {c.region_name, f"Region {c.short}", f"Regionen {c.short}", f"Region {c.name}",
             f"{c.short}sregionen", f"Regionen i {c.short}"}
    if len(c.letter) > 1:  # single letters ("Region I") would fire on ordinary words
        forms.add(f"Region {c.letter}")
    return forms


def lansstyrelse_variants(c: County) -> set[str]:
    return {c.lansstyrelse_name, c.lansstyrelse_short, f"Länsstyrelsen i {c.short}",
            f"Länsstyrelsen {c.name}", f"Länsstyrelsen i {c.name}",
            f"{genitive(c.short)} länsstyrelse", f"{genitive(c.name)} länsstyrelse"}


def group_variants(c: County, members: int) -> set[str]:
    return {f"{genitive(c.short)} kommuner", f"kommunerna i {c.short}", f"kommunerna i {c.name}",
            f"{genitive(c.short)} {members} kommuner", f"{genitive(c.name)} kommuner",
            f"{c.name}s {members} kommuner"}


def _add_labels(g: Graph, node: URIRef, sv: str, en: str | None, hidden: set[str]) -> None:
    g.add((node, RDFS.label, Literal(sv, lang="sv")))
    if en:
        g.add((node, RDFS.label, Literal(en, lang="en")))
    for form in sorted(hidden - {sv}):
        g.add((node, SKOS.hiddenLabel, Literal(form, lang="sv")))


def _add_actor(g: Graph, node: URIRef, actor_type: str, public: bool = False) -> None:
    g.add((node, RDF.type, ORG.Organization))
    classes = ACTOR_CLASSES[actor_type] + (PUBLIC_CLASSES if public else ())
    for cls in dict.fromkeys(classes):
        g.add((node, RDF.type, cls))
    g.add((node, ORG.classification, concept("actor-type", actor_type)))


def build_reference_graph(minter: Minter, directory: Path = REFERENCE_DIR) -> Graph:
    """All reference actors, places and groups, and the declaration, as one graph."""
    g = Graph()
    counties = read_counties(directory)
    municipalities = read_municipalities(directory)
    by_county: dict[str, list[Municipality]] = {}
    for m in municipalities:
        by_county.setdefault(m.county, []).append(m)

    for c in counties:
        place = minter.place_lan(c.code)
        g.add((place, RDF.type, SCHEMA.AdministrativeArea))
        _add_labels(g, place, c.name, f"{c.short} County", {c.short})
        g.add((place, SCHEMA.name, Literal(c.name, lang="sv")))
        g.add((place, DCTERMS.identifier, Literal(c.code)))
        g.add((place, SCHEMA.sameAs, WD[c.qid]))
        g.add((place, SKOS.notation, Literal(c.slug)))  # the slug event IRIs use

        lansstyrelse = minter.lansstyrelse(c.code)
        _add_actor(g, lansstyrelse, "lansstyrelse")
        _add_labels(g, lansstyrelse, c.lansstyrelse_name, f"County Administrative Board of {c.short}",
                    lansstyrelse_variants(c))
        g.add((lansstyrelse, SKOS.altLabel, Literal(c.lansstyrelse_short, lang="sv")))
        g.add((lansstyrelse, DCTERMS.identifier, Literal(c.code)))
        g.add((lansstyrelse, DCTERMS.spatial, place))

        members = by_county.get(c.code, [])
        if c.code != GOTLAND_LAN:
            region = minter.region(c.code)
            _add_actor(g, region, "region")
            _add_labels(g, region, c.region_name, c.region_name, region_variants(c))
            g.add((region, DCTERMS.identifier, Literal(c.code)))
            g.add((region, DCTERMS.spatial, place))

        group = minter.group_lan_kommuner(c.code)
        g.add((group, RDF.type, FOAF.Group))
        _add_labels(g, group, f"{genitive(c.name)} kommuner", f"Municipalities of {c.short} County",
                    group_variants(c, len(members)))
        g.add((group, DCTERMS.spatial, place))
        for m in members:
            g.add((group, FOAF.member, minter.kommun(m.code)))

    county_by_code = {c.code: c for c in counties}
    extra_names = read_name_variants(directory)
    for m in municipalities:
        place = minter.place_kommun(m.code)
        g.add((place, RDF.type, SCHEMA.AdministrativeArea))
        _add_labels(g, place, m.name, m.name, set())
        g.add((place, SCHEMA.name, Literal(m.name, lang="sv")))
        g.add((place, DCTERMS.identifier, Literal(m.code)))
        g.add((place, SCHEMA.containedInPlace, minter.place_lan(m.county)))
        g.add((place, SCHEMA.sameAs, WD[m.qid]))
        g.add((place, SKOS.notation, Literal(m.slug)))

        actor = minter.kommun(m.code)
        _add_actor(g, actor, "kommun")
        hidden = kommun_variants(m) | extra_names.get(m.code, set())
        if m.county == GOTLAND_LAN:
            county = county_by_code[m.county]
            hidden |= region_variants(county)
            g.add((actor, ORG.classification, concept("actor-type", "region")))
            g.add((actor, SKOS.altLabel, Literal(county.region_name, lang="sv")))
        _add_labels(g, actor, m.full_name, f"{m.name} Municipality", hidden)
        g.add((actor, DCTERMS.identifier, Literal(m.code)))
        g.add((actor, DCTERMS.spatial, place))
        g.add((actor, RDFS.seeAlso, WD[m.qid]))

    organisations = read_organisations(directory)
    slugs = {o.slug: o for o in organisations}
    for o in organisations:
        actor = minter.actor(o.actor_type, o.slug)
        _add_actor(g, actor, o.actor_type, o.public)
        _add_labels(g, actor, o.name_sv, o.name_en or None, set(o.variants))
        for variant in o.variants:
            if variant.isupper() and len(variant) <= 8:  # an abbreviation people also write
                g.add((actor, SKOS.altLabel, Literal(variant, lang="sv")))
        if o.wikidata:
            g.add((actor, RDFS.seeAlso, WD[o.wikidata]))
        if o.county:
            g.add((actor, DCTERMS.spatial, minter.place_lan(o.county)))
        if o.parent and o.parent in slugs:
            parent = slugs[o.parent]
            g.add((actor, ORG.subOrganizationOf, minter.actor(parent.actor_type, parent.slug)))

    declaration = minter.declaration()
    g.add((declaration, RDF.type, DG.Declaration))
    g.add((declaration, RDFS.label, Literal("Deklaration för en stark demokrati", lang="sv")))
    g.add((declaration, RDFS.label, Literal("Declaration for a strong democracy", lang="en")))
    g.add((declaration, SKOS.hiddenLabel, Literal("demokratideklarationen", lang="sv")))
    committee = slugs.get("kommitten-demokratin-100-ar")
    if committee:
        g.add((declaration, DCTERMS.creator, minter.actor(committee.actor_type, committee.slug)))
    return g



@dataclass(frozen=True)
class KnownEvent:
    """An event whose dates are a matter of record (a general election), not of one text."""

    event_type: str
    year: int
    start: str
    end: str
    label_sv: str
    label_en: str


def read_known_events(directory: Path = REFERENCE_DIR) -> dict[tuple[str, int], KnownEvent]:
    path = directory / "events.csv"
    if not path.exists():
        return {}
    return {(r["event_type"], int(r["year"])): KnownEvent(r["event_type"], int(r["year"]), r["start"],
                                                          r["end"], r["label_sv"], r["label_en"])
            for r in _rows(path)}
