"""One builder per kind of page: the section queries of that page (one bounded query each,
in ``queries/pages/``) turned into what its template shows. A builder gets the resource's
description, already fetched, and returns the template's variables."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Identifier

from ...prefixes import PREFIXES
from ...queries import text
from ..data import Data, Row
from ..site import doc_href, t
from .highlight import Span, highlight
from .model import Described, Labels, shown

DG = PREFIXES["dg"]
DGC = PREFIXES["dgc"]
ORG = PREFIXES["org"]
SCHEMA = PREFIXES["schema"]
FOAF = PREFIXES["foaf"]
PROV = PREFIXES["prov"]
TYPE_ORDER = [URIRef(DGC + "commitment-type/" + k) for k in ("intern", "extern", "kommunikativ")]
# what a commitment links to, in the order the pages list it, with the headings used
LINKS = (
    (URIRef(DCTERMS.subject), "Teman", "Themes"),
    (URIRef(DG + "targetGroup"), "Målgrupper", "Target groups"),
    (URIRef(DG + "partner"), "Samarbetspartner", "Partners"),
    (URIRef(DG + "partnerCategory"), "Partner (sektorer)", "Partner sectors"),
    (URIRef(DG + "relatedEvent"), "Händelser", "Events"),
)
PAGE_SIZE = 100


@dataclass
class Commitment:
    iri: Identifier
    ordinal: int
    text: Literal
    type: Identifier | None = None
    links: dict[Identifier, list[Identifier]] = field(default_factory=dict)


def _int(value: Identifier | None) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def actor(data: Data, d: Described) -> dict[str, Any]:
    facts = data.select(text("pages/actor"), iri=d.iri)
    labels = Labels().gather(facts, "place", "placeLabel").gather(facts, "county", "countyLabel")
    rows = data.select(text("pages/actor-commitments"), iri=d.iri)
    labels.gather(rows, "o", "label")
    commitments: dict[Identifier, Commitment] = {}
    for row in rows:
        c = commitments.setdefault(row["c"], Commitment(row["c"], _int(row["ordinal"]), row["text"]))  # type: ignore[arg-type]
        if row["rel"] == URIRef(DG + "commitmentType"):
            c.type = row["o"]
        else:
            found = c.links.setdefault(row["rel"], [])
            if row["o"] not in found:
                found.append(row["o"])
    groups: dict[Identifier | None, list[Commitment]] = {}
    for c in sorted(commitments.values(), key=lambda c: c.ordinal):
        groups.setdefault(c.type, []).append(c)
    order = {iri: i for i, iri in enumerate(TYPE_ORDER)}
    grouped = sorted(groups.items(), key=lambda g: (order.get(g[0], len(order)), str(g[0])))  # type: ignore[arg-type]
    partnered = data.select(text("pages/actor-partnered-by"), iri=d.iri)
    by: dict[Identifier, dict[str, Any]] = {}
    partner_labels = Labels().gather(partnered, "actor", "label")
    for row in partnered:
        entry = by.setdefault(row["actor"], {"actor": row["actor"], "direct": 0, "via": {}})
        if "via" in row:
            entry["via"][row["via"]] = _int(row["n"])
        else:
            entry["direct"] = _int(row["n"])
    return {
        "types": d.refs(URIRef(ORG + "classification")), "code": d.literal(DCTERMS.identifier),
        "seealso": d.values(RDFS.seeAlso),
        "places": _unique(facts, "place"), "counties": _unique(facts, "county"),
        "signing": next((r["signing"] for r in facts if "signing" in r), None),
        "signed_on": next((r["date"] for r in facts if "date" in r), None),
        "labels": labels, "grouped": grouped, "count": len(commitments), "links": LINKS,
        "partnered_by": sorted(by.values(), key=lambda e: partner_labels.text(e["actor"])),
        "partner_labels": partner_labels,
    }


def _unique(rows: list[Row], key: str) -> list[Identifier]:
    seen: list[Identifier] = []
    for row in rows:
        if key in row and row[key] not in seen:
            seen.append(row[key])
    return seen


def passage(source_text: str, start: int, end: int, exact: str | None) -> tuple[int, int] | None:
    """Where the quote is in the text: the offsets, checked against the quote (both NFC), or
    the quote's first occurrence when the offsets disagree with it; None if it is not there."""
    text_nfc = unicodedata.normalize("NFC", source_text)
    if exact is None or text_nfc[start:end] == unicodedata.normalize("NFC", exact):
        return (start, end) if 0 <= start < end <= len(text_nfc) else None
    found = text_nfc.find(unicodedata.normalize("NFC", exact))
    return (found, found + len(exact)) if found >= 0 else None


IDENTIFYING = URIRef("http://www.w3.org/ns/oa#identifying")


def commitment(data: Data, d: Described) -> dict[str, Any]:
    rows = data.select(text("pages/passage"), iri=d.iri)
    # the annotation that identifies the commitment first; one that classifies it after
    rows.sort(key=lambda r: r.get("motivation") != IDENTIFYING)
    shown = None
    source = None
    for row in rows:
        body = unicodedata.normalize("NFC", str(row["text"]))
        where = passage(body, _int(row["start"]), _int(row["end"]),
                        str(row["exact"]) if "exact" in row else None)
        if where is not None:
            source = row["source"]
            span = Span(where[0], where[1], None, "", "passage", "passage")
            shown = highlight(body, [span])
            break
    return {"actor": d.value(URIRef(DG + "committedBy")), "type": d.value(URIRef(DG + "commitmentType")),
            "description": d.literal(DCTERMS.description), "links": LINKS,
            "references": d.refs(DCTERMS.references),
            "source": source or d.value(URIRef(PROV + "wasDerivedFrom")), "passage": shown}


KIND_OF_CLASS = {URIRef(DG + "Commitment"): "commitment", URIRef(ORG + "Organization"): "partner",
                 URIRef(FOAF + "Group"): "partner", URIRef(SCHEMA + "Event"): "event",
                 SKOS.Concept: "concept", URIRef(DG + "PolicyDocument"): "document"}


def source(data: Data, d: Described) -> dict[str, Any]:
    body = unicodedata.normalize("NFC", str(d.literal(URIRef(SCHEMA + "text")) or ""))
    rows = data.select(text("pages/source-annotations"), iri=d.iri)
    labels = Labels().gather(rows, "body", "label")
    facts: dict[Identifier, dict[str, Any]] = {}
    for row in rows:
        fact = facts.setdefault(row["annotation"], {
            "body": row["body"], "start": _int(row["start"]), "end": _int(row["end"]), "kind": "fact"})
        kind = KIND_OF_CLASS.get(row.get("class"))  # type: ignore[arg-type]
        if kind and fact["kind"] in ("fact", "partner"):
            fact["kind"] = kind
    ordered = sorted(facts.values(), key=lambda f: (f["start"], -f["end"]))
    spans = [Span(f["start"], f["end"], doc_href(f["body"]), labels.text(f["body"]), f["kind"])
             for f in ordered]
    for f in ordered:
        f["quote"] = body[f["start"]:f["end"]]
    return {"text": highlight(body, spans), "facts": ordered, "labels": labels,
            "file": d.literal(DCTERMS.source), "sha256": d.literal(URIRef(DG + "sha256"))}


CONCEPT_RELATIONS = (
    ("scheme", SKOS.inScheme, "Begreppsschema", "Concept scheme"),
    ("top", SKOS.topConceptOf, "Toppbegrepp i", "Top concept of"),
    ("broader", SKOS.broader, "Bredare begrepp", "Broader concepts"),
    ("narrower", SKOS.narrower, "Smalare begrepp", "Narrower concepts"),
    ("related", SKOS.related, "Relaterade begrepp", "Related concepts"),
)


def _concept_tables(rows: list[Row]) -> dict[str, dict[Identifier | None, int]]:
    """Commitments counted by county and by actor type, from each actor's count and keys
    (``concept-actors.rq``): the län its place lies in, else the place; its type; None for
    an actor without one. An actor counts once under each of its keys."""
    made: dict[Identifier, int] = {}
    keys: dict[Identifier, dict[str, set[Identifier | None]]] = {}
    for row in rows:
        actor = row["actor"]
        made[actor] = _int(row["n"])
        found = keys.setdefault(actor, {"county": set(), "type": set()})
        lan = row.get("lan")
        found["county"].add(lan if lan is not None else row.get("place"))
        found["type"].add(row.get("type"))
    tables: dict[str, dict[Identifier | None, int]] = {"county": {}, "type": {}}
    for actor, n in made.items():
        for dimension, table in tables.items():
            for key in keys[actor][dimension]:
                table[key] = table.get(key, 0) + n
    return tables


def concept(data: Data, d: Described) -> dict[str, Any]:
    rows = data.select(text("pages/concept-commitments"), iri=d.iri)
    labels = Labels().gather(rows, "actor", "actorLabel")
    tables = _concept_tables(data.select(text("pages/concept-actors"), iri=d.iri))
    labels.gather(data.select(text("pages/concept-keys")), "key", "label")
    rows.sort(key=lambda r: (labels.text(r["actor"]).casefold(), _int(r["ordinal"])))
    related = {name: d.refs(predicate) for name, predicate, _, _ in CONCEPT_RELATIONS
               if d.values(predicate)}
    return {"commitments": _distinct(rows, ("c",)), "labels": labels, "definition": d.literal(SKOS.definition),
            "relations": [(name, sv, en) for name, _, sv, en in CONCEPT_RELATIONS],
            "related": related, "notation": d.literal(SKOS.notation),
            "matches": d.values(SKOS.closeMatch) + d.values(SKOS.exactMatch),
            "by_county": sorted(tables["county"].items(), key=lambda kv: (-kv[1], str(kv[0]))),
            "by_type": sorted(tables["type"].items(), key=lambda kv: (-kv[1], str(kv[0]))),
            "total": sum(tables["type"].values()), "listed": len({r["c"] for r in rows})}


@dataclass
class Node:
    iri: Identifier
    children: list["Node"] = field(default_factory=list)


def scheme(data: Data, d: Described) -> dict[str, Any]:
    rows = data.select(text("pages/scheme-tree"), iri=d.iri)
    labels = Labels().gather(rows, "concept", "label")
    nodes = {row["concept"]: Node(row["concept"]) for row in rows}
    tops = {row["concept"] for row in rows if "top" in row}
    broader: dict[Identifier, set[Identifier]] = {}
    for row in rows:
        if row.get("broader") in nodes:
            broader.setdefault(row["concept"], set()).add(row["broader"])
    for child, parents in broader.items():
        for parent in parents:
            nodes[parent].children.append(nodes[child])

    def order(items: list[Node]) -> list[Node]:
        return sorted(items, key=lambda n: labels.text(n.iri).casefold())

    for node in nodes.values():
        node.children = order(node.children)
    roots = order([n for iri, n in nodes.items() if iri in tops or iri not in broader])
    return {"roots": roots, "labels": labels, "size": len(nodes),
            "about": d.literal(DCTERMS.description) or d.literal(SKOS.definition)}


def event(data: Data, d: Described) -> dict[str, Any]:
    rows = data.select(text("pages/event"), iri=d.iri)
    labels = Labels().gather(rows, "actor", "actorLabel")
    actors = sorted({r["actor"] for r in rows}, key=lambda a: labels.text(a).casefold())
    rows.sort(key=lambda r: (labels.text(r["actor"]).casefold(), _int(r["ordinal"])))
    return {"commitments": _distinct(rows, ("c",)), "actors": actors, "labels": labels,
            "types": d.refs(DCTERMS.type), "start": d.value(URIRef(SCHEMA + "startDate")),
            "end": d.value(URIRef(SCHEMA + "endDate")), "date_text": d.literal(URIRef(DG + "dateText")),
            "places": d.refs(URIRef(SCHEMA + "location")),
            "organizers": d.refs(URIRef(SCHEMA + "organizer"))}


def place(data: Data, d: Described) -> dict[str, Any]:
    rows = data.select(text("pages/place"), iri=d.iri)
    labels = Labels().gather(rows, "x", "label")
    roles: dict[str, list[Identifier]] = {"actor": [], "part": [], "signatory": []}
    for row in rows:
        found = roles[str(row["role"])]
        if row["x"] not in found:
            found.append(row["x"])
    for role, items in roles.items():
        items.sort(key=lambda x: labels.text(x).casefold())
    sections = [("part", "Kommuner i länet", "Municipalities in the county"),
                ("actor", "Aktörer här", "Actors here"),
                ("signatory", "Aktörer här som undertecknat", "Signatories here")]
    return {"roles": roles, "labels": labels,
            "sections": [s for s in sections if s[0] != "part" or roles["part"]],
            "within": d.refs(URIRef(SCHEMA + "containedInPlace")),
            "code": d.literal(DCTERMS.identifier), "sameas": d.values(URIRef(SCHEMA + "sameAs"))}


def term(data: Data, d: Described) -> dict[str, Any]:
    usage = data.select(text("pages/term-usage"), iri=d.iri)
    row = usage[0] if usage else {}
    ranges: list[Identifier] = []
    for value in d.values(RDFS.range):
        union = None if isinstance(value, URIRef) else d.graph.value(value, OWL.unionOf)
        ranges.extend(d.graph.items(union) if union is not None else [value])
    return {"instances": _int(row.get("instances")), "statements": _int(row.get("statements")),
            "ranges": [d.ref(r) for r in ranges], "domains": d.refs(RDFS.domain),
            "superclasses": d.refs(RDFS.subClassOf), "comment": d.literal(RDFS.comment),
            "is_class": OWL.Class in d.types or RDFS.Class in d.types}


def generic(data: Data, d: Described, page: int) -> dict[str, Any]:
    # LIMIT and OFFSET are not bindable in SPARQL; they are computed here from a validated
    # int, never taken from the request's text.
    window = f"\nLIMIT {PAGE_SIZE + 1} OFFSET {page * PAGE_SIZE}"
    outgoing = data.select(text("pages/outgoing") + window, iri=d.iri)
    incoming = data.select(text("pages/incoming") + window, iri=d.iri)
    labels = Labels().gather(outgoing, "o", "label").gather(incoming, "s", "label")
    more = len(outgoing) > PAGE_SIZE or len(incoming) > PAGE_SIZE

    def value(term: Identifier) -> Markup:
        return shown(term) if isinstance(term, Literal) else labels.ref(term)

    def pager(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "page"}
        return urlencode({**args, "page": str(number)})

    return {"value": value, "pager": pager,"outgoing": _distinct(outgoing[:PAGE_SIZE], ("p", "o")),
            "incoming": _distinct(incoming[:PAGE_SIZE], ("s", "p")),
            "labels": labels, "page": page, "more": more}


def _distinct(rows: list[Row], keys: tuple[str, ...]) -> list[Row]:
    """The first row of each ``keys`` (rows repeat once per label of what they name)."""
    seen: set[tuple[Identifier, ...]] = set()
    out = []
    for row in rows:
        key = tuple(row[k] for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


Builder = Callable[[Data, Described], dict[str, Any]]
BUILDERS: dict[str, Builder] = {"actor": actor, "commitment": commitment, "source": source,
                                "concept": concept, "scheme": scheme, "event": event,
                                "place": place, "term": term}
KINDS = (  # the first class a resource has decides its page
    (URIRef(DG + "Commitment"), "commitment"), (URIRef(ORG + "Organization"), "actor"),
    (URIRef(DG + "SourceDocument"), "source"), (SKOS.ConceptScheme, "scheme"),
    (SKOS.Concept, "concept"), (URIRef(SCHEMA + "Event"), "event"),
    (URIRef(SCHEMA + "AdministrativeArea"), "place"),
)
TERM_CLASSES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                OWL.AnnotationProperty, RDF.Property}


def kind_of(d: Described) -> str:
    types = d.types
    for cls, kind in KINDS:
        if cls in types:
            return kind
    if str(d.iri).startswith(DG) and types & TERM_CLASSES:
        return "term"
    return "generic"


KIND_NAMES = {"actor": ("Aktör", "Actor"), "commitment": ("Åtagande", "Commitment"),
              "source": ("Källtext", "Source text"), "concept": ("Begrepp", "Concept"),
              "scheme": ("Begreppsschema", "Concept scheme"), "event": ("Händelse", "Event"),
              "place": ("Plats", "Place"), "term": ("Term i vokabulären", "Vocabulary term"),
              "generic": ("Resurs", "Resource")}


def kind_name(kind: str) -> str:
    return t(*KIND_NAMES[kind])
