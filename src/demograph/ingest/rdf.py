"""An :class:`Extraction` → RDF, per MODEL.md.

:func:`facts_graph` is what the text itself says (the source document's named graph);
:meth:`ContextIndex.closure` adds the descriptions of the reference actors, places, groups and
concepts those facts point to, so a graph can be read and validated on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD

from .. import __version__
from ..namespaces import CV, DG, OA, ORG, SCHEMA, Minter, concept
from ..prefixes import PREFIXES
from ..reference import ACTOR_CLASSES
from .records import Commitment, Event, Extraction, Passage

ROLE_PROPERTY = {
    "partner": DG.partner,
    "category": DG.partnerCategory,
    "theme": DCTERMS.subject,
    "target": DG.targetGroup,
    "event": DG.relatedEvent,
    "document": DCTERMS.references,
}
ROLE_MOTIVATION = {
    "partner": OA.identifying, "event": OA.identifying, "document": OA.identifying,
    "category": OA.classifying, "theme": OA.classifying, "target": OA.classifying,
}
SV_LANGUAGE = URIRef("http://id.loc.gov/vocabulary/iso639-1/sv")
# What a context closure follows from one described resource to the next.
_CONTEXT_LINKS = (DCTERMS.spatial, SCHEMA.containedInPlace, FOAF.member, ORG.classification,
                  ORG.subOrganizationOf, DCTERMS.creator, SKOS.inScheme, SKOS.broader)


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    return g


def _label(actor: URIRef, labels: dict[URIRef, str]) -> str:
    return labels.get(actor) or str(actor).rsplit("/", 1)[-1]


def facts_graph(x: Extraction, minter: Minter, actor_labels: dict[URIRef, str]) -> Graph:
    """The triples one text gives: source, run, signings, commitments, events, annotations."""
    g = bind_prefixes(Graph())
    labels = dict(actor_labels)
    labels.update({m.iri: m.label for m in x.minted})
    source = x.source_iri
    run = minter.extraction(x.source.sha256)
    agent = minter.extractor_agent()

    g.add((source, RDF.type, DG.SourceDocument))
    g.add((source, RDFS.label, Literal(x.title, lang="sv")))
    g.add((source, SCHEMA.text, Literal(x.source.text, lang="sv")))
    g.add((source, DG.sha256, Literal(x.source.sha256)))
    g.add((source, DCTERMS.source, Literal(x.source_name)))
    g.add((source, DCTERMS.language, SV_LANGUAGE))
    if x.url and x.url.startswith(("http://", "https://")):
        g.add((source, SCHEMA.url, URIRef(x.url)))
    if x.issued:
        g.add((source, DCTERMS.issued, Literal(x.issued.isoformat(), datatype=XSD.date)))
    g.add((source, PROV.wasGeneratedBy, run))
    g.add((run, RDF.type, DG.ExtractionRun))
    g.add((run, RDFS.label, Literal(f"Extrahering av {x.source_name}", lang="sv")))
    g.add((run, RDFS.label, Literal(f"Extraction of {x.source_name}", lang="en")))
    g.add((run, PROV.wasAssociatedWith, agent))
    g.add((agent, RDF.type, PROV.SoftwareAgent))
    g.add((agent, RDFS.label, Literal("demographs textläsare", lang="sv")))
    g.add((agent, RDFS.label, Literal("demograph text extractor", lang="en")))
    g.add((agent, DG.extractorVersion, Literal(__version__)))

    for minted in x.minted:
        g.add((minted.iri, RDF.type, ORG.Organization))
        for cls in ACTOR_CLASSES.get(minted.actor_type, ()):
            g.add((minted.iri, RDF.type, cls))
        g.add((minted.iri, RDFS.label, Literal(minted.label, lang="sv")))
        g.add((minted.iri, ORG.classification, concept("actor-type", minted.actor_type)))
        g.add((minted.iri, PROV.wasDerivedFrom, source))
        _annotate(g, minter, source, minted.passage, minted.iri, OA.identifying)

    declaration = minter.declaration()
    for signing in x.signings:
        name = _label(signing.actor, labels)
        g.add((signing.iri, RDF.type, DG.Signing))
        g.add((signing.iri, RDFS.label, Literal(f"{name} undertecknar deklarationen", lang="sv")))
        g.add((signing.iri, RDFS.label, Literal(f"{name} signs the declaration", lang="en")))
        g.add((signing.iri, DG.signatory, signing.actor))
        g.add((signing.iri, DG.declaration, declaration))
        g.add((signing.iri, PROV.wasDerivedFrom, source))
        g.add((signing.actor, DG.signed, declaration))
        if signing.date:
            g.add((signing.iri, DCTERMS.date, Literal(signing.date.isoformat(), datatype=XSD.date)))
        for goal in sorted(signing.goals):
            g.add((signing.iri, DG.contributesToGoal, goal))
        for passage in signing.passages:
            _annotate(g, minter, source, passage, signing.iri, OA.identifying)

    for commitment in x.commitments:
        _commitment(g, minter, source, commitment, _label(commitment.actor, labels))
    for event in x.events.values():
        _event(g, event, source)
    for document in x.documents.values():
        g.add((document.iri, RDF.type, DG.PolicyDocument))
        g.add((document.iri, DCTERMS.title, Literal(document.title, lang="sv")))
        g.add((document.iri, RDFS.label, Literal(document.title, lang="sv")))
        g.add((document.iri, DCTERMS.creator, document.creator))
        g.add((document.iri, PROV.wasDerivedFrom, source))
        if document.issued:
            datatype = XSD.gYear if len(document.issued) == 4 else XSD.date
            g.add((document.iri, DCTERMS.issued, Literal(document.issued, datatype=datatype)))
    return g


def _commitment(g: Graph, minter: Minter, source: URIRef, c: Commitment, actor_name: str) -> None:
    g.add((c.iri, RDF.type, DG.Commitment))
    g.add((c.iri, RDFS.label, Literal(f"{actor_name}, åtagande {c.ordinal}", lang="sv")))
    g.add((c.iri, RDFS.label, Literal(f"{actor_name}, commitment {c.ordinal}", lang="en")))
    g.add((c.iri, DG.committedBy, c.actor))
    g.add((c.iri, DCTERMS.description, Literal(c.passage.exact, lang="sv")))
    g.add((c.iri, DG.commitmentType, concept("commitment-type", c.commitment_type)))
    g.add((c.iri, DG.commitmentTypeBasis, Literal(c.type_basis)))
    g.add((c.iri, DG.ordinal, Literal(c.ordinal, datatype=XSD.integer)))
    g.add((c.iri, PROV.wasDerivedFrom, source))
    _annotate(g, minter, source, c.passage, c.iri, OA.identifying)
    for mention in c.mentions:
        g.add((c.iri, ROLE_PROPERTY[mention.role], mention.iri))
        annotation = _annotate(g, minter, source, mention.passage, mention.iri,
                               ROLE_MOTIVATION[mention.role])
        g.add((annotation, DG.forCommitment, c.iri))


def _event(g: Graph, e: Event, source: URIRef) -> None:
    g.add((e.iri, RDF.type, SCHEMA.Event))
    g.add((e.iri, RDF.type, CV.PublicEvent))
    g.add((e.iri, RDFS.label, Literal(e.label_sv, lang="sv")))
    g.add((e.iri, RDFS.label, Literal(e.label_en, lang="en")))
    g.add((e.iri, DCTERMS.type, e.event_type))
    g.add((e.iri, SCHEMA.startDate, Literal(e.start_date.isoformat(), datatype=XSD.date)))
    g.add((e.iri, SCHEMA.endDate, Literal(e.end_date.isoformat(), datatype=XSD.date)))
    g.add((e.iri, DG.datePrecision, Literal(e.precision)))
    for text in sorted(e.date_texts):
        g.add((e.iri, DG.dateText, Literal(text, lang="sv")))
    if e.date_inferred:
        g.add((e.iri, DG.dateInferred, Literal(True)))
    if e.location:
        g.add((e.iri, SCHEMA.location, e.location))
    for organizer in sorted(e.organizers):
        g.add((e.iri, SCHEMA.organizer, organizer))
    g.add((e.iri, PROV.wasDerivedFrom, source))


def _annotate(g: Graph, minter: Minter, source: URIRef, passage: Passage, body: URIRef,
              motivation: URIRef) -> URIRef:
    annotation = minter.annotation(source, passage.start, passage.end, body)
    target = URIRef(f"{annotation}#target")
    quote = URIRef(f"{annotation}#quote")
    position = URIRef(f"{annotation}#position")
    g.add((annotation, RDF.type, OA.Annotation))
    excerpt = passage.exact if len(passage.exact) <= 60 else passage.exact[:59] + "…"
    g.add((annotation, RDFS.label, Literal(f"Textställe {passage.start}–{passage.end}: {excerpt}",
                                           lang="sv")))
    g.add((annotation, OA.motivatedBy, motivation))
    g.add((annotation, OA.hasBody, body))
    g.add((annotation, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, source))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, position))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(passage.exact)))
    g.add((position, RDF.type, OA.TextPositionSelector))
    # xsd:integer, not the OA range xsd:nonNegativeInteger: Oxigraph stores every derived
    # integer type as xsd:integer, and what `extract` prints must equal what the store serves.
    g.add((position, OA.start, Literal(passage.start, datatype=XSD.integer)))
    g.add((position, OA.end, Literal(passage.end, datatype=XSD.integer)))
    return annotation


class ContextIndex:
    """The descriptions of reference resources, indexed once for many :meth:`closure` calls."""

    def __init__(self, *sources: Graph) -> None:
        self._po: dict[URIRef, list[tuple[URIRef, object]]] = {}
        for source in sources:
            for s, p, o in source:
                if isinstance(s, URIRef):
                    self._po.setdefault(s, []).append((p, o))

    def closure(self, facts: Graph) -> Graph:
        """Descriptions of every resource ``facts`` points to (transitively along the links
        in ``_CONTEXT_LINKS``), so that ``facts`` + closure stands on its own."""
        out = bind_prefixes(Graph())
        todo = [o for o in _objects_and_subjects(facts) if o in self._po]
        done: set[URIRef] = set()
        while todo:
            node = todo.pop()
            if node in done:
                continue
            done.add(node)
            for p, o in self._po[node]:
                out.add((node, p, o))  # type: ignore[arg-type]
                if p in _CONTEXT_LINKS and isinstance(o, URIRef) and o in self._po:
                    todo.append(o)
        return out


def _objects_and_subjects(g: Graph) -> Iterable[URIRef]:
    for s, _, o in g:
        if isinstance(o, URIRef):
            yield o
        if isinstance(s, URIRef):
            yield s
