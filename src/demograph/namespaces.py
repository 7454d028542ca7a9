"""Vocabulary terms and IRI minting: the one place that knows how demograph names things.

``DG`` is a closed namespace (a misspelt term raises ``AttributeError``), so every term the
code emits is one the ontology in ``ontology/demograph.ttl`` declares; a test checks that.
Instance IRIs live under a configurable base (``{B}``, see MODEL.md) and are minted only by
:class:`Minter`, so the IRI patterns of the public contract are written down once.

>>> m = Minter("https://w3id.org/demograph/")
>>> str(m.kommun("1715"))
'https://w3id.org/demograph/id/org/kommun/1715'
>>> slugify("Håbo"), slugify("  Länsstyrelsen i Värmlands län! ")
('habo', 'lansstyrelsen-i-varmlands-lan')
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .prefixes import DEFAULT_BASE


DGC = Namespace("https://w3id.org/demograph/concept/")
ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SDG = Namespace("http://metadata.un.org/sdg/")


class DG(DefinedNamespace):
    """The demograph vocabulary (``https://w3id.org/demograph/def/``)."""

    _NS = Namespace("https://w3id.org/demograph/def/")
    _fail = True

    # classes
    Declaration: URIRef
    Signing: URIRef
    SourceDocument: URIRef
    Commitment: URIRef
    PolicyDocument: URIRef
    ExtractionRun: URIRef
    # properties fixed by MODEL.md
    signatory: URIRef
    declaration: URIRef
    signed: URIRef
    sha256: URIRef
    committedBy: URIRef
    commitmentType: URIRef
    ordinal: URIRef
    targetGroup: URIRef
    partner: URIRef
    partnerCategory: URIRef
    relatedEvent: URIRef
    contributesToGoal: URIRef
    dateText: URIRef
    datePrecision: URIRef
    # demograph's additions
    commitmentTypeBasis: URIRef  # "heading" (the document says so) or "inferred"
    dateInferred: URIRef  # true when the year was not in the date phrase itself
    forCommitment: URIRef  # an annotation of a partner/event/theme → the commitment it serves
    eventScope: URIRef  # on event-type concepts: "county", "municipality", "national", "actor"
    nameKeyword: URIRef  # on actor-type concepts: words in a name that reveal the type
    extractorVersion: URIRef
    queryTimeout: URIRef  # on the SPARQL service: seconds a query may run
    resultRowLimit: URIRef  # on the SPARQL service: most rows a result carries


def slugify(text: str) -> str:
    """MODEL.md's slug rule: NFKD, drop combining marks, lower case, non-[a-z0-9] runs → '-'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", stripped.lower()).strip("-")


def concept(scheme: str, notation: str) -> URIRef:
    """The IRI of a concept in one of the six schemes, e.g. ``concept("theme", "tillit")``."""
    return DGC[f"{scheme}/{notation}"]


class Minter:
    """Mints every instance IRI under one base, following MODEL.md's table."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith("/"):
            base += "/"
        self.base = base
        self.id = Namespace(base + "id/")
        self.graph_ns = Namespace(base + "graph/")

    # actors and places
    def kommun(self, code: str) -> URIRef:
        return self.id[f"org/kommun/{code}"]

    def region(self, lanskod: str) -> URIRef:
        return self.id[f"org/region/{lanskod}"]

    def lansstyrelse(self, lanskod: str) -> URIRef:
        return self.id[f"org/lansstyrelse/{lanskod}"]

    def actor(self, actor_type: str, slug: str) -> URIRef:
        return self.id[f"org/{actor_type}/{slug}"]

    def place_kommun(self, code: str) -> URIRef:
        return self.id[f"place/kommun/{code}"]

    def place_lan(self, lanskod: str) -> URIRef:
        return self.id[f"place/lan/{lanskod}"]

    def group_lan_kommuner(self, lanskod: str) -> URIRef:
        return self.id[f"group/lan-{lanskod}-kommuner"]

    # what the texts give
    def declaration(self) -> URIRef:
        return self.id["declaration/stark-demokrati"]

    def signing(self, actor_key: str) -> URIRef:
        return self.id[f"signing/{actor_key}"]

    def source(self, sha256_hex: str) -> URIRef:
        return self.id[f"source/{sha256_hex[:16]}"]

    def extraction(self, sha256_hex: str) -> URIRef:
        return self.id[f"extraction/{sha256_hex[:16]}"]

    def extractor_agent(self) -> URIRef:
        return self.id["agent/demograph-extractor"]

    def commitment(self, actor_key: str, ordinal: int) -> URIRef:
        return self.id[f"commitment/{actor_key}/{ordinal}"]

    def event(self, year: int, slug: str) -> URIRef:
        return self.id[f"event/{year}/{slug}"]

    def policy_document(self, actor_key: str, slug: str) -> URIRef:
        return self.id[f"document/{actor_key}/{slug}"]

    def annotation(self, source: URIRef, start: int, end: int, body: URIRef) -> URIRef:
        """One annotation per (passage, body): the body's last path segments keep it readable."""
        tail = slugify(str(body).rsplit("/", 2)[-2] + "-" + str(body).rsplit("/", 1)[-1])
        return URIRef(f"{source}/annotation/{start}-{end}-{tail}")

    # named graphs
    def graph(self, name: str) -> URIRef:
        return self.graph_ns[name]

    @staticmethod
    def actor_key(actor: URIRef) -> str:
        """``…/org/kommun/1715`` → ``kommun-1715``: the key signings and commitments share."""
        actor_type, local = str(actor).rsplit("/", 2)[-2:]
        return f"{actor_type}-{local}"
