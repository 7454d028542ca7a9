"""The ontology (ontology/demograph.ttl) and the six SKOS concept schemes (ontology/concepts/).

What is checked, and why:
- every term the code can emit (``demograph.namespaces.DG``) is declared, labelled and defined in
  Swedish and English, with the domains, ranges and outward links the data model relies on;
- every concept MODEL.md fixes exists with its notation, one prefLabel per language and a
  definition, and every concept of every scheme is well formed SKOS;
- the Swedish label forms the extractor matches are usable: no form is claimed by two concepts
  of one scheme, the forms the texts really use are found by the matching rule of
  ontology/README.md, and forms known to misfire are absent;
- event-type scopes take only their four values, and no broader hierarchy has a cycle;
- outward identifiers are well formed, and Wikidata items are limited to verified ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, Namespace

from demograph.namespaces import DG, DGC, OA, ORG, SCHEMA, slugify

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_IRI = URIRef("https://w3id.org/demograph/def/")
VANN = Namespace("http://purl.org/vocab/vann/")
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")

SCHEMES = ["actor-type", "commitment-type", "declaration-goal", "target-group", "event-type", "theme"]

# The notations MODEL.md (and the brief) fix: they must exist, and are never renamed.
REQUIRED_NOTATIONS = {
    "actor-type": [
        "kommun", "region", "lansstyrelse", "myndighet", "civilsamhalle", "universitet",
        "foretag", "annat", "studieforbund",
    ],
    "commitment-type": ["intern", "extern", "kommunikativ"],
    "declaration-goal": ["kunskap", "delaktighet", "samtalsklimat"],
    "target-group": [
        "barn", "unga", "elever", "forstagangsvaljare", "utrikesfodda", "nationella-minoriteter",
        "personer-med-funktionsnedsattning", "aldre", "medarbetare", "fortroendevalda",
        "invanare", "civilsamhalle",
    ],
    "event-type": [
        "demokrativecka", "demokratistugan", "folkomrostning", "allmanna-val",
        "krisberedskapsveckan", "demokratidag", "utstallning", "dialogmote", "seminarium",
        "jubileum",
    ],
    "theme": [
        "demokrati", "manskliga-rattigheter", "jamstalldhet", "jamlikhet", "barnets-rattigheter",
        "delaktighet", "medborgardialog", "inkludering", "segregation", "tillit", "valdeltagande",
        "samtalsklimat", "demokratiutbildning", "nationella-minoriteter", "agenda-2030",
        "diskriminering", "rasism", "extremism", "hot-och-hat", "kallkritik", "yttrandefrihet",
        "rattsstatens-principer", "krisberedskap", "folkbildning", "civilsamhallets-roll",
        "tillganglighet",
    ],
}

EVENT_SCOPES = {"county", "municipality", "national", "actor"}
EXPECTED_EVENT_SCOPES = {
    "demokrativecka": "county",
    "demokratistugan": "municipality",
    "folkomrostning": "municipality",
    "allmanna-val": "national",
    "krisberedskapsveckan": "national",
    "demokratidag": "actor",
    "utstallning": "actor",
    "dialogmote": "actor",
    "seminarium": "actor",
    "jubileum": "actor",
}

# Wikidata items whose identifiers were checked (see ontology/README.md); add an item here only
# together with a note of how it was verified.
VERIFIED_WIKIDATA = {
    "Q7174",  # democracy
    "Q8458",  # human rights
    "Q7649586",  # Sustainable Development Goals
}


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def _ttl_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.rglob("*.ttl"))


@cache
def _graph_of(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@cache
def ontology() -> Graph:
    return _graph_of(ONTOLOGY_DIR / "demograph.ttl")


@cache
def everything() -> Graph:
    g = Graph()
    for path in _ttl_files():
        g += _graph_of(path)
    return g


def scheme_iri(scheme: str) -> URIRef:
    return DGC[scheme]


def concept_iri(scheme: str, notation: str) -> URIRef:
    return DGC[f"{scheme}/{notation}"]


def concepts_of(scheme: str) -> list[URIRef]:
    g = everything()
    return sorted(c for c in g.subjects(SKOS.inScheme, scheme_iri(scheme)) if isinstance(c, URIRef))


def short(node) -> str:
    text = str(node)
    for prefix, iri in (("dgc:", str(DGC)), ("dg:", str(DG._NS))):
        if text.startswith(iri):
            return prefix + text[len(iri):]
    return text


def literals(g: Graph, s, p, lang: str | None = None) -> list[Literal]:
    out = [o for o in g.objects(s, p) if isinstance(o, Literal)]
    if lang is not None:
        out = [o for o in out if o.language == lang]
    return out


def sv_forms(g: Graph, concept, props=(SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)) -> list[str]:
    return [str(o) for p in props for o in literals(g, concept, p, "sv")]


def norm(form: str) -> str:
    return unicodedata.normalize("NFC", form).casefold()


# --------------------------------------------------------------------------------------------
# The matching rule of ontology/README.md ("How the extractor matches labels")
# --------------------------------------------------------------------------------------------

ENDINGS = ["arna", "erna", "orna", "ens", "ets", "nas", "en", "et", "na", "ns", "ar", "er", "or", "s", "n", "a", "e"]


def form_pattern(form: str) -> re.Pattern[str]:
    """A form matches at a word start; then a word end, an inflection ending and a word end, or —
    for forms of six letters or more — further letters (the form is the first part of a compound)."""
    ending = "(?:" + "|".join(ENDINGS) + ")?(?!\\w)"
    if sum(ch.isalpha() for ch in form) >= 6:
        ending = "(?:" + ending + "|\\w+)"
    return re.compile(r"(?<!\w)" + re.escape(form) + ending, re.IGNORECASE)


def matching_concepts(scheme: str, text: str) -> set[str]:
    """Notations of the concepts of ``scheme`` whose forms occur in ``text``."""
    g = everything()
    found = set()
    for c in concepts_of(scheme):
        if any(form_pattern(f).search(text) for f in sv_forms(g, c)):
            found.add(str(g.value(c, SKOS.notation)))
    return found


def test_matcher_follows_the_documented_rule():
    # the test's own implementation of the rule, checked on the README's examples
    assert form_pattern("jämställdhet").search("jämställdhetsarbete")
    assert form_pattern("demokrati").search("demokratiutbildning")
    assert form_pattern("barn").search("barnen") and form_pattern("barn").search("barns")
    assert not form_pattern("barn").search("barnkonventionen")
    assert not form_pattern("unga").search("ungefär")
    assert form_pattern("tillit").search("tillitsfull")
    assert not form_pattern("elev").search("elevinflytande")


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _ttl_files(), ids=lambda p: str(p.relative_to(ONTOLOGY_DIR)))
def test_every_file_parses(path: Path):
    assert len(_graph_of(path)) > 0, f"{path} parsed to an empty graph"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_one_file_per_scheme(scheme: str):
    path = ONTOLOGY_DIR / "concepts" / f"{scheme}.ttl"
    assert path.is_file(), f"missing {path}"
    assert (scheme_iri(scheme), RDF.type, SKOS.ConceptScheme) in _graph_of(path), (
        f"{path.name} does not declare {short(scheme_iri(scheme))} a skos:ConceptScheme"
    )


def test_readme_exists():
    readme = ONTOLOGY_DIR / "README.md"
    assert readme.is_file()
    text = readme.read_text(encoding="utf-8")
    for name in ["demograph.ttl", *(f"{s}.ttl" for s in SCHEMES)]:
        assert name in text, f"ontology/README.md does not mention {name}"


# --------------------------------------------------------------------------------------------
# The dg: vocabulary
# --------------------------------------------------------------------------------------------

DG_TERMS = sorted(DG.__annotations__)
DG_CLASSES = [t for t in DG_TERMS if t[0].isupper()]
DG_PROPERTIES = [t for t in DG_TERMS if t[0].islower()]


def test_dg_term_list_is_not_empty():
    assert "Commitment" in DG_CLASSES and "committedBy" in DG_PROPERTIES


def test_ontology_header():
    g = ontology()
    o = ONTOLOGY_IRI
    problems = []
    if (o, RDF.type, OWL.Ontology) not in g:
        problems.append("not an owl:Ontology")
    for lang in ("sv", "en"):
        if not literals(g, o, DCTERMS.title, lang):
            problems.append(f"no dcterms:title@{lang}")
    if not literals(g, o, DCTERMS.description):
        problems.append("no dcterms:description")
    if (o, DCTERMS.license, CC0) not in g:
        problems.append("licence is not CC0")
    if str(g.value(o, OWL.versionInfo)) != "0.1.0":
        problems.append(f"owl:versionInfo is {g.value(o, OWL.versionInfo)!r}, not '0.1.0'")
    if str(g.value(o, VANN.preferredNamespacePrefix)) != "dg":
        problems.append("vann:preferredNamespacePrefix is not 'dg'")
    assert not problems, "ontology header: " + "; ".join(problems)


def test_every_dg_term_is_declared_labelled_and_defined():
    g = ontology()
    problems = []
    for name in DG_TERMS:
        term = DG[name]
        kinds = set(g.objects(term, RDF.type))
        wanted = {OWL.Class} if name in DG_CLASSES else {OWL.ObjectProperty, OWL.DatatypeProperty}
        if not kinds & wanted:
            problems.append(f"dg:{name} is not declared as {' or '.join(short(k) for k in wanted)}")
        for lang in ("sv", "en"):
            if len(literals(g, term, RDFS.label, lang)) != 1:
                problems.append(f"dg:{name} needs exactly one rdfs:label@{lang}")
            if len(literals(g, term, RDFS.comment, lang)) != 1:
                problems.append(f"dg:{name} needs exactly one rdfs:comment@{lang}")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in g:
            problems.append(f"dg:{name} lacks rdfs:isDefinedBy <{ONTOLOGY_IRI}>")
    assert not problems, "\n".join(problems)


def test_every_dg_term_used_in_the_ontology_files_is_declared_and_known_to_the_code():
    declared = set(ontology().subjects(RDFS.isDefinedBy, ONTOLOGY_IRI))
    known = {DG[name] for name in DG_TERMS}
    used = {
        node
        for triple in everything()
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(DG._NS)) and node != ONTOLOGY_IRI
    }
    assert not used - declared, f"dg: terms used but not declared: {sorted(map(short, used - declared))}"
    assert not used - known, f"dg: terms used but missing from namespaces.DG: {sorted(map(short, used - known))}"


@pytest.mark.parametrize(
    "cls, superclass",
    [
        ("Signing", PROV.Activity),
        ("Commitment", PROV.Plan),
        ("SourceDocument", FOAF.Document),
        ("PolicyDocument", FOAF.Document),
        ("ExtractionRun", PROV.Activity),
        ("Declaration", FOAF.Document),
        ("Declaration", SCHEMA.CreativeWork),
    ],
)
def test_subclass_links_outward(cls: str, superclass: URIRef):
    assert (DG[cls], RDFS.subClassOf, superclass) in ontology(), f"dg:{cls} ⊑ {superclass} missing"


OBJECT_PROPERTY_RANGES = {
    "signatory": ORG.Organization,
    "declaration": DG.Declaration,
    "signed": DG.Declaration,
    "committedBy": ORG.Organization,
    "commitmentType": SKOS.Concept,
    "targetGroup": SKOS.Concept,
    "partnerCategory": SKOS.Concept,
    "contributesToGoal": SKOS.Concept,
    "relatedEvent": SCHEMA.Event,
    "forCommitment": DG.Commitment,
}
DATATYPE_PROPERTY_RANGES = {
    "sha256": XSD.string,
    "ordinal": XSD.positiveInteger,
    "dateText": RDF.langString,
    "datePrecision": XSD.string,
    "commitmentTypeBasis": XSD.string,
    "dateInferred": XSD.boolean,
    "eventScope": XSD.string,
    "nameKeyword": RDF.langString,
    "extractorVersion": XSD.string,
    "queryTimeout": XSD.decimal,
    "resultRowLimit": XSD.integer,
}


@pytest.mark.parametrize("name, rng", sorted(OBJECT_PROPERTY_RANGES.items()))
def test_object_property_ranges(name: str, rng: URIRef):
    g = ontology()
    assert (DG[name], RDF.type, OWL.ObjectProperty) in g, f"dg:{name} is not an owl:ObjectProperty"
    assert (DG[name], RDFS.range, rng) in g, f"dg:{name} should have rdfs:range {short(rng)}"


@pytest.mark.parametrize("name, rng", sorted(DATATYPE_PROPERTY_RANGES.items()))
def test_datatype_property_ranges(name: str, rng: URIRef):
    g = ontology()
    assert (DG[name], RDF.type, OWL.DatatypeProperty) in g, f"dg:{name} is not an owl:DatatypeProperty"
    assert (DG[name], RDFS.range, rng) in g, f"dg:{name} should have rdfs:range {rng}"


def test_every_property_is_covered_by_the_range_tables():
    assert set(DG_PROPERTIES) == set(OBJECT_PROPERTY_RANGES) | set(DATATYPE_PROPERTY_RANGES) | {"partner"}


def test_partner_range_is_organisation_or_group():
    g = ontology()
    rng = g.value(DG.partner, RDFS.range)
    assert isinstance(rng, BNode), "dg:partner's range should be an anonymous owl:unionOf class"
    members = set(Collection(g, g.value(rng, OWL.unionOf)))
    assert members == {ORG.Organization, FOAF.Group}, f"dg:partner range union is {members}"


def test_sub_properties_and_domains():
    g = ontology()
    assert (DG.committedBy, RDFS.subPropertyOf, PROV.wasAttributedTo) in g
    assert (DG.forCommitment, RDFS.domain, OA.Annotation) in g
    assert (DG.committedBy, RDFS.domain, DG.Commitment) in g
    assert (DG.signatory, RDFS.domain, DG.Signing) in g


@pytest.mark.parametrize(
    "name, values",
    [
        ("datePrecision", ["day", "month", "season", "year"]),
        ("commitmentTypeBasis", ["heading", "inferred"]),
        ("eventScope", sorted(EVENT_SCOPES)),
    ],
)
def test_value_lists_are_documented(name: str, values: list[str]):
    g = ontology()
    for lang in ("sv", "en"):
        comment = str(literals(g, DG[name], RDFS.comment, lang)[0])
        missing = [v for v in values if f'"{v}"' not in comment]
        assert not missing, f"dg:{name} rdfs:comment@{lang} does not name the values {missing}"


# --------------------------------------------------------------------------------------------
# Concept schemes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_metadata(scheme: str):
    g = everything()
    s = scheme_iri(scheme)
    problems = []
    for lang in ("sv", "en"):
        if len(literals(g, s, SKOS.prefLabel, lang)) != 1:
            problems.append(f"one skos:prefLabel@{lang}")
        if not literals(g, s, DCTERMS.title, lang):
            problems.append(f"a dcterms:title@{lang}")
    if not list(g.objects(s, SKOS.hasTopConcept)):
        problems.append("skos:hasTopConcept")
    assert not problems, f"{short(s)} lacks " + ", ".join(problems)


@pytest.mark.parametrize(
    "scheme, notation", [(s, n) for s, ns in REQUIRED_NOTATIONS.items() for n in ns]
)
def test_required_concept_exists(scheme: str, notation: str):
    g = everything()
    c = concept_iri(scheme, notation)
    problems = []
    if (c, RDF.type, SKOS.Concept) not in g:
        problems.append("is not a skos:Concept")
    if (c, SKOS.inScheme, scheme_iri(scheme)) not in g:
        problems.append(f"is not skos:inScheme {short(scheme_iri(scheme))}")
    notations = list(g.objects(c, SKOS.notation))
    if notations != [Literal(notation)]:
        problems.append(f"has skos:notation {notations}, want exactly the plain string {notation!r}")
    for lang in ("sv", "en"):
        n = len(literals(g, c, SKOS.prefLabel, lang))
        if n != 1:
            problems.append(f"has {n} skos:prefLabel@{lang}, want 1")
    assert not problems, f"{short(c)} " + "; ".join(problems)


def _all_concepts() -> list[tuple[str, URIRef]]:
    return [(s, c) for s in SCHEMES for c in concepts_of(s)]


def test_schemes_are_not_empty():
    for scheme in SCHEMES:
        assert len(concepts_of(scheme)) >= len(REQUIRED_NOTATIONS[scheme]), scheme


def test_every_concept_is_well_formed():
    g = everything()
    problems = []
    for scheme, c in _all_concepts():
        name = short(c)
        if (c, RDF.type, SKOS.Concept) not in g:
            problems.append(f"{name}: not a skos:Concept")
        notations = [str(n) for n in g.objects(c, SKOS.notation)]
        if len(notations) != 1:
            problems.append(f"{name}: {len(notations)} notations")
            continue
        notation = notations[0]
        if c != concept_iri(scheme, notation):
            problems.append(f"{name}: IRI does not end in {scheme}/{notation}")
        if slugify(notation) != notation:
            problems.append(f"{name}: notation {notation!r} is not a slug")
        if any(n.datatype or n.language for n in g.objects(c, SKOS.notation)):
            problems.append(f"{name}: notation must be a plain string")
        for lang in ("sv", "en"):
            if len(literals(g, c, SKOS.prefLabel, lang)) != 1:
                problems.append(f"{name}: needs exactly one skos:prefLabel@{lang}")
            if not literals(g, c, SKOS.definition, lang):
                problems.append(f"{name}: no skos:definition@{lang}")
        top = (c, SKOS.topConceptOf, scheme_iri(scheme)) in g
        listed = (scheme_iri(scheme), SKOS.hasTopConcept, c) in g
        broader = list(g.objects(c, SKOS.broader))
        if top != listed:
            problems.append(f"{name}: skos:topConceptOf and the scheme's skos:hasTopConcept disagree")
        if not top and not broader:
            problems.append(f"{name}: neither skos:topConceptOf nor skos:broader")
        for b in broader:
            if (b, SKOS.inScheme, scheme_iri(scheme)) not in g:
                problems.append(f"{name}: skos:broader {short(b)} is not a concept of {scheme}")
        for p in (SKOS.altLabel, SKOS.hiddenLabel):
            for lab in literals(g, c, p):
                if lab.language != "sv":
                    problems.append(f"{name}: {short(p)} {lab!r} must be @sv")
    assert not problems, "\n".join(problems)


def test_labels_are_clean():
    g = everything()
    problems = []
    for _, c in _all_concepts():
        for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, DG.nameKeyword):
            for lab in literals(g, c, p):
                text = str(lab)
                if not text or text != text.strip() or "  " in text:
                    problems.append(f"{short(c)}: {p.n3(g.namespace_manager)} {text!r} has stray whitespace")
                if unicodedata.normalize("NFC", text) != text:
                    problems.append(f"{short(c)}: {text!r} is not NFC")
    assert not problems, "\n".join(problems)


def test_pref_alt_hidden_labels_are_disjoint_per_concept():
    # SKOS integrity condition S13: one literal is not both prefLabel and alt/hiddenLabel, etc.
    g = everything()
    problems = []
    for _, c in _all_concepts():
        pref, alt, hidden = (set(g.objects(c, p)) for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel))
        for a, b, label in ((pref, alt, "pref/alt"), (pref, hidden, "pref/hidden"), (alt, hidden, "alt/hidden")):
            for lit in a & b:
                problems.append(f"{short(c)}: {str(lit)!r} is both {label}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_form_is_claimed_by_two_concepts_of_a_scheme(scheme: str):
    g = everything()
    owners: dict[str, set[str]] = defaultdict(set)
    for c in concepts_of(scheme):
        for form in sv_forms(g, c):
            owners[norm(form)].add(short(c))
    shared = {f: sorted(cs) for f, cs in owners.items() if len(cs) > 1}
    assert not shared, f"forms shared by several concepts of {scheme}: {shared}"


def test_name_keywords_are_on_actor_types_only_and_unique():
    g = everything()
    actor_types = set(concepts_of("actor-type"))
    owners: dict[str, set[str]] = defaultdict(set)
    problems = []
    for s, o in g.subject_objects(DG.nameKeyword):
        if s not in actor_types:
            problems.append(f"dg:nameKeyword on {short(s)}, which is not an actor-type concept")
        if not isinstance(o, Literal) or o.language != "sv":
            problems.append(f"{short(s)}: dg:nameKeyword {o!r} must be @sv")
        owners[norm(str(o))].add(short(s))
    problems += [f"name keyword {k!r} on {sorted(v)}" for k, v in owners.items() if len(v) > 1]
    assert not problems, "\n".join(problems)


def test_event_scopes():
    g = everything()
    problems = []
    for c in concepts_of("event-type"):
        scopes = [str(o) for o in g.objects(c, DG.eventScope)]
        if len(scopes) != 1 or scopes[0] not in EVENT_SCOPES:
            problems.append(f"{short(c)}: dg:eventScope {scopes}, want one of {sorted(EVENT_SCOPES)}")
    for s, o in g.subject_objects(DG.eventScope):
        if (s, SKOS.inScheme, scheme_iri("event-type")) not in g:
            problems.append(f"dg:eventScope on {short(s)}, which is not an event type")
    for notation, scope in EXPECTED_EVENT_SCOPES.items():
        got = str(g.value(concept_iri("event-type", notation), DG.eventScope))
        if got != scope:
            problems.append(f"dgc:event-type/{notation}: dg:eventScope {got!r}, want {scope!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_broader_has_no_cycles(scheme: str):
    g = everything()
    parents = {c: set(g.objects(c, SKOS.broader)) for c in concepts_of(scheme)}

    def path_to_self(start):
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for p in parents.get(node, ()):
                if p == start:
                    return path + [p]
                if p not in seen:
                    seen.add(p)
                    stack.append((p, path + [p]))
        return None

    cycles = [" → ".join(map(short, cyc)) for c in parents if (cyc := path_to_self(c))]
    assert not cycles, f"skos:broader cycles in {scheme}: {cycles}"


def test_related_is_not_used_along_a_hierarchy():
    # SKOS integrity condition S27: skos:related is disjoint with skos:broaderTransitive
    g = everything()
    problems = []
    for a, b in g.subject_objects(SKOS.related):
        if b in set(g.transitive_objects(a, SKOS.broader)) or a in set(g.transitive_objects(b, SKOS.broader)):
            problems.append(f"{short(a)} skos:related {short(b)}, but one is broader than the other")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "narrower, broader",
    [
        ("barnets-rattigheter", "manskliga-rattigheter"),
        ("rasism", "diskriminering"),
        ("rasism", "manskliga-rattigheter"),
        ("medborgardialog", "delaktighet"),
        ("valdeltagande", "delaktighet"),
        ("valdeltagande", "demokrati"),
        ("demokratiutbildning", "demokrati"),
        ("jamstalldhet", "jamlikhet"),
    ],
)
def test_theme_hierarchy(narrower: str, broader: str):
    g = everything()
    start, goal = concept_iri("theme", narrower), concept_iri("theme", broader)
    reachable = set(g.transitive_objects(start, SKOS.broader))
    assert goal in reachable, f"theme {narrower} should reach {broader} via skos:broader*"


def test_studieforbund_is_a_kind_of_civil_society():
    g = everything()
    assert (concept_iri("actor-type", "studieforbund"), SKOS.broader, concept_iri("actor-type", "civilsamhalle")) in g


# --------------------------------------------------------------------------------------------
# The forms: what the texts say must be found, what would misfire must be absent
# --------------------------------------------------------------------------------------------

REQUIRED_FORMS = {
    ("actor-type", "kommun"): ["kommunen", "kommun"],
    ("actor-type", "region"): ["regionen", "region"],
    ("actor-type", "lansstyrelse"): ["länsstyrelsen", "länsstyrelse"],
    ("actor-type", "civilsamhalle"): [
        "idéburen sektor", "civilsamhället", "civilsamhällets organisationer", "föreningar",
        "föreningslivet", "ideella organisationer",
    ],
    ("actor-type", "foretag"): ["näringslivet", "företag"],
    ("actor-type", "myndighet"): ["myndigheter"],
    ("actor-type", "universitet"): ["akademin", "universitet och högskolor"],
    ("actor-type", "studieforbund"): ["studieförbund"],
    ("commitment-type", "intern"): ["interna åtagande", "interna åtaganden", "internt", "intern", "interna"],
    ("commitment-type", "extern"): ["externa åtagande", "externa åtaganden", "externt", "extern", "externa"],
    ("commitment-type", "kommunikativ"): [
        "kommunikativa åtagande", "kommunikativa åtaganden", "kommunikativt", "kommunikativ", "kommunikativa",
    ],
    ("declaration-goal", "kunskap"): ["kunskap och medvetenhet om det demokratiska systemet"],
    ("declaration-goal", "delaktighet"): [
        "deltar aktivt", "delta aktivt", "står upp för demokratin", "stå upp för demokratin",
    ],
    ("declaration-goal", "samtalsklimat"): [
        "samtalsklimat som kännetecknas", "ett gott samtalsklimat", "bidra till ett samtalsklimat",
    ],
    ("target-group", "barn"): ["barn", "barnen", "barns"],
    ("target-group", "unga"): ["unga", "ungas", "ungdomar", "ungdom", "unga vuxna", "ungdomarna"],
    ("target-group", "utrikesfodda"): ["utrikes födda", "utrikesfödda", "nyanlända"],
    ("target-group", "personer-med-funktionsnedsattning"): [
        "personer med funktionsnedsättning", "funktionsnedsättning", "funktionshinder",
    ],
    ("target-group", "aldre"): ["äldre", "seniorer"],
    ("target-group", "medarbetare"): ["medarbetare", "anställda", "tjänstepersoner", "tjänstemän", "personal"],
    ("target-group", "fortroendevalda"): ["förtroendevalda", "politiker"],
    ("target-group", "invanare"): [
        "invånare", "invånarna", "invånarnas", "medborgare", "medborgarna", "kommuninvånare", "allmänheten",
    ],
    ("event-type", "demokrativecka"): ["Demokrativeckan", "demokrativecka"],
    ("event-type", "demokratistugan"): ["Demokratistugan", "demokratistuga"],
    ("event-type", "folkomrostning"): ["folkomröstning", "folkomröstningen"],
    ("event-type", "allmanna-val"): ["allmänna valen", "allmänna val"],
    ("event-type", "krisberedskapsveckan"): ["Krisberedskapsveckan"],
    ("event-type", "utstallning"): ["utställning", "utställningen", "demokratiutställning"],
    ("event-type", "seminarium"): ["seminarier", "seminarium", "seminarieserie"],
    ("event-type", "jubileum"): ["100-årsjubileum", "jubileumsåret"],
    ("event-type", "dialogmote"): ["dialogmöte", "dialogmöten"],
    ("event-type", "demokratidag"): ["demokratidag", "demokratidagen"],
    ("theme", "barnets-rattigheter"): [
        "barnkonventionen", "barns rättigheter", "barnets rättigheter", "barnrätt",
        "barnrättsperspektivet", "barnperspektivet",
    ],
    ("theme", "jamstalldhet"): ["jämställdhet", "jämställda", "jämställd"],
    ("theme", "inkludering"): ["inkludering", "inkluderande"],
    ("theme", "kallkritik"): ["källkritik", "källkritisk"],
    ("theme", "hot-och-hat"): ["hot och hat", "hat och hot"],
}


@pytest.mark.parametrize("key", sorted(REQUIRED_FORMS), ids=lambda k: f"{k[0]}/{k[1]}")
def test_required_forms_are_labels(key):
    scheme, notation = key
    g = everything()
    have = {norm(f) for f in sv_forms(g, concept_iri(scheme, notation))}
    missing = [f for f in REQUIRED_FORMS[key] if norm(f) not in have]
    assert not missing, f"dgc:{scheme}/{notation} lacks the forms {missing}"


def test_body_nouns_are_hidden_labels():
    # The extractor resolves these bare nouns to the body of the document's own county/kommun,
    # and reads them from skos:hiddenLabel (the capitalised bare singular avoids repeating the
    # prefLabel literal, which SKOS forbids).
    g = everything()
    for notation, forms in {
        "kommun": ["kommunen", "kommun"],
        "region": ["regionen", "region"],
        "lansstyrelse": ["länsstyrelsen", "Länsstyrelsen", "länsstyrelse"],
    }.items():
        hidden = {norm(f) for f in sv_forms(g, concept_iri("actor-type", notation), (SKOS.hiddenLabel,))}
        missing = [f for f in forms if norm(f) not in hidden]
        assert not missing, f"dgc:actor-type/{notation} hiddenLabel lacks {missing}"
    exact = {str(f) for f in literals(g, concept_iri("actor-type", "lansstyrelse"), SKOS.hiddenLabel)}
    assert {"länsstyrelsen", "Länsstyrelsen"} <= exact


REQUIRED_NAME_KEYWORDS = {
    "civilsamhalle": ["förbund", "förbundet", "förening", "föreningen", "riksförbund", "kyrkan", "delegation", "think tank"],
    "universitet": ["universitet", "högskola", "högskolan"],
    "myndighet": ["myndigheten", "verket", "inspektionen", "kommittén"],
    "foretag": ["AB", "aktiebolag"],
    "studieforbund": ["studieförbund", "studieförbundet"],
}


@pytest.mark.parametrize("notation", sorted(REQUIRED_NAME_KEYWORDS))
def test_required_name_keywords(notation: str):
    g = everything()
    have = {norm(str(o)) for o in g.objects(concept_iri("actor-type", notation), DG.nameKeyword)}
    missing = [k for k in REQUIRED_NAME_KEYWORDS[notation] if norm(k) not in have]
    assert not missing, f"dgc:actor-type/{notation} lacks dg:nameKeyword {missing}"


# (scheme, a real wording from the seeds or the dev corpus, the concepts it must yield)
FOUND_IN_TEXT = [
    ("actor-type", "tillsammans med flertalet föreningar från idéburen sektor", {"civilsamhalle"}),
    ("actor-type", "i samarbete med daglig verksamhet, kommunen och ett studieförbund", {"kommun", "studieforbund"}),
    ("actor-type", "samverka med region västmanland, länets kommuner, myndigheter, företag och civilsamhälle", {"region", "kommun", "myndighet", "foretag", "civilsamhalle"}),
    ("actor-type", "ett nätverk som Länsstyrelsen leder", {"lansstyrelse"}),
    ("actor-type", "tillsammans med idéburen sektor och offentliga aktörer", {"civilsamhalle", "offentlig-sektor"}),
    ("actor-type", "tillsammans med andra aktörer inom förenings- och kulturlivet", {"civilsamhalle"}),
    ("actor-type", "Fotoprojekt i samverkan med skolor.", {"skola"}),
    ("commitment-type", "Organisationens interna åtagande", {"intern"}),
    ("commitment-type", "Interna åtaganden:", {"intern"}),
    ("commitment-type", "Halmstads kommuns externa åtagande", {"extern"}),
    ("commitment-type", "Kommunikativa åtagande", {"kommunikativ"}),
    ("commitment-type", "Halmstads kommuns kommunikativa åtagande", {"kommunikativ"}),
    ("declaration-goal", "verka för att fler får en god kunskap och medvetenhet om det demokratiska systemet", {"kunskap"}),
    ("declaration-goal", "arbeta för att fler deltar aktivt och står upp för demokratin", {"delaktighet"}),
    ("declaration-goal", "bidra till ett samtalsklimat som kännetecknas av öppenhet och respekt", {"samtalsklimat"}),
    ("declaration-goal", "bidra till ett gott samtalsklimat och en god människosyn i samhället.", {"samtalsklimat"}),
    ("declaration-goal", "sträva efter att alla i Värmland kommer till tals, oavsett vem man är och var man lever", {"delaktighet"}),
    ("declaration-goal", "arbeta för att fler vill delta aktivt och stå upp för demokratin, med särskilt fokus på unga och utrikesfödda samt", {"delaktighet"}),
    ("declaration-goal", "Bidra till ett samtalsklimat och en tillitsfull kultur som kännetecknas av öppenhet, medmänsklighet och respekt för andra människor.", {"samtalsklimat"}),
    ("target-group", "med särskilt fokus på unga och utrikesfödda", {"unga", "utrikesfodda"}),
    ("target-group", "målgruppen är personer med funktionsnedsättning", {"personer-med-funktionsnedsattning"}),
    ("target-group", "både för tjänstepersoner och förtroendevalda", {"medarbetare", "fortroendevalda"}),
    ("target-group", "2021 åtar sig Halmstads kommun att stärka barn och ungas delaktighet.", {"barn", "unga"}),
    ("target-group", "fånga upp elevernas röster inför framtida beslut", {"elever"}),
    ("target-group", "öka medborgarnas kunskap och förståelse", {"invanare"}),
    ("target-group", "Vimmerby kommun kommer att ha aktiviteter riktade mot allmänheten.", {"invanare"}),
    ("target-group", "ett internt demokratisamtal med och för våra anställda", {"medarbetare"}),
    ("target-group", "skydda de nationella minoriteterna och minoritetsspråken", {"nationella-minoriteter"}),
    ("target-group", "dialog med skolan och unga vuxna för att bland annat starta upp ungdomsfullmäktige", {"unga"}),
    ("event-type", "genomföra en gemensam Demokrativecka under hösten 2021, ett år före de allmänna valen 2022", {"demokrativecka", "allmanna-val"}),
    ("event-type", "tar tillsammans med Länsstyrelsen i Halland emot demokratistugan i oktober", {"demokratistugan"}),
    ("event-type", "I januari 2022 hålls den första kommunala folkomröstningen", {"folkomrostning"}),
    ("event-type", "Under krisberedskapsveckan¹ kommer det nationella temat", {"krisberedskapsveckan"}),
    ("event-type", "anordna en demokratidag där politiker och representanter", {"demokratidag"}),
    ("event-type", "Erbjuder högstadiet och gymnasiet en digital demokratiutställning", {"utstallning"}),
    ("event-type", "Vimmerby bibliotek kommer att visa utställningen Demokrati 100 år", {"utstallning"}),
    ("event-type", "Svenska kyrkan Malmö anordnade en seminarieserie", {"seminarium"}),
    ("event-type", "via föreläsningar och seminarier", {"seminarium"}),
    ("event-type", "uppmärksamma demokratins 100-årsjubileum på vår webb", {"jubileum"}),
    ("event-type", "lyfta den svenska demokratins 100-års jubileum", {"jubileum"}),
    ("event-type", "bygga en hemsida kring demokratins 100års-jubileum", {"jubileum"}),
    ("event-type", "ökad kännedom om demokratins 100-årsjubiléum", {"jubileum"}),
    ("event-type", "som avslutning på jubileumsåret för demokratin", {"jubileum"}),
    ("event-type", "Det kommer anordnas dialogdagar", {"dialogmote"}),
    ("event-type", "Inför Kyrkovalet 2021 gjordes insatser", {"kyrkoval"}),
    ("theme", "Som modellregion för FN:s konvention om barnets rättigheter läggs särskilt fokus på barnets rättigheter och barnrättsperspektivet.", {"barnets-rattigheter"}),
    ("theme", "Med anledning av att barnkonventionen blev lag", {"barnets-rattigheter"}),
    ("theme", "utbildningsinsatser kring jämställdhet, barnrättighetsfrågor, Agenda 2030", {"jamstalldhet", "barnets-rattigheter", "agenda-2030"}),
    ("theme", "Fortsätta kommunens jämställdhetsarbete både internt och externt", {"jamstalldhet"}),
    ("theme", "i frågor som rör demokrati och mänskliga rättigheter", {"demokrati", "manskliga-rattigheter"}),
    ("theme", "I all vår verksamhet och i alla våra uppdrag anta ett rättighetsperspektiv.", {"manskliga-rattigheter"}),
    ("theme", "höja kunskapen inom inkluderingsfrågor", {"inkludering"}),
    ("theme", "minska och motverka segregation", {"segregation"}),
    ("theme", "stärka tilliten och förtroendet för demokratin", {"tillit", "demokrati"}),
    ("theme", "säkra ett jämlikt valdeltagande till folkomröstningen", {"jamlikhet", "valdeltagande"}),
    ("theme", "en modell för systematisk medborgardialog", {"medborgardialog"}),
    ("theme", "Förbättra arbete med tillgänglighet utifrån den rapport", {"tillganglighet"}),
    ("theme", "till exempel digitalt utanförskap, rasism på arbetsmarknaden och desinformation", {"inkludering", "rasism", "kallkritik"}),
    ("theme", "förekomsten av hat och hot i offentliga samtal ökar", {"hot-och-hat"}),
    ("theme", "skolledare utsätts för hot, våld och kränkningar", {"hot-och-hat"}),
    ("theme", "aktivt stå upp för den akademiska friheten", {"yttrandefrihet"}),
    ("theme", "arbeta för stärkta minoritetsrättigheter och belysa utmaningar för minoriteter", {"nationella-minoriteter"}),
    ("theme", "Organisationen främjar folkbildning och värnar föreningsdemokratin", {"folkbildning", "civilsamhallets-roll"}),
    ("theme", "ett samtal om bibliotekens betydelse för demokratin", {"bibliotek", "demokrati"}),
    ("theme", "Flera kommuner åtar sig att arbeta med förbättrade medborgardialoger", {"medborgardialog"}),
    ("theme", "riktade insatser för ett ökat valdeltagandet år 2022", {"valdeltagande"}),
    ("theme", "för att stärka ung delaktighet och ungas rättigheter", {"delaktighet", "barnets-rattigheter"}),
    ("theme", "Riktlinje för idéburet offentligt partnerskap", {"civilsamhallets-roll"}),
    ("theme", "driva påverkansarbete mot fake news och för ett tillåtande samtalsklimat", {"kallkritik", "samtalsklimat"}),
]


@pytest.mark.parametrize("scheme, text, expected", FOUND_IN_TEXT, ids=lambda v: v[:40] if isinstance(v, str) else None)
def test_forms_find_the_real_wordings(scheme: str, text: str, expected: set[str]):
    found = matching_concepts(scheme, text)
    assert expected <= found, f"in {text!r} the {scheme} forms find {sorted(found)}, want at least {sorted(expected)}"


# (scheme, a real wording, concepts that must NOT be found in it)
NOT_FOUND_IN_TEXT = [
    ("theme", "Syntolkning: Högst upp syns Arnold Bengtsson, kommunfullmäktiges ordförande", {"tillganglighet"}),
    ("theme", "för att förbättra säkerheten för förtroendevalda", {"tillit"}),
    ("theme", "när demokratiutveckling och grundläggande fri- och rättigheter hotas", {"hot-och-hat", "manskliga-rattigheter"}),
    ("theme", "Satsningen inkluderar samarbete med flera myndighets- och civilsamhällesaktörer", {"inkludering"}),
    ("event-type", "Att demokratistugan kommer stå på den platsen som är vald", {"allmanna-val"}),
    ("event-type", "oavsett vem man väljer, valet är ditt", {"allmanna-val"}),
    ("target-group", "Med anledning av att barnkonventionen blev lag", {"barn"}),
    ("target-group", "ungefär hälften av deltagarna", {"unga"}),
    ("target-group", "det offentliga och demokratin", {"invanare"}),
    ("actor-type", "Länets 16 kommuner och andra aktörer i länet", {"annat"}),
]


@pytest.mark.parametrize("scheme, text, unwanted", NOT_FOUND_IN_TEXT, ids=lambda v: v[:40] if isinstance(v, str) else None)
def test_forms_do_not_misfire(scheme: str, text: str, unwanted: set[str]):
    found = matching_concepts(scheme, text)
    assert not (unwanted & found), f"in {text!r} the {scheme} forms wrongly find {sorted(unwanted & found)}"


# Real commitments (seed 000, Kils kommun) that do not restate a goal: no goal phrase may fire.
REAL_COMMITMENTS = [
    "Inleda en fördjupad samverkan med länets kommuner, Länsstyrelsen Värmland, Region Värmland och andra aktörer i länet i frågor som rör demokrati och mänskliga rättigheter. Vi vill att fler ska bli lyssnade till, och känna delaktighet i det demokratiska systemet.",
    "Vara drivande i arbetet för att skapa ett offentligt samtal, i nära dialog och genom kunskapsutbyte mellan olika aktörer och enskilda.",
    "I samverkan med länets kommuner, Länsstyrelsen Värmland, Region Värmland och andra aktörer i länet genomföra en gemensam Demokrativecka under hösten 2021, ett år före de allmänna valen 2022.",
    "Att på olika sätt kommunicera vikten av demokratin och att demokratin i Sverige fyller 100 år.",
    "2021 åtar sig Halmstads kommun att tillsammans med idéburen sektor och offentliga aktörer att stärka engagemanget för vår demokrati.",
    "öka möjligheten för barn att komma till tals",
    "stå upp för och stärka demokratin",
]


@pytest.mark.parametrize("text", REAL_COMMITMENTS, ids=lambda t: t[:40])
def test_goal_phrases_stay_off_real_commitments(text: str):
    assert matching_concepts("declaration-goal", text) == set(), (
        f"a declaration-goal form fires on a real commitment: {text!r} → {matching_concepts('declaration-goal', text)}"
    )


BANNED_FORMS = {
    "event-type": ["val", "valet"],
    "theme": ["hot", "förtroende", "syntolkning", "människors lika värde", "grundläggande fri- och rättigheter"],
    "actor-type": ["andra aktörer", "aktörer", "organisationer"],
    "target-group": ["kvinnor och män"],
}


@pytest.mark.parametrize("scheme", sorted(BANNED_FORMS))
def test_forms_known_to_misfire_are_absent(scheme: str):
    g = everything()
    problems = []
    for c in concepts_of(scheme):
        have = {norm(f) for f in sv_forms(g, c)}
        problems += [f"{short(c)} has {f!r}" for f in BANNED_FORMS[scheme] if norm(f) in have]
    assert not problems, "forms that would fire on unrelated text: " + "; ".join(problems)


# --------------------------------------------------------------------------------------------
# Outward mappings
# --------------------------------------------------------------------------------------------

MAPPING_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
SDG_IRI = re.compile(r"^http://metadata\.un\.org/sdg(/[1-9][0-9]?(\.([1-9][0-9]?|[a-z]))?)?$")
WIKIDATA_IRI = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")


def test_outward_mappings_are_well_formed_and_verified():
    g = everything()
    problems = []
    for p in MAPPING_PROPERTIES:
        for s, o in g.subject_objects(p):
            target = str(o)
            if target.startswith("http://metadata.un.org/"):
                if not SDG_IRI.match(target):
                    problems.append(f"{short(s)} {p.n3(g.namespace_manager)} {target}: not an SDG goal/target IRI")
                if p == SKOS.exactMatch:
                    problems.append(f"{short(s)}: a theme is not an SDG goal; use closeMatch/broadMatch, not exactMatch")
            elif target.startswith("http://www.wikidata.org/"):
                m = WIKIDATA_IRI.match(target)
                if not m:
                    problems.append(f"{short(s)}: {target} is not a Wikidata entity IRI")
                elif m.group(1) not in VERIFIED_WIKIDATA:
                    problems.append(f"{short(s)}: Wikidata {m.group(1)} is not among the verified items")
            else:
                problems.append(f"{short(s)}: mapping to unexpected target {target}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "notation, target",
    [
        ("demokrati", "http://www.wikidata.org/entity/Q7174"),
        ("manskliga-rattigheter", "http://www.wikidata.org/entity/Q8458"),
        ("jamstalldhet", "http://metadata.un.org/sdg/5"),
        ("inkludering", "http://metadata.un.org/sdg/10.2"),
        ("diskriminering", "http://metadata.un.org/sdg/10.3"),
        ("rattsstatens-principer", "http://metadata.un.org/sdg/16.3"),
        ("delaktighet", "http://metadata.un.org/sdg/16.7"),
        ("agenda-2030", "http://metadata.un.org/sdg"),
    ],
)
def test_key_mappings(notation: str, target: str):
    g = everything()
    c = concept_iri("theme", notation)
    assert any((c, p, URIRef(target)) in g for p in MAPPING_PROPERTIES), f"theme {notation} is not mapped to {target}"
