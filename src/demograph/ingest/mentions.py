"""What one commitment names: partners, sector categories, themes, target groups, events and
policy documents, each with the passage it was found at.

A commitment's *context* is its own passage, or — for an "åtar sig … att" sentence under a
sub-heading — the sub-section that leads up to it, which is where such documents say with
whom, when and where ("Halmstads kommun tar tillsammans med Länsstyrelsen i Halland emot
demokratistugan i oktober. … 2021 åtar sig Halmstads kommun att …").
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..namespaces import Minter, slugify
from .dates import DatePhrase, find_dates
from .lexicon import ConceptInfo, Match, PlaceInfo, anaphor
from .records import Commitment, Event, Extraction, Mention, Passage, PolicyDocument

if TYPE_CHECKING:
    from .extract import Reader


_POLICY = r"(?:Plan|Riktlinje|Riktlinjer|Strategi|Strategin|Policy|Program|Handlingsplan|Policyn)"
POLICY_TITLE = re.compile(r"\*(?P<a>" + _POLICY + r"\b[^*\n]{3,160}?)\*|[”\"«](?P<b>" + _POLICY
                          + r"\b[^”\"»\n]{3,160}?)[”\"»]")
# Characters between an event's mention and its date phrase; a bare year must stand closer
# ("valen 2022", "under 2021 att uppmärksamma … jubileum") than a month or season.
DATE_AFTER, DATE_BEFORE = 120, 40
YEAR_AFTER, YEAR_BEFORE = 20, 30
PRECISION_RANK = {"day": 0, "month": 1, "season": 2, "year": 3}
# "Riksdagens utställning", "Länsstyrelsens webbplats": an owner, not a partner.
_GENITIVE_USE = re.compile(r"\s+(?!och\b|samt\b|i\b|med\b|som\b|att\b|för\b|på\b|om\b)[a-zåäö]")


class MentionFinder:
    """Finds, in one commitment and its context, what it names; events and documents go
    into the extraction (shared by all its commitments), mentions into the commitment."""

    def __init__(self, reader: "Reader", extraction: Extraction) -> None:
        self.r = reader
        self.x = extraction
        self.lex = reader.lex
        self.minter: Minter = reader.minter

    def mentions(self, commitment: Commitment, context_start: int) -> list[Mention]:
        start, end = min(context_start, commitment.passage.start), commitment.passage.end
        out: list[Mention] = []
        seen: set[tuple[URIRef, str]] = set()

        def add(iri: URIRef, role: str, s: int, e: int) -> None:
            if (iri, role) not in seen:
                seen.add((iri, role))
                out.append(Mention(iri, Passage(s, e, self.r.text[s:e]), role))

        for ref in self.r.refs_in(start, end):
            if ref.iri == commitment.actor or ref.iri in self.lex.declaration_authors:
                continue
            sentence = self.r.sentence_at(ref.start)
            cued = sentence is not None and self.r.has_cue_before(ref.start, sentence)
            genitive = ref.by_name and ref.text.endswith("s") \
                and _GENITIVE_USE.match(self.r.text, ref.end) is not None
            if self.r.in_quote(ref.start) or (genitive and not cued):
                continue
            if not ref.by_name and not cued:
                continue  # "länsstyrelsen" in passing is context, not a partner
            add(ref.iri, "partner", ref.start, ref.end)

        concepts = [m for m in self.r.matches_in(start, end) if m.entry.kind == "concept"]
        categories = [m for m in concepts if m.entry.scheme == "actor-type" and self._is_category(m)]
        for match in categories:
            add(match.iri, "category", match.start, match.end)
        for match in concepts:
            scheme = match.entry.scheme
            if scheme == "theme":
                add(match.iri, "theme", match.start, match.end)
            elif scheme == "target-group" and not any(match.overlaps(c) for c in categories):
                # "tillsammans med civilsamhället": whom they work with, not for
                add(match.iri, "target", match.start, match.end)
            elif scheme == "event-type":
                event = self._event(commitment, match.iri, match.start, match.end, start, end)
                if event is not None:
                    add(event, "event", match.start, match.end)

        for match in POLICY_TITLE.finditer(self.r.text, start, end):
            group = "a" if match.group("a") else "b"
            document = self._document(commitment, match.group(group), match.start(group))
            add(document, "document", match.start(group), match.end(group))
        return out

    def _is_category(self, match: Match) -> bool:
        """An unnamed sector named as a partner: "tillsammans med idéburen sektor"."""
        if anaphor(match.text) is not None or any(
                r.start < match.end and match.start < r.end for r in self.r.refs):
            return False
        sentence = self.r.sentence_at(match.start)
        return sentence is not None and self.r.has_cue_before(match.start, sentence)

    # --- events ---------------------------------------------------------------------------
    def _event(self, commitment: Commitment, event_type: URIRef, s: int, e: int,
               context_start: int, context_end: int) -> URIRef | None:
        concept = self.lex.concepts[event_type]
        sentence = self.r.sentence_at(s)
        sent_start, sent_end = (sentence.start, sentence.end) if sentence else (s, e)
        phrase = self._date_for(s, e, sent_start, sent_end, context_start, context_end)
        if phrase is None:
            # "frågor kopplat folkomröstningen": the referendum the text has already dated
            same_type = [iri for iri, ev in self.x.events.items() if ev.event_type == event_type]
            if len(same_type) == 1:
                return same_type[0]
            return None
        year = phrase.start_date.year
        known = self.lex.known_events.get((concept.notation, year))
        place = self._event_place(concept, commitment.actor, sent_start, sent_end)
        scope = concept.event_scope or "actor"
        key = Minter.actor_key(commitment.actor)
        if scope == "national":
            slug, where_sv, where_en = concept.notation, "", ""
        elif scope == "actor" or place is None:
            label = self.lex.actors[commitment.actor].label if commitment.actor in self.lex.actors \
                else key
            slug, where_sv, where_en = f"{concept.notation}-{key}", f", {label}", f", {label}"
        else:
            slug, where_sv, where_en = (f"{concept.notation}-{place.slug or slugify(place.name)}",
                                        f" i {place.short}", f" in {place.short}")
        iri = self.minter.event(year, slug)
        event = self.x.events.get(iri)
        if event is None:
            if known:
                start_date, end_date = date.fromisoformat(known.start), date.fromisoformat(known.end)
                label_sv, label_en, precision = known.label_sv, known.label_en, "day"
            else:
                start_date, end_date, precision = phrase.start_date, phrase.end_date, phrase.precision
                label_sv = _capitalise(f"{concept.label_sv}{where_sv} {year}")
                label_en = _capitalise(f"{concept.label_en or concept.label_sv}{where_en} {year}")
            event = Event(iri, event_type, label_sv, label_en, start_date, end_date, precision,
                          date_inferred=phrase.year_inferred and not known,
                          location=place.iri if place and scope != "national" else None)
            self.x.events[iri] = event
        event.date_texts.add(phrase.text)
        if scope == "national":
            return iri  # an election is not organised by those who mention it
        event.organizers.add(commitment.actor)
        for ref in self.r.refs_in(sent_start, sent_end):
            if ref.kind == "actor" and ref.iri not in self.lex.declaration_authors \
                    and self.r.has_cue_before(ref.start, sentence):
                event.organizers.add(ref.iri)
        return iri

    def _date_for(self, s: int, e: int, sent_start: int, sent_end: int, context_start: int,
                  context_end: int) -> DatePhrase | None:
        """The date phrase that belongs to the event mention at ``s:e``: after it, the most
        precise one before the next event mention ("Demokratistugan, … som kommer till Växjö
        8 -13 oktober"); else one just before it ("I januari 2022 hålls … folkomröstningen").
        A bare year must stand close: "valen 2022", not "2021 åtar sig … folkomröstningen"."""
        year = self._year_near(sent_start, sent_end, context_start, context_end)
        phrases = find_dates(self.r.text, year, sent_start, sent_end)
        next_event = min((m.start for m in self.r.matches if m.entry.scheme == "event-type"
                          and e <= m.start < sent_end), default=sent_end)
        after = [p for p in phrases if e <= p.start < next_event
                 and p.start - e <= (YEAR_AFTER if p.precision == "year" else DATE_AFTER)]
        if after:
            return min(after, key=lambda p: (PRECISION_RANK[p.precision], p.start))
        before = [p for p in phrases if 0 <= s - p.end
                  <= (YEAR_BEFORE if p.precision == "year" else DATE_BEFORE)]
        return before[-1] if before else None

    def _year_near(self, sent_start: int, sent_end: int, context_start: int,
                   context_end: int) -> int | None:
        for a, b in ((sent_start, sent_end), (context_start, context_end)):
            explicit = [p.start_date.year for p in find_dates(self.r.text, None, a, b)]
            if explicit:
                return explicit[0]
        return self.r.default_year

    def _event_place(self, concept: ConceptInfo, actor: URIRef, s: int, e: int) -> PlaceInfo | None:
        named = [self.lex.places[m.iri] for m in self.r.matches
                 if m.entry.kind == "place" and s <= m.start < e]
        actor_place = self.lex.place_of(actor)
        county = actor_place.county if actor_place else self.r.county
        if concept.event_scope == "county":
            counties = [p for p in named if p.level == "lan"]
            if counties:
                return counties[0]
            return self.lex.county_places.get(county or "")
        if concept.event_scope == "municipality":
            kommuner = [p for p in named if p.level == "kommun"]
            if kommuner:
                return kommuner[0]
            if actor_place is not None:
                return actor_place
            return self.lex.county_places.get(county or "")
        return actor_place

    # --- policy documents ---------------------------------------------------------------
    def _document(self, commitment: Commitment, title: str, offset: int) -> URIRef:
        iri = self.minter.policy_document(Minter.actor_key(commitment.actor), slugify(title))
        if iri not in self.x.documents:
            sentence = self.r.sentence_at(offset)
            issued = None
            if sentence is not None:
                years = {p.start_date.year for p in find_dates(self.r.text, None, sentence.start,
                                                                  sentence.end)
                         if p.precision == "year" and p.start_date.year == p.end_date.year}
                ranges = [p for p in find_dates(self.r.text, None, sentence.start, sentence.end)
                          if p.start_date.year != p.end_date.year]
                if len(years) == 1 and not ranges:
                    issued = str(years.pop())
            self.x.documents[iri] = PolicyDocument(iri, title.strip(), commitment.actor, issued)
        return iri



def _capitalise(label: str) -> str:
    """"demokrativecka i Värmland 2021" → "Demokrativecka i Värmland 2021": a name, not a noun."""
    return label[:1].upper() + label[1:]
