"""What an extraction finds, as plain data: spans, actors, signings, commitments, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef

from .text import SourceText


@dataclass(frozen=True)
class Passage:
    """A code-point span of the source text and the exact text it covers."""

    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class Mention:
    """A resource found at a passage: a partner, category, theme, target group, event, document."""

    iri: URIRef
    passage: Passage
    role: str  # "partner" | "category" | "theme" | "target" | "event" | "document"


@dataclass
class MintedActor:
    """An organisation the reference data does not know, named by the text."""

    iri: URIRef
    label: str
    actor_type: str
    passage: Passage


@dataclass
class Signing:
    iri: URIRef
    actor: URIRef
    date: date | None = None
    goals: set[URIRef] = field(default_factory=set)
    passages: list[Passage] = field(default_factory=list)


@dataclass
class Event:
    iri: URIRef
    event_type: URIRef
    label_sv: str
    label_en: str
    start_date: date
    end_date: date
    precision: str
    date_texts: set[str] = field(default_factory=set)
    date_inferred: bool = False
    location: URIRef | None = None
    organizers: set[URIRef] = field(default_factory=set)


@dataclass
class PolicyDocument:
    iri: URIRef
    title: str
    creator: URIRef
    issued: str | None = None  # "2020" or "2020-05-12"


@dataclass
class Commitment:
    iri: URIRef
    actor: URIRef
    ordinal: int
    passage: Passage
    commitment_type: str  # intern | extern | kommunikativ
    type_basis: str  # "heading" | "inferred"
    mentions: list[Mention] = field(default_factory=list)

    def of_role(self, role: str) -> list[Mention]:
        return [m for m in self.mentions if m.role == role]


@dataclass
class Extraction:
    source: SourceText
    source_name: str
    source_iri: URIRef
    title: str
    url: str | None = None
    issued: date | None = None
    minted: list[MintedActor] = field(default_factory=list)
    signings: list[Signing] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    events: dict[URIRef, Event] = field(default_factory=dict)
    documents: dict[URIRef, PolicyDocument] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def signatories(self) -> list[URIRef]:
        return [s.actor for s in self.signings]
