"""Who signs: the subjects of signing and committing sentences, the title, "X:s åtaganden"
headings, enumerations after a collective subject — and names the data does not know,
minted. A mixin of :class:`~demograph.ingest.extract.Reader`, whose state it reads."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from rdflib import URIRef

from ..namespaces import slugify
from .cues import (_ENUM_SPLIT, _NOT_A_NAME, _ROLE_WORDS, COLLECTIVE, COMMIT_VERB,
                   COMMITMENT_HEADING, DECLARATION, QUANTIFIED, SIGN_VERB, Ref)
from .dates import find_dates
from .lexicon import ANAPHORA, select
from .records import MintedActor, Passage
from .segment import Block, Sentence

if TYPE_CHECKING:
    from .extract import Reader


class SignatoryMixin:
    def signatories(self) -> list[tuple[URIRef, Passage]]:
        """Who signs, each with the first passage that says so (all of them are kept in
        ``signing_passages``, where the signing date is looked for)."""
        found: dict[URIRef, Passage] = {}
        self.minted = {}
        self.signing_passages: dict[URIRef, list[Passage]] = {}

        def take(ref: Ref, sentence: Sentence | None, cosigning: bool = False) -> None:
            if ref.iri in self.lex.declaration_authors or self.in_quote(ref.start):
                return
            # "undertecknar … tillsammans med X": X signs too; "åtar sig att med X …": a partner
            if sentence is not None and not cosigning and self.has_cue_before(ref.start, sentence):
                return
            passage = Passage(ref.start, ref.end, ref.text)
            if ref.kind == "group":
                if QUANTIFIED.search(self.text[max(0, ref.start - 40):ref.start]):
                    return
                members = self.lex.groups[ref.iri][1]
            else:
                members = (ref.iri,)
            for member in members:
                found.setdefault(member, passage)
                self.signing_passages.setdefault(member, []).append(passage)

        title = self.title_block
        if title is not None:
            title_sentence = Sentence(title.start, title.end, title.text, 0)
            title_refs = [r for r in self.refs_in(title.start, title.end) if r.kind == "actor"]
            for ref in title_refs:
                take(ref, title_sentence)
            if not title_refs:
                self._mint_from_title(title)
        for block in self.blocks:
            if block.kind == "heading" and COMMITMENT_HEADING.search(block.text):
                for ref in self.refs_in(block.start, block.end):
                    take(ref, None)
        collective = False
        for sentence in self.sentences:
            signing = SIGN_VERB.search(sentence.text) and DECLARATION.search(sentence.text)
            if signing or COMMIT_VERB.search(sentence.text):
                sentence_refs = self.refs_in(sentence.start, sentence.end)
                for ref in sentence_refs:
                    take(ref, sentence, cosigning=bool(signing))
                if signing and sentence_refs:
                    self._mint_from_enumeration(sentence, sentence_refs)
                if signing and COLLECTIVE.search(sentence.text) and not any(
                        r.by_name for r in sentence_refs):
                    collective = True
        if collective:
            enumeration = self._enumeration()
            if enumeration is not None:
                self.enumeration_sentence = enumeration
                for ref in self.refs_in(enumeration.start, enumeration.end):
                    take(ref, enumeration, cosigning=True)
        for minted in self.minted.values():
            found.setdefault(minted.iri, minted.passage)
        return list(found.items())

    def _enumeration(self) -> Sentence | None:
        """The sentence that lists the most actors (three or more), outside quotations."""
        best: tuple[int, Sentence] | None = None
        for sentence in self.sentences:
            if self.in_quote(sentence.start):
                continue
            named = {r.iri for r in self.refs_in(sentence.start, sentence.end)}
            if len(named) >= 3 and (best is None or len(named) > best[0]):
                best = (len(named), sentence)
        return best[1] if best else None

    def _mint(self, name: str, start: int) -> None:
        name = _ROLE_WORDS.sub("", name).strip(" ,.:;–-")
        words = name.split()
        if not words or len(words) > 8 or words[0].lower() in _NOT_A_NAME or not name[0].isupper():
            return
        if name.casefold() in ANAPHORA or any(m.start == 0 and m.end == len(name)
                                              for m in self.lex.find(name)):
            return  # a common noun ("Länsstyrelsen") or a name the data already knows
        if any(w.lower() in {"har", "är", "kommer", "ska", "vill", "och"} for w in words[1:]) and \
                not re.search(r"\bi\s+[A-ZÅÄÖ]", name):
            return
        actor_type = self._guess_type(name)
        iri = self.minter.actor(actor_type, slugify(name))
        offset = self.text.find(name, start)
        if iri not in self.lex.actors and offset >= 0:
            self.minted.setdefault(iri, MintedActor(iri, name, actor_type,
                                                    Passage(offset, offset + len(name), name)))

    def _guess_type(self, name: str) -> str:
        lowered = name.lower()
        for concept in self.lex.concepts_in("actor-type"):
            if any(re.search(r"(?:^|\s|\w)" + re.escape(k.lower()) + r"(?:$|\s|\w)", lowered)
                   for k in concept.name_keywords):
                return concept.notation
        return "annat"

    def _mint_from_title(self, title: Block) -> None:
        match = re.match(r"^(?P<name>.+?)\s+(?:undertecknar|skriver\s+(?:under|på)|tar\s+ställning|"
                         r"står\s+upp|signerar|ansluter|har\s+undertecknat)\b", title.text)
        if match:
            name = match.group("name")
            owner = re.match(r"^(?P<owner>\S+?)s\s+(?:generaldirektör|ordförande|rektor|"
                             r"landshövding|generalsekreterare)\b", name)
            self._mint(owner.group("owner") if owner else name, title.start)

    def _mint_from_enumeration(self, sentence: Sentence, refs: list[Ref]) -> None:
        """"… undertecknar A kommun, B kommun och Coompanion Kalmar Deklaration …": mint the
        names in an enumeration of known signatories that the data does not know."""
        verb = SIGN_VERB.search(self.text, sentence.start, sentence.end)
        refs = [r for r in refs if verb and r.start >= verb.end()]
        if not refs:
            return  # names before the verb are as often people ("Peter Örn och …") as bodies
        first = refs[0].start
        stop = DECLARATION.search(self.text, first, sentence.end)
        att = re.compile(r"\s(?:att|har|kommer)\s").search(self.text, first, sentence.end)
        end = min(x.start() for x in (stop, att) if x) if (stop or att) else sentence.end
        span = self.text[first:end]
        cursor = first
        for fragment in _ENUM_SPLIT.split(span):
            offset = self.text.find(fragment, cursor)
            cursor = offset + len(fragment)
            fragment = fragment.strip()
            if not fragment or any(r.start < offset + len(fragment) and offset < r.end for r in refs):
                continue
            if re.fullmatch(r"[A-ZÅÄÖ][\w&.-]*(?:\s+[A-ZÅÄÖ][\w&.-]*){0,5}", fragment):
                self._mint(fragment, offset)


def signing_date(reader: "Reader", passages: list[Passage]) -> date | None:
    """The day the text says the actor signed: a full date in a signing sentence (the year
    may come from the dateline), or "i dag" under a dateline."""
    for passage in passages:
        sentence = reader.sentence_at(passage.start)
        if sentence is None or not (SIGN_VERB.search(sentence.text)
                                    or sentence == reader.enumeration_sentence):
            continue
        for phrase in find_dates(reader.text, reader.issued.year if reader.issued else None,
                                 sentence.start, sentence.end):
            if phrase.precision == "day" and phrase.start_date == phrase.end_date:
                return phrase.start_date
        if reader.issued and re.search(r"\b(?:i\s*dag|idag)\b", sentence.text, re.IGNORECASE):
            return reader.issued
    return None


def header_fallback(reader: "Reader") -> list[tuple[URIRef, Passage]]:
    """The harvest header's actor, but only when the text itself refers to that actor."""
    named = reader.src.header.get("actor", "")
    if not named:
        return []
    mentioned = {r.iri: r for r in reader.refs}
    out: list[tuple[URIRef, Passage]] = []
    for part in named.split(";"):
        for match in select(reader.lex.find(part)):
            if match.entry.kind == "actor" and match.iri in mentioned:
                ref = mentioned[match.iri]
                out.append((match.iri, Passage(ref.start, ref.end, ref.text)))
    return out
