"""The dataset's description as RDF: VoID (what is in it) and DCAT following the Swedish
application profile DCAT-AP-SE (how to get it, under what terms). Pure: statistics and the
dumps in, an rdflib graph out; the web layer reads the statistics from the store.

IRIs: the dataset is ``{base}dataset`` and its parts are fragments of it (``#catalog``,
``#publisher``, ``#sparql``, ``#dump-ttl`` …), so they resolve to this description; download
and endpoint URLs are the serving site's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from .dumps import Dump
from .prefixes import PREFIXES

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
GOVE = URIRef(EU + "data-theme/GOVE")
LANGUAGES = (URIRef(EU + "language/SWE"), URIRef(EU + "language/ENG"))
SWEDEN = URIRef(EU + "country/SWE")
PUBLIC = URIRef(EU + "access-right/PUBLIC")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
# The declaration was open for signing from 2020; the data's own dates (events, the 2022
# election) say how far it reaches.
DECLARATION_OPENED = "2020-01-01"
# Other datasets we link to: their VoID description (IRI, title, URI space, homepage).
TARGETS = {"wikidata": ("http://www.wikidata.org/", "Wikidata", "http://www.wikidata.org/entity/",
                        "https://www.wikidata.org/")}

TITLE = {"sv": "demograph: åtaganden för en stark demokrati",
         "en": "demograph: commitments for a strong democracy"}
DESCRIPTION = {
    "sv": "En länkad öppen kunskapsgraf över de åtaganden som svenska kommuner, regioner, "
          "länsstyrelser, myndigheter, lärosäten och organisationer gjorde när de undertecknade "
          "Deklaration för en stark demokrati 2020–2021: aktörer, åtaganden, partner, teman, "
          "målgrupper och händelser, varje uppgift spårbar till stället i källtexten.",
    "en": "A linked-open-data knowledge graph of the commitments Swedish municipalities, "
          "regions, county administrative boards, agencies, universities and organisations "
          "made when they signed the Declaration for a strong democracy in 2020–2021: actors, "
          "commitments, partners, themes, target groups and events, each fact traceable to "
          "its passage in the source text."}
KEYWORDS = {"sv": ("demokrati", "deklaration för en stark demokrati", "kommuner", "åtaganden",
                   "länkade data"),
            "en": ("democracy", "declaration for a strong democracy", "municipalities",
                   "commitments", "linked data")}
# The default publisher's name in both languages; a configured name is a proper name,
# stated once, without a language.
DEFAULT_PUBLISHER = "demograph-projektet"
PUBLISHER = {"sv": DEFAULT_PUBLISHER, "en": "the demograph project"}


@dataclass(frozen=True)
class Publisher:
    """Who publishes the dataset and whom to ask about it (settings DEMOGRAPH_PUBLISHER_*
    and DEMOGRAPH_CONTACT_EMAIL)."""

    name: str = DEFAULT_PUBLISHER
    url: str = ""  # the publisher's home page
    type: str = ""  # an ADMS publisher type, e.g. NationalAuthority
    email: str = ""  # the contact point's address

    def names(self) -> dict[str, str]:
        """Name by language ("" for a name given without one)."""
        return dict(PUBLISHER) if self.name == DEFAULT_PUBLISHER else {"": self.name}

    def name_in(self, lang: str) -> str:
        return self.names().get(lang, self.name)


@dataclass
class Stats:
    """What the store says about itself (one snapshot)."""

    triples: int
    subjects: int
    objects: int
    entities: int
    classes: list[tuple[URIRef, int]]  # class, distinct instances
    properties: list[tuple[URIRef, int]]  # property, triples
    links: dict[str, list[tuple[URIRef, int]]]  # target dataset → (link property, triples)
    first: str | None  # the earliest and latest date the data mentions
    last: str | None
    modified: str  # when the snapshot was built (ISO 8601)


@dataclass
class Description:
    stats: Stats
    base: str  # the IRI base of the data
    site: str  # where it is served, e.g. https://demograph.example (no trailing slash)
    dumps: list[Dump] = field(default_factory=list)  # not ready yet: no size, no checksum
    publisher: Publisher = field(default_factory=Publisher)

    @property
    def iri(self) -> URIRef:
        return URIRef(self.base + "dataset")

    def part(self, name: str) -> URIRef:
        return URIRef(f"{self.base}dataset#{name}")

    @property
    def sparql(self) -> str:
        return self.site + "/sparql"

    def download(self, dump: Dump) -> str:
        return f"{self.site}/dumps/{dump.format.filename}"

    @property
    def start(self) -> str:
        return min(DECLARATION_OPENED, self.stats.first or DECLARATION_OPENED)

    @property
    def end(self) -> str | None:
        return self.stats.last

    def vocabularies(self) -> list[str]:
        """The namespaces of the classes and properties used."""
        found: set[str] = set()
        for term, _ in [*self.stats.classes, *self.stats.properties]:
            found.add(namespace_of(str(term)))
        return sorted(found)


def namespace_of(iri: str) -> str:
    """The namespace of a term: a known prefix's, else the IRI up to its last # or /."""
    known = [ns for ns in PREFIXES.values() if iri.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def describe(d: Description) -> Graph:
    g = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dcterms", DCTERMS), ("void", VOID),
                              ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX), ("xsd", XSD)):
        g.bind(prefix, namespace)
    ds, s = d.iri, d.stats
    modified = Literal(s.modified, datatype=XSD.dateTime)

    catalog = d.part("catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCAT.dataset, ds))
    g.add((catalog, DCAT.service, d.part("sparql")))
    g.add((catalog, FOAF.homepage, URIRef(d.site + "/")))
    g.add((catalog, DCTERMS.publisher, d.part("publisher")))
    g.add((catalog, DCTERMS.license, CC0))
    g.add((catalog, DCTERMS.modified, modified))

    for node in (ds, catalog):
        for lang in ("sv", "en"):
            g.add((node, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
            g.add((node, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))

    who = d.publisher
    publisher = d.part("publisher")
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, RDF.type, FOAF.Agent))
    for lang, name in who.names().items():
        g.add((publisher, FOAF.name, Literal(name, lang=lang or None)))
    if who.url:
        g.add((publisher, FOAF.homepage, URIRef(who.url)))
    if who.type:
        g.add((publisher, DCTERMS.type, URIRef(ADMS_PUBLISHER_TYPE + who.type)))

    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCTERMS.license, CC0))
    g.add((ds, DCTERMS.accessRights, PUBLIC))
    for language in LANGUAGES:
        g.add((ds, DCTERMS.language, language))
    g.add((ds, DCTERMS.spatial, SWEDEN))
    g.add((ds, DCAT.theme, GOVE))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((ds, DCAT.keyword, Literal(word, lang=lang)))
    g.add((ds, DCTERMS.modified, modified))
    g.add((ds, DCAT.landingPage, URIRef(d.site + "/")))
    g.add((ds, FOAF.homepage, URIRef(d.site + "/")))
    contact = d.part("contact")
    g.add((ds, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    for lang, name in who.names().items():
        g.add((contact, VCARD.fn, Literal(name, lang=lang or None)))
    if who.email:
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + who.email)))
    g.add((contact, VCARD.hasURL, URIRef(who.url or d.site + "/")))
    period = d.part("period")
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(d.start, datatype=XSD.date)))
    if d.end:
        g.add((period, DCAT.endDate, Literal(d.end, datatype=XSD.date)))

    _service(g, d)
    for dump in d.dumps:
        _distribution(g, d, dump, modified)
    _void(g, d)
    return g


def _service(g: Graph, d: Description) -> None:
    service = d.part("sparql")
    g.add((service, RDF.type, DCAT.DataService))
    for lang, title in (("sv", "SPARQL-ändpunkt"), ("en", "SPARQL endpoint")):
        g.add((service, DCTERMS.title, Literal(title, lang=lang)))
    g.add((service, DCAT.endpointURL, URIRef(d.sparql)))
    g.add((service, DCAT.endpointDescription, URIRef(d.sparql)))
    g.add((service, DCAT.servesDataset, d.iri))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCTERMS.license, CC0))
    g.add((service, DCTERMS.publisher, d.part("publisher")))
    # the endpoint is also a way to get the data: a distribution accessed through the service
    access = d.part("dist-sparql")
    g.add((d.iri, DCAT.distribution, access))
    g.add((access, RDF.type, DCAT.Distribution))
    g.add((access, DCTERMS.title, Literal("SPARQL", lang="en")))
    g.add((access, DCAT.accessURL, URIRef(d.sparql)))
    g.add((access, DCAT.accessService, service))
    g.add((access, DCTERMS.license, CC0))
    g.add((d.iri, VOID.sparqlEndpoint, URIRef(d.sparql)))


def _distribution(g: Graph, d: Description, dump: Dump, modified: Literal) -> None:
    fmt = dump.format
    node = d.part(f"dump-{fmt.key}")
    g.add((d.iri, DCAT.distribution, node))
    g.add((d.iri, VOID.dataDump, URIRef(d.download(dump))))
    g.add((node, RDF.type, DCAT.Distribution))
    what = {"sv": "alla namngivna grafer" if fmt.graphs else "graferna sammanslagna",
            "en": "every named graph" if fmt.graphs else "the graphs merged"}
    for lang in ("sv", "en"):
        g.add((node, DCTERMS.title, Literal(f"{fmt.title}, gzip ({what[lang]})", lang=lang)))
    g.add((node, DCAT.downloadURL, URIRef(d.download(dump))))
    g.add((node, DCAT.accessURL, URIRef(d.site + "/dumps/")))
    g.add((node, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
    g.add((node, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((node, DCTERMS.format, URIRef(EU + "file-type/" + fmt.file_type)))
    # size and checksum only once the file exists: a snapshot without dumps gets them
    # made by the server in the background, and the description never waits for that
    if dump.size is not None:
        g.add((node, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    if dump.sha256 is not None:
        checksum = d.part(f"dump-{fmt.key}-sha256")
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    g.add((node, DCTERMS.license, CC0))
    g.add((node, DCTERMS.modified, modified))


def _void(g: Graph, d: Description) -> None:
    ds, s = d.iri, d.stats
    count = XSD.integer
    g.add((ds, VOID.triples, Literal(s.triples, datatype=count)))
    g.add((ds, VOID.entities, Literal(s.entities, datatype=count)))
    g.add((ds, VOID.distinctSubjects, Literal(s.subjects, datatype=count)))
    g.add((ds, VOID.distinctObjects, Literal(s.objects, datatype=count)))
    g.add((ds, VOID.classes, Literal(len(s.classes), datatype=count)))
    g.add((ds, VOID.properties, Literal(len(s.properties), datatype=count)))
    g.add((ds, VOID.uriSpace, Literal(d.base + "id/")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    for namespace in d.vocabularies():
        g.add((ds, VOID.vocabulary, URIRef(namespace)))
    for cls, entities in s.classes:
        part = BNode()
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(entities, datatype=count)))
    for prop, triples in s.properties:
        part = BNode()
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(triples, datatype=count)))
    for name, links in s.links.items():
        target_iri, title, space, homepage = TARGETS[name]
        target = URIRef(target_iri)
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title)))
        g.add((target, VOID.uriSpace, Literal(space)))
        g.add((target, FOAF.homepage, URIRef(homepage)))
        for prop, triples in links:
            linkset = d.part(f"links-{name}-{_local(prop)}")
            g.add((ds, VOID.subset, linkset))
            g.add((linkset, RDF.type, VOID.Linkset))
            g.add((linkset, VOID.subjectsTarget, ds))
            g.add((linkset, VOID.objectsTarget, target))
            g.add((linkset, VOID.linkPredicate, prop))
            g.add((linkset, VOID.triples, Literal(triples, datatype=count)))
            g.add((linkset, RDFS.label, Literal(f"{_local(prop)} → {title}", lang="en")))


def _local(iri: URIRef) -> str:
    """A short name for a term, unique across namespaces: ``schema-sameAs``, ``rdfs-seeAlso``."""
    text = str(iri)
    namespace = namespace_of(text)
    prefix = next((p for p, ns in PREFIXES.items() if ns == namespace), "")
    local = text[len(namespace):]
    return f"{prefix}-{local}" if prefix else local
