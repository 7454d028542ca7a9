"""Synthetic knowledge graphs in demograph's model, for the SPARQL benchmark.

    .venv/bin/python bench/graphgen.py --triples 100000 --seed 2021 --out /tmp/g.nq

writes N-Quads shaped like a store that `demograph build` publishes: the real vocabulary
(ontology/demograph.ttl) in `{B}graph/ontology`, the real concept schemes (ontology/concepts/,
with their skos:broader theme hierarchy) in `{B}graph/concepts`, a reference world in
`{B}graph/reference`, and one named graph per synthetic source document, named by the
source's IRI (`{B}id/source/{16 hex}`), holding what a build extracts from a text: the source
and its extraction run, the signing, the commitments with their types, themes, target groups,
partners, events and policy documents, and a Web Annotation (quote + position selectors, with
offsets into the text) for every commitment and every thing a commitment names.

The reference world is scaled with the size asked for, so that at every size most triples are
commitments (a real store always has all 290 kommuner; at 10k triples that alone would be
most of the graph): all 21 län with their regions, länsstyrelser and "länets kommuner" groups;
kommuner from data/reference/municipalities.csv (real names and codes, Kil 1715 and
Karlstad 1780 first, then one per county in turn), min(290, max(21, T/2500)) of them; and
organisations, the real ones of data/reference/organisations.csv first, then synthetic ones,
max(8, T/2000) in all. Documents are added until the triple count reaches T; every actor signs
once before any signs again (an actor's second text numbers its commitments on, as a build
does). A seed always gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
REFERENCE = REPO / "data" / "reference"
ONTOLOGY = REPO / "ontology"

B = "https://w3id.org/demograph/"  # DEFAULT_BASE in src/demograph/prefixes.py
ID = B + "id/"
DG = "https://w3id.org/demograph/def/"
DGC = "https://w3id.org/demograph/concept/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
WD = "http://www.wikidata.org/entity/"

G_ONTOLOGY, G_CONCEPTS, G_REFERENCE = (f"<{B}graph/{n}>" for n in ("ontology", "concepts",
                                                                   "reference"))
DECLARATION = f"<{ID}declaration/stark-demokrati>"
EXTRACTOR = f"<{ID}agent/demograph-extractor>"
LOOKUP_ACTOR = f"{ID}org/kommun/1715"  # Kils kommun: signs first, at every size
COUNTY = "17"  # Värmland: its kommuner 1715 and 1780 are always in the world

PUBLIC_CLASSES = (f"{ORG}Organization", f"{CV}PublicOrganisation",
                  f"{SCHEMA}GovernmentOrganization")
TYPE_CLASSES = {"kommun": PUBLIC_CLASSES, "region": PUBLIC_CLASSES,
                "lansstyrelse": PUBLIC_CLASSES, "myndighet": PUBLIC_CLASSES,
                "universitet": (f"{ORG}Organization", f"{SCHEMA}CollegeOrUniversity"),
                "civilsamhalle": (f"{ORG}Organization", f"{SCHEMA}NGO"),
                "studieforbund": (f"{ORG}Organization", f"{SCHEMA}NGO"),
                "foretag": (f"{ORG}Organization", f"{SCHEMA}Corporation"),
                "annat": (f"{ORG}Organization",)}

# What the synthetic texts say. Fillers are appended to commitments; the rare words in some
# of them are what the text-search queries look for, so their frequency is known.
ACTIONS = ("stärka arbetet med", "utbilda medarbetare i", "genomföra dialoger om",
           "ta fram en handlingsplan för", "synliggöra", "arrangera aktiviteter om",
           "öka kunskapen om", "främja", "lyfta frågor om", "fördjupa samtalet om")
OPENERS = {"intern": ("Internt ska vi", "Inom den egna organisationen ska vi",
                      "Vi åtar oss att internt"),
           "extern": ("Vi ska", "Under 2021 ska vi", "Vi åtar oss att"),
           "kommunikativ": ("Vi ska i våra kanaler", "Vi ska kommunicera och",
                            "Vi åtar oss att i sociala medier")}
FILLERS = (
    ("Arbetet följs upp årligen i verksamhetsplanen.", 0.20),
    ("Vi ska genomföra skolval tillsammans med gymnasieskolorna.", 0.04),
    ("Särskild vikt läggs vid källkritik och desinformation i digitala miljöer.", 0.03),
    ("Insatsen görs i nära samverkan med föreningslivet.", 0.15),
    ("Resultaten redovisas för kommunstyrelsen.", 0.10),
    ("Aktiviteterna ska vara tillgängliga för alla oavsett funktionsförmåga.", 0.08),
    ("Vi vill särskilt nå dem som sällan deltar i samhällsdebatten.", 0.10),
    ("Biblioteken är en viktig mötesplats i arbetet.", 0.06),
)
PREAMBLE = ("Vi vill värna alla människors lika värde, grundläggande fri- och rättigheter och "
            "vår demokrati. Därför undertecknar vi Deklaration för en stark demokrati och åtar "
            "oss att:\n- främja kunskap om demokratins värden och hur den fungerar,\n- verka "
            "för delaktighet i demokratin,\n- bidra till ett gott samtalsklimat.\n\n")
SYNTHETIC_ORGS = (("civilsamhalle", "Demokratiföreningen i {ort}", "Democracy Association of {ort}"),
                  ("civilsamhalle", "Bygdegårdsföreningen {ort}", "{ort} Community Hall Association"),
                  ("civilsamhalle", "Ungdomsrådet i {ort}", "{ort} Youth Council"),
                  ("studieforbund", "Studieförbundet {ort}", "{ort} Study Association"),
                  ("foretag", "{ort} Energi AB", "{ort} Energy Ltd"),
                  ("annat", "{ort} folkhögskola", "{ort} Folk High School"),
                  ("myndighet", "Räddningstjänsten {ort}", "{ort} Fire and Rescue Service"),
                  ("universitet", "Högskolan i {ort}", "{ort} University College"))
LOCAL_EVENTS = (("demokratistugan", "Demokratistugan i {ort} {year}", "The democracy cabin in {ort} {year}"),
                ("seminarium", "Demokratiseminarium i {ort} {year}", "Democracy seminar in {ort} {year}"),
                ("dialogmote", "Dialogmöte i {ort} {year}", "Dialogue meeting in {ort} {year}"),
                ("utstallning", "Utställningen Demokrati 100 år i {ort} {year}",
                 "The exhibition Democracy 100 years in {ort} {year}"),
                ("demokratidag", "Demokratidagen i {ort} {year}", "Democracy day in {ort} {year}"),
                ("jubileum", "Demokratijubileet i {ort} {year}", "The democracy jubilee in {ort} {year}"),
                ("krisberedskapsveckan", "Krisberedskapsveckan i {ort} {year}",
                 "Crisis preparedness week in {ort} {year}"),
                ("folkomrostning", "Folkomröstning i {ort} {year}", "Referendum in {ort} {year}"))
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def slugify(text: str) -> str:
    from demograph.namespaces import slugify as real

    return real(text)


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def integer(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


def date(text: str) -> str:
    return f'"{text}"^^<{XSD}date>'


@dataclass
class Actor:
    iri: str  # without <>
    key: str  # kommun-1715
    name_sv: str
    name_en: str
    actor_type: str
    lanskod: str
    ort: str  # the place name used in texts
    place: str  # dcterms:spatial, without <>


@dataclass
class Event:
    iri: str
    triples: list[tuple[str, str, str]]  # its description, written into each graph naming it
    label_sv: str


@dataclass
class GraphInfo:
    """What was generated: counts, and the IRIs the query mix asks about."""

    target: int
    seed: int
    triples: int = 0
    graphs: int = 0
    documents: int = 0
    commitments: int = 0
    actors: int = 0
    kommuner: int = 0
    organisations: int = 0
    events: int = 0
    annotations: int = 0
    bytes: int = 0
    lookup_actor: str = LOOKUP_ACTOR
    county: str = f"{ID}place/lan/{COUNTY}"
    graph_kinds: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


class Writer:
    """Quads to an open binary file, buffered; counts them."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.count = 0
        self.bytes = 0
        self._buffer: list[str] = []

    def quad(self, s: str, p: str, o: str, g: str) -> None:
        line = f"{s} {p} {o} {g} .\n"
        self._buffer.append(line)
        self.count += 1
        if len(self._buffer) >= 20000:
            self.flush()

    def flush(self) -> None:
        data = "".join(self._buffer).encode("utf-8")
        self.bytes += len(data)
        self.handle.write(data)
        self._buffer.clear()


def _ntriples_of(paths: list[Path]) -> list[str]:
    """The triples of Turtle files as N-Triples lines without the final ' .'."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    graph = to_canonical_graph(graph)  # blank nodes named by content: the same bytes every run
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return sorted(line[:-2].rstrip() for line in lines if line.strip())


def _concept_labels() -> dict[str, tuple[str, str]]:
    from rdflib import Graph, Literal, URIRef

    graph = Graph()
    for path in sorted((ONTOLOGY / "concepts").glob("*.ttl")):
        graph.parse(path, format="turtle")
    labels: dict[str, dict[str, str]] = {}
    for s, o in graph.subject_objects(URIRef(SKOS + "prefLabel")):
        if isinstance(o, Literal) and o.language in ("sv", "en"):
            labels.setdefault(str(s), {})[o.language] = str(o)
    return {k: (v.get("sv", ""), v.get("en", "")) for k, v in labels.items()}


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def generate_graph(target: int, seed: int, out: Path) -> GraphInfo:
    """Write about ``target`` quads (a little more: the last document is whole) to ``out``."""
    rng = random.Random(seed)
    info = GraphInfo(target, seed)
    labels = _concept_labels()
    themes = sorted(k for k in labels if k.startswith(DGC + "theme/"))
    targets = sorted(k for k in labels if k.startswith(DGC + "target-group/"))
    # a few themes are much more common than the rest, as in the real texts
    theme_weights = [8 if t.endswith(("/demokrati", "/manskliga-rattigheter", "/delaktighet"))
                     else 3 if t.endswith(("/barnets-rattigheter", "/samtalsklimat", "/tillit",
                                            "/inkludering", "/kallkritik"))
                     else 1 for t in themes]
    counties = _read_csv("counties.csv")
    municipalities = _read_csv("municipalities.csv")
    organisations = _read_csv("organisations.csv")

    with open(out, "wb") as handle:
        w = Writer(handle)
        for line in _ntriples_of([ONTOLOGY / "demograph.ttl"]):
            w.quad(*line.split(" ", 2), G_ONTOLOGY)  # type: ignore[call-arg]
        for line in _ntriples_of(sorted((ONTOLOGY / "concepts").glob("*.ttl"))):
            w.quad(*line.split(" ", 2), G_CONCEPTS)  # type: ignore[call-arg]
        info.graph_kinds[G_ONTOLOGY[1:-1]] = "ontology"
        info.graph_kinds[G_CONCEPTS[1:-1]] = "concepts"

        world = _reference_world(w, rng, target, counties, municipalities, organisations, info)
        actors, by_county, national = world
        info.graph_kinds[G_REFERENCE[1:-1]] = "reference"

        # shared events: the elections, and one Demokrativecka per county (one resource,
        # described again in every text that names it, as a build writes it)
        shared: dict[str, Event] = {}
        for year, day in (("2018", "2018-09-09"), ("2022", "2022-09-11")):
            iri = f"{ID}event/{year}/allmanna-val"
            shared[iri] = Event(iri, _event_triples(
                iri, "allmanna-val", f"Allmänna valen {year}", f"The {year} Swedish general election",
                day, day, "day", f"valet {year}", None, []), f"Allmänna valen {year}")
        for county in counties:
            iri = f"{ID}event/2021/demokrativecka-{county['slug']}"
            label = f"Demokrativecka i {county['lan_kort']} 2021"
            shared[iri] = Event(iri, _event_triples(
                iri, "demokrativecka", label, f"Democracy week in {county['lan_kort']} 2021",
                "2021-09-01", "2021-11-30", "season", "hösten 2021", f"{ID}place/lan/{county['lanskod']}",
                [f"{ID}org/region/{county['lanskod']}", f"{ID}org/lansstyrelse/{county['lanskod']}"]),
                label)
        info.events = len(shared)

        order = [a for a in actors if a.iri != LOOKUP_ACTOR]
        rng.shuffle(order)
        order.insert(0, next(a for a in actors if a.iri == LOOKUP_ACTOR))
        names = {a.iri: a.name_sv for a in actors}
        next_ordinal: dict[str, int] = {}
        minted: set[str] = set()
        n = 0
        while w.count < target:
            actor = order[n % len(order)]
            n += 1
            _document(w, rng, n, actor, names, by_county, national, shared, minted, themes,
                      theme_weights, targets, labels, next_ordinal, info)
        w.flush()
    info.triples = w.count
    info.bytes = w.bytes
    info.documents = n
    info.events += len(minted)
    info.graphs = len(info.graph_kinds)
    return info


def _reference_world(w: Writer, rng: random.Random, target: int, counties: list[dict[str, str]],
                     municipalities: list[dict[str, str]], organisations: list[dict[str, str]],
                     info: GraphInfo) -> tuple[list[Actor], dict[str, list[Actor]], list[Actor]]:
    g = G_REFERENCE
    actors: list[Actor] = []
    by_county: dict[str, list[Actor]] = {c["lanskod"]: [] for c in counties}

    def actor(a: Actor, identifier: str | None, wikidata: str | None,
              hidden: Iterable[str] = ()) -> None:
        s = f"<{a.iri}>"
        for cls in TYPE_CLASSES[a.actor_type]:
            w.quad(s, f"<{RDF}type>", f"<{cls}>", g)
        w.quad(s, f"<{ORG}classification>", f"<{DGC}actor-type/{a.actor_type}>", g)
        w.quad(s, f"<{RDFS}label>", lit(a.name_sv, "sv"), g)
        w.quad(s, f"<{RDFS}label>", lit(a.name_en, "en"), g)
        w.quad(s, f"<{DCT}spatial>", f"<{a.place}>", g)
        if identifier:
            w.quad(s, f"<{DCT}identifier>", lit(identifier), g)
        if wikidata:
            w.quad(s, f"<{RDFS}seeAlso>", f"<{WD}{wikidata}>", g)
        for form in hidden:
            w.quad(s, f"<{SKOS}hiddenLabel>", lit(form, "sv"), g)
        actors.append(a)
        by_county.setdefault(a.lanskod, []).append(a)

    for county in counties:
        code, short, lan = county["lanskod"], county["lan_kort"], county["lan"]
        place = f"{ID}place/lan/{code}"
        s = f"<{place}>"
        w.quad(s, f"<{RDF}type>", f"<{SCHEMA}AdministrativeArea>", g)
        w.quad(s, f"<{SCHEMA}name>", lit(lan, "sv"), g)
        w.quad(s, f"<{RDFS}label>", lit(lan, "sv"), g)
        w.quad(s, f"<{RDFS}label>", lit(f"{short} County", "en"), g)
        w.quad(s, f"<{DCT}identifier>", lit(code), g)
        w.quad(s, f"<{SKOS}notation>", lit(county["slug"]), g)
        w.quad(s, f"<{SKOS}hiddenLabel>", lit(short, "sv"), g)
        if county["lan_wikidata_qid"]:
            w.quad(s, f"<{SCHEMA}sameAs>", f"<{WD}{county['lan_wikidata_qid']}>", g)
        actor(Actor(f"{ID}org/region/{code}", f"region-{code}", county["region_namn"],
                    county["region_namn"], "region", code, short, place), code, None,
              (f"Regionen i {short}", f"{short}sregionen"))
        actor(Actor(f"{ID}org/lansstyrelse/{code}", f"lansstyrelse-{code}",
                    county["lansstyrelse_namn"], f"County Administrative Board of {short}",
                    "lansstyrelse", code, short, place), code, None,
              (county["lansstyrelse_kortnamn"], f"Länsstyrelsen i {short}"))

    # kommuner: Kil and Karlstad first, then one per county in turn
    per_county: dict[str, list[dict[str, str]]] = {}
    for m in sorted(municipalities, key=lambda m: (m["kommunkod"] not in ("1715", "1780"),
                                                   m["kommunkod"])):
        per_county.setdefault(m["lanskod"], []).append(m)
    wanted = min(len(municipalities), max(len(counties), target // 2500))
    chosen: list[dict[str, str]] = []
    depth = 0
    while len(chosen) < wanted:
        for code in sorted(per_county, key=lambda c: (c != COUNTY, c)):
            if depth < len(per_county[code]) and len(chosen) < wanted:
                chosen.append(per_county[code][depth])
        depth += 1
    members: dict[str, list[str]] = {}
    for m in chosen:
        code = m["kommunkod"]
        place = f"{ID}place/kommun/{code}"
        s = f"<{place}>"
        w.quad(s, f"<{RDF}type>", f"<{SCHEMA}AdministrativeArea>", g)
        w.quad(s, f"<{SCHEMA}name>", lit(m["kommun"], "sv"), g)
        w.quad(s, f"<{RDFS}label>", lit(m["kommun"], "sv"), g)
        w.quad(s, f"<{RDFS}label>", lit(m["kommun"], "en"), g)
        w.quad(s, f"<{DCT}identifier>", lit(code), g)
        w.quad(s, f"<{SKOS}notation>", lit(m["slug"]), g)
        w.quad(s, f"<{SCHEMA}containedInPlace>", f"<{ID}place/lan/{m['lanskod']}>", g)
        if m["wikidata_qid"]:
            w.quad(s, f"<{SCHEMA}sameAs>", f"<{WD}{m['wikidata_qid']}>", g)
        actor(Actor(f"{ID}org/kommun/{code}", f"kommun-{code}", m["kommun_namn"],
                    f"{m['kommun']} Municipality", "kommun", m["lanskod"], m["kommun"], place),
              code, m["wikidata_qid"] or None, (f"{m['kommun']} kommun",))
        members.setdefault(m["lanskod"], []).append(f"{ID}org/kommun/{code}")
    info.kommuner = len(chosen)
    for county in counties:
        code = county["lanskod"]
        s = f"<{ID}group/lan-{code}-kommuner>"
        w.quad(s, f"<{RDF}type>", f"<{FOAF}Group>", g)
        w.quad(s, f"<{RDFS}label>", lit(f"{county['lan']}s kommuner", "sv"), g)
        w.quad(s, f"<{RDFS}label>", lit(f"Municipalities of {county['lan_kort']} County", "en"), g)
        w.quad(s, f"<{DCT}spatial>", f"<{ID}place/lan/{code}>", g)
        w.quad(s, f"<{SKOS}hiddenLabel>", lit("länets kommuner", "sv"), g)
        for member in members.get(code, []):
            w.quad(s, f"<{FOAF}member>", f"<{member}>", g)

    # organisations: the real ones, then synthetic ones placed in the chosen kommuner
    wanted = max(8, target // 2000)
    national: list[Actor] = []
    kommun_actors = [a for a in actors if a.actor_type == "kommun"]
    for row in organisations[:wanted]:
        lanskod = row["lanskod"] or "01"
        a = Actor(f"{ID}org/{row['actor_type']}/{row['slug']}",
                  f"{row['actor_type']}-{row['slug']}", row["name_sv"],
                  row["name_en"] or row["name_sv"], row["actor_type"], lanskod,
                  row["name_sv"], f"{ID}place/lan/{lanskod}")
        actor(a, None, row["wikidata"] or None, [v for v in row["variants"].split("|") if v][:3])
        if not row["lanskod"]:
            national.append(a)
    for i in range(max(0, wanted - len(organisations))):
        actor_type, sv, en = SYNTHETIC_ORGS[i % len(SYNTHETIC_ORGS)]
        home = kommun_actors[(i * 7) % len(kommun_actors)]
        name_sv = sv.format(ort=home.ort) + (f" {i // len(SYNTHETIC_ORGS) + 1}"
                                             if i >= len(SYNTHETIC_ORGS) else "")
        slug = slugify(name_sv)
        actor(Actor(f"{ID}org/{actor_type}/{slug}", f"{actor_type}-{slug}", name_sv,
                    en.format(ort=home.ort), actor_type, home.lanskod, home.ort, home.place),
              None, None)
    info.organisations = min(wanted, len(organisations)) + max(0, wanted - len(organisations))
    info.actors = len(actors)

    d = DECLARATION
    w.quad(d, f"<{RDF}type>", f"<{DG}Declaration>", g)
    w.quad(d, f"<{RDFS}label>", lit("Deklaration för en stark demokrati", "sv"), g)
    w.quad(d, f"<{RDFS}label>", lit("Declaration for a strong democracy", "en"), g)
    w.quad(d, f"<{SKOS}hiddenLabel>", lit("demokratideklarationen", "sv"), g)
    if not national:
        national = [a for a in actors if a.actor_type == "myndighet"][:3]
    return actors, by_county, national


def _event_triples(iri: str, event_type: str, label_sv: str, label_en: str, start: str, end: str,
                   precision: str, date_text: str, location: str | None,
                   organizers: list[str]) -> list[tuple[str, str, str]]:
    s = f"<{iri}>"
    out = [(s, f"<{RDF}type>", f"<{SCHEMA}Event>"), (s, f"<{RDF}type>", f"<{CV}PublicEvent>"),
           (s, f"<{DCT}type>", f"<{DGC}event-type/{event_type}>"),
           (s, f"<{RDFS}label>", lit(label_sv, "sv")), (s, f"<{RDFS}label>", lit(label_en, "en")),
           (s, f"<{SCHEMA}startDate>", date(start)), (s, f"<{SCHEMA}endDate>", date(end)),
           (s, f"<{DG}dateText>", lit(date_text, "sv")), (s, f"<{DG}datePrecision>", lit(precision))]
    if location:
        out.append((s, f"<{SCHEMA}location>", f"<{location}>"))
    out.extend((s, f"<{SCHEMA}organizer>", f"<{o}>") for o in organizers)
    return out


def _local_event(rng: random.Random, actor: Actor, minted: set[str]) -> Event:
    event_type, sv, en = rng.choice(LOCAL_EVENTS)
    year = rng.choice((2021, 2021, 2022, 2023))
    precision = rng.choice(("day", "month", "month", "season", "year"))
    if precision == "day":
        month, day = rng.randint(1, 12), 0
        day = rng.randint(1, MONTH_DAYS[month - 1])
        start = end = f"{year}-{month:02d}-{day:02d}"
        text = f"den {day} {MONTHS[month - 1]} {year}"
    elif precision == "month":
        month = rng.randint(1, 12)
        start, end = f"{year}-{month:02d}-01", f"{year}-{month:02d}-{MONTH_DAYS[month - 1]:02d}"
        text = f"i {MONTHS[month - 1]} {year}"
    elif precision == "season":
        season = rng.choice((("våren", "03-01", "05-31"), ("sommaren", "06-01", "08-31"),
                             ("hösten", "09-01", "11-30")))
        start, end = f"{year}-{season[1]}", f"{year}-{season[2]}"
        text = f"{season[0]} {year}"
    else:
        start, end, text = f"{year}-01-01", f"{year}-12-31", str(year)
    label_sv, label_en = sv.format(ort=actor.ort, year=year), en.format(ort=actor.ort, year=year)
    slug = slugify(label_sv.rsplit(" ", 1)[0])
    iri, k = f"{ID}event/{year}/{slug}", 1
    while iri in minted:
        k += 1
        iri = f"{ID}event/{year}/{slug}-{k}"
    minted.add(iri)
    return Event(iri, _event_triples(iri, event_type, label_sv, label_en, start, end, precision,
                                     text, actor.place, [actor.iri]), label_sv)


def _document(w: Writer, rng: random.Random, n: int, actor: Actor, names: dict[str, str],
              by_county: dict[str, list[Actor]], national: list[Actor], shared: dict[str, Event],
              minted: set[str], themes: list[str], theme_weights: list[int], targets: list[str],
              labels: dict[str, tuple[str, str]], next_ordinal: dict[str, int],
              info: GraphInfo) -> None:
    """One source text and what a build extracts from it, in the text's own named graph."""
    neighbours = [a for a in by_county.get(actor.lanskod, []) if a.iri != actor.iri]
    county_event = shared[f"{ID}event/2021/demokrativecka-"
                          f"{_county_slug(actor.lanskod)}"] if actor.lanskod else None
    local_events = [_local_event(rng, actor, minted) for _ in range(rng.choice((0, 1, 1, 2)))]
    title = (f"{actor.name_sv}{'' if actor.name_sv.endswith('s') else 's'} åtaganden för "
             "Deklaration för en stark demokrati")
    pieces = [f"{title}\n\n{PREAMBLE}"]
    offset = len(pieces[0])
    plans = []
    for _ in range(rng.randint(3, 12)):
        ctype = rng.choices(("intern", "extern", "kommunikativ"), (4, 5, 2))[0]
        chosen_themes = sorted(set(rng.choices(themes, theme_weights, k=rng.choice((1, 1, 2, 3)))))
        chosen_targets = sorted(set(rng.sample(targets, rng.choice((0, 0, 1, 1, 2)))))
        partners: list[str] = []
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            pick = rng.random()
            if pick < 0.3:
                partners.append(f"{ID}org/lansstyrelse/{actor.lanskod}")
            elif pick < 0.45:
                partners.append(f"{ID}org/region/{actor.lanskod}")
            elif pick < 0.6:
                partners.append(f"{ID}group/lan-{actor.lanskod}-kommuner")
            elif pick < 0.8 and neighbours:
                partners.append(rng.choice(neighbours).iri)
            else:
                partners.append(rng.choice(national).iri)
        partners = sorted(set(p for p in partners if p != actor.iri))
        events: list[Event] = []
        roll = rng.random()
        if roll < 0.15 and county_event:
            events.append(county_event)
        elif roll < 0.25:
            events.append(shared[f"{ID}event/2022/allmanna-val"])
        if local_events and rng.random() < 0.4:
            events.append(rng.choice(local_events))
        category = rng.choice(("civilsamhalle", "studieforbund")) if rng.random() < 0.1 else None
        reference = rng.random() < 0.1
        # the text, and where in it each named thing is
        theme_forms = [labels[t][0] for t in chosen_themes]
        text = f"{rng.choice(OPENERS[ctype])} {rng.choice(ACTIONS)} {' och '.join(theme_forms)}"
        if chosen_targets:
            text += " för " + " och ".join(labels[t][0] for t in chosen_targets)
        partner_names = [_partner_name(p, names) for p in partners]
        if partners:
            text += " i samverkan med " + " och ".join(partner_names)
        if events:
            text += " i samband med " + " och ".join(e.label_sv for e in events)
        if category:
            text += " tillsammans med " + ("idéburen sektor" if category == "civilsamhalle"
                                           else "studieförbunden")
        text += "."
        for sentence, chance in FILLERS:
            if rng.random() < chance:
                text += " " + sentence
        mentions = [(t, labels[t][0], "classifying") for t in chosen_themes]
        mentions += [(t, labels[t][0], "classifying") for t in chosen_targets]
        mentions += [(p, name, "identifying") for p, name in zip(partners, partner_names)]
        mentions += [(e.iri, e.label_sv, "identifying") for e in events]
        located = []
        cursor = 0
        for body, form, motive in mentions:
            at = text.find(form, cursor)
            if at < 0:
                at = text.find(form)
            located.append((body, form, motive, offset + at, offset + at + len(form)))
            cursor = max(cursor, at + len(form)) if at >= 0 else cursor
        plans.append((ctype, chosen_themes, chosen_targets, partners, events, category, reference,
                      text, offset, located))
        pieces.append(text + "\n\n")
        offset += len(text) + 2
    full_text = "".join(pieces) + f"(Text {n}.)\n"
    sha = hashlib.sha256(full_text.encode("utf-8")).hexdigest()
    source = f"{ID}source/{sha[:16]}"
    g = f"<{source}>"
    info.graph_kinds[source] = "source"
    file_name = f"{n:05d}_{sha[:16]}.txt"
    info.sources[source] = file_name
    src = g
    extraction = f"<{ID}extraction/{sha[:16]}>"
    w.quad(src, f"<{RDF}type>", f"<{DG}SourceDocument>", g)
    w.quad(src, f"<{DG}sha256>", lit(sha), g)
    w.quad(src, f"<{DCT}language>", "<http://id.loc.gov/vocabulary/iso639-1/sv>", g)
    w.quad(src, f"<{DCT}source>", lit(file_name), g)
    w.quad(src, f"<{SCHEMA}text>", lit(full_text, "sv"), g)
    w.quad(src, f"<{PROV}wasGeneratedBy>", extraction, g)
    w.quad(src, f"<{RDFS}label>", lit(title, "sv"), g)
    w.quad(extraction, f"<{RDF}type>", f"<{DG}ExtractionRun>", g)
    w.quad(extraction, f"<{PROV}wasAssociatedWith>", EXTRACTOR, g)
    w.quad(EXTRACTOR, f"<{RDF}type>", f"<{PROV}SoftwareAgent>", g)
    w.quad(EXTRACTOR, f"<{RDFS}label>", lit("demographs textläsare", "sv"), g)
    w.quad(EXTRACTOR, f"<{RDFS}label>", lit("demograph text extractor", "en"), g)
    w.quad(EXTRACTOR, f"<{DG}extractorVersion>", lit("0.1.0"), g)
    w.quad(extraction, f"<{RDFS}label>", lit(f"Extrahering av {file_name}", "sv"), g)
    w.quad(extraction, f"<{RDFS}label>", lit(f"Extraction of {file_name}", "en"), g)

    a = f"<{actor.iri}>"
    signing = f"<{ID}signing/{actor.key}>"
    w.quad(a, f"<{DG}signed>", DECLARATION, g)
    w.quad(signing, f"<{RDF}type>", f"<{DG}Signing>", g)
    w.quad(signing, f"<{DG}signatory>", a, g)
    w.quad(signing, f"<{DG}declaration>", DECLARATION, g)
    w.quad(signing, f"<{PROV}wasDerivedFrom>", src, g)
    w.quad(signing, f"<{RDFS}label>", lit(f"{actor.name_sv} undertecknar deklarationen", "sv"), g)
    w.quad(signing, f"<{RDFS}label>", lit(f"{actor.name_en} signs the declaration", "en"), g)
    signed_on = int(hashlib.sha256(actor.key.encode()).hexdigest()[:8], 16)  # one date per actor
    if signed_on % 10 < 7:
        w.quad(signing, f"<{DCT}date>", date(f"2021-{signed_on % 6 + 1:02d}-{signed_on % 28 + 1:02d}"), g)
    for goal in ("kunskap", "delaktighet", "samtalsklimat"):
        if rng.random() < 0.6:
            w.quad(signing, f"<{DG}contributesToGoal>", f"<{DGC}declaration-goal/{goal}>", g)

    described: set[str] = set()
    for ctype, c_themes, c_targets, partners, events, category, reference, text, start, located \
            in plans:
        ordinal = next_ordinal.get(actor.key, 0) + 1
        next_ordinal[actor.key] = ordinal
        c_iri = f"{ID}commitment/{actor.key}/{ordinal}"
        c = f"<{c_iri}>"
        info.commitments += 1
        w.quad(c, f"<{RDF}type>", f"<{DG}Commitment>", g)
        w.quad(c, f"<{DG}committedBy>", a, g)
        w.quad(c, f"<{DG}commitmentType>", f"<{DGC}commitment-type/{ctype}>", g)
        w.quad(c, f"<{DG}commitmentTypeBasis>", lit(rng.choice(("heading", "inferred"))), g)
        w.quad(c, f"<{DG}ordinal>", integer(ordinal), g)
        w.quad(c, f"<{DCT}description>", lit(text, "sv"), g)
        w.quad(c, f"<{PROV}wasDerivedFrom>", src, g)
        w.quad(c, f"<{RDFS}label>", lit(f"{actor.name_sv}, åtagande {ordinal}", "sv"), g)
        w.quad(c, f"<{RDFS}label>", lit(f"{actor.name_en}, commitment {ordinal}", "en"), g)
        for t in c_themes:
            w.quad(c, f"<{DCT}subject>", f"<{t}>", g)
        for t in c_targets:
            w.quad(c, f"<{DG}targetGroup>", f"<{t}>", g)
        for p in partners:
            w.quad(c, f"<{DG}partner>", f"<{p}>", g)
        if category:
            w.quad(c, f"<{DG}partnerCategory>", f"<{DGC}actor-type/{category}>", g)
        for e in events:
            w.quad(c, f"<{DG}relatedEvent>", f"<{e.iri}>", g)
            if e.iri not in described:
                described.add(e.iri)
                for triple in e.triples:
                    w.quad(*triple, g)
        if reference:
            doc = f"<{ID}document/{actor.key}/demokratiplan-{ordinal}>"
            w.quad(c, f"<{DCT}references>", doc, g)
            w.quad(doc, f"<{RDF}type>", f"<{DG}PolicyDocument>", g)
            w.quad(doc, f"<{DCT}title>", lit(f"Demokratiplan för {actor.ort}", "sv"), g)
            w.quad(doc, f"<{RDFS}label>", lit(f"Demokratiplan för {actor.ort}", "sv"), g)
            w.quad(doc, f"<{DCT}issued>", lit("2020", datatype=XSD + "gYear"), g)
            w.quad(doc, f"<{DCT}creator>", a, g)
        _annotation(w, source, start, start + len(text), c_iri, None, text, "identifying", g)
        for body, form, motive, s, e in located:
            _annotation(w, source, s, e, body, c_iri, form, motive, g)
        info.annotations += 1 + len(located)


def _annotation(w: Writer, source: str, start: int, end: int, body: str, commitment: str | None,
                exact: str, motive: str, g: str) -> None:
    tail = slugify(body.rsplit("/", 2)[-2] + "-" + body.rsplit("/", 1)[-1])
    iri = f"{source}/annotation/{start}-{end}-{tail}"
    a, target, quote, position = f"<{iri}>", f"<{iri}#target>", f"<{iri}#quote>", f"<{iri}#position>"
    w.quad(a, f"<{RDF}type>", f"<{OA}Annotation>", g)
    w.quad(a, f"<{OA}hasTarget>", target, g)
    w.quad(a, f"<{OA}hasBody>", f"<{body}>", g)
    if commitment:
        w.quad(a, f"<{DG}forCommitment>", f"<{commitment}>", g)
    w.quad(a, f"<{OA}motivatedBy>", f"<{OA}{motive}>", g)
    short = exact if len(exact) <= 60 else exact[:60] + "…"
    w.quad(a, f"<{RDFS}label>", lit(f"Textställe {start}–{end}: {short}", "sv"), g)
    w.quad(target, f"<{RDF}type>", f"<{OA}SpecificResource>", g)
    w.quad(target, f"<{OA}hasSource>", f"<{source}>", g)
    w.quad(target, f"<{OA}hasSelector>", quote, g)
    w.quad(target, f"<{OA}hasSelector>", position, g)
    w.quad(quote, f"<{RDF}type>", f"<{OA}TextQuoteSelector>", g)
    w.quad(quote, f"<{OA}exact>", lit(exact), g)
    w.quad(position, f"<{RDF}type>", f"<{OA}TextPositionSelector>", g)
    w.quad(position, f"<{OA}start>", integer(start), g)
    w.quad(position, f"<{OA}end>", integer(end), g)


_COUNTY_SLUGS: dict[str, str] = {}


def _county_slug(lanskod: str) -> str:
    if not _COUNTY_SLUGS:
        _COUNTY_SLUGS.update({c["lanskod"]: c["slug"] for c in _read_csv("counties.csv")})
    return _COUNTY_SLUGS.get(lanskod, "stockholm")


def _partner_name(iri: str, names: dict[str, str]) -> str:
    return "länets kommuner" if "/group/lan-" in iri else names.get(iri, iri.rsplit("/", 1)[-1])


def parse_size(text: str) -> int:
    """'10k' → 10000, '1M' → 1000000, '250000' → 250000."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (
        f"{n // 1000}k" if n % 1000 == 0 else str(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--out", type=Path, required=True, help="the N-Quads file to write")
    args = parser.parse_args()
    info = generate_graph(args.triples, args.seed, args.out)
    print(f"{info.triples:,} quads in {info.graphs} graphs ({info.documents} documents, "
          f"{info.commitments} commitments, {info.actors} actors, {info.events} events) → "
          f"{args.out} ({info.bytes / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
