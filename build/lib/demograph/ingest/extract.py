"""One general reader for declaration texts: who signed, and what each signatory committed to.

The reading goes in passes over the segmented text (see ``segment``):

1. find every name and form the lexicon knows, and quotations (what others said);
2. signatories: actors that are the subject of signing or committing sentences, of the
   title, or of an "X:s åtaganden" heading; names the data does not know are minted;
3. the document's county, so that "länsstyrelsen", "regionen", "länets kommuner" resolve;
4. commitments: under typed headings ("Interna åtaganden") their items, "åtar sig … att"
   sentences or paragraphs; elsewhere list items, else committing and intent sentences —
   never the declaration's three general goals, quotations or page furniture;
5. for each commitment, its partners, sector categories, themes, target groups, events and
   policy documents (``mentions``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef

from ..errors import NothingRecognised
from ..namespaces import Minter, slugify
from .dates import find_dates
from .lexicon import ANAPHORA, Lexicon, Match, anaphor, select
from .mentions import MentionFinder
from .records import Commitment, Extraction, MintedActor, Passage, Signing
from .segment import Block, Sentence, segment, sentences
from .text import SourceText

SIGN_VERB = re.compile(
    r"\b(?:underteckna(?:r|de|t)?|skriv(?:er|a|it)\s+under|skrev\s+(?:[\w,]+\s+){0,12}?under\b"
    r"|skriv(?:er|a|it)\s+på|skrev\s+på|signera(?:r|de|t)?|ta(?:r|git)?\s+ställning|tog\s+ställning"
    r"|ställer\s+sig\s+bakom|ansluter\s+sig|anslutit\s+sig)\b", re.IGNORECASE)
COMMIT_VERB = re.compile(r"\b(?:åtar\s+sig|åtog\s+sig|åtagit\s+sig|förbinder\s+sig|förbundit\s+sig)\b",
                         re.IGNORECASE)
DECLARATION = re.compile(r"deklaration", re.IGNORECASE)
COMMITMENT_HEADING = re.compile(r"åtag(?:ande|anden|andet|andena)\b|åtgande", re.IGNORECASE)
PARTNER_CUE = re.compile(
    r"\b(?:(?:tillsammans|i\s+samverkan|samverkan|samverka|i\s+samarbete|samarbete|samarbetar|"
    r"samarbeta|gemensamt|i\s+dialog|dialog)\s+med|jämte|bjuda\s+in)\b", re.IGNORECASE)
# "flera aktörer undertecknade …", "Länets representanter har undertecknat …": who they are is
# said elsewhere, in an enumeration ("Aktörerna som deltog var A, B, C …").
COLLECTIVE = re.compile(r"\b(?:aktörer(?:na)?|representanter|organisationer(?:na)?|parter(?:na)?)\b",
                        re.IGNORECASE)
QUANTIFIED = re.compile(r"\b(?:flera|några|många|delar|\d+)\s+av\s+$|representanter\s+för\s+$",
                        re.IGNORECASE)
# Quoted speech: "”…”", "– …, säger landshövdingen X", "…, fortsätter Monica Hildingson."
QUOTE_BLOCK = re.compile(r"^[”\"«„]|[,”]\s*(?:säger|fortsätter|menar|berättar|konstaterar|avslutar|"
                         r"förklarar|understryker|betonar)\s+\w+")
INTENT = re.compile(r"\b(?:kommer\s+(?:\w+\s+){0,2}?(?:att\s+)?|ska\s+|skall\s+|planerar\s+|avser\s+)",
                    re.IGNORECASE)
SELF_NOUNS = re.compile(
    r"\b(?:kommunen|länsstyrelsen|regionen|myndigheten|föreningen|organisationen|förbundet|"
    r"högskolan|universitetet|delegationen|museet|kyrkan|vi)\b", re.IGNORECASE)
# Words that open a title but are not a name ("Nu har över 250 aktörer undertecknat …").
_NOT_A_NAME = {"vi", "nu", "det", "den", "här", "idag", "i", "ett", "en", "därför", "så", "när",
               "demokratin", "deklaration", "deklarationen"}
_ROLE_WORDS = re.compile(r"\s+(?:generaldirektör|ordförande|rektor|landshövding|styrelse|"
                         r"förbundsordförande|generalsekreterare|chef)\w*$", re.IGNORECASE)
_ENUM_SPLIT = re.compile(r",\s*|\s+och\s+|\s+samt\s+")
_GROUP_GENERIC = re.compile(
    r"\b(?:länets\s+(?:\d+\s+|alla\s+|samtliga\s+)?kommuner|kommunerna\s+i\s+länet|"
    r"(?:alla|samtliga)\s+kommunerna(?:\s+i\s+länet)?|(?:alla|samtliga)\s+kommuner\s+i\s+länet|"
    r"övriga\s+kommuner(?:na)?(?:\s+i\s+länet)?)",
    re.IGNORECASE)
TYPE_CUES = {
    "kommunikativ": re.compile(r"kommunic|kommunikation|kanaler|sociala\s+medier|\bwebb|hemsida|"
                               r"nyhetsbrev|informationsinsats|informationskampanj|\bpodd|"
                               r"pressmeddelande", re.IGNORECASE),
    "intern": re.compile(r"\binternt?\b|\binterna\b|medarbetare|anställda|\bpersonal|"
                         r"i\s+all\s+(?:vår\s+)?verksamhet|vår\s+organisation|förvaltningar|"
                         r"tjänstepersoner|kompetensutveckling|värdegrund", re.IGNORECASE),
    "extern": re.compile(r"invånar|medborgar|allmänheten|ungdomar|\bunga\b|elever|skolor|besökare|"
                         r"civilsamhäll|föreningar|\bi\s+samverkan|tillsammans\s+med", re.IGNORECASE),
}


@dataclass(frozen=True)
class Ref:
    """An actor or group the text refers to, by name or in context."""

    start: int
    end: int
    text: str
    iri: URIRef
    kind: str  # "actor" | "group"
    by_name: bool = True


@dataclass(frozen=True)
class Candidate:
    """A passage about to become a commitment."""

    start: int
    end: int
    context_start: int
    commitment_type: str | None


class Reader:
    """The state of reading one text; :func:`extract_text` is the entry point."""

    def __init__(self, src: SourceText, lexicon: Lexicon, minter: Minter) -> None:
        self.src = src
        self.text = src.text
        self.lex = lexicon
        self.minter = minter
        self.blocks: list[Block] = segment(self.text, src.body_start)
        self.sentences: list[Sentence] = sentences(self.text, self.blocks)
        self.matches: list[Match] = []
        for block in self.blocks:
            if block.kind != "noise":
                self.matches.extend(select(lexicon.find(self.text, block.start, block.end)))
        self.quotes = self._quote_spans()
        self.issued = self._dateline()
        self.default_year = self.issued.year if self.issued else self._common_year()
        self.title_block = next((b for b in self.blocks if b.kind == "heading"), None) or next(
            (b for b in self.blocks if b.kind != "noise"), None)
        self.refs: list[Ref] = [Ref(m.start, m.end, m.text, m.iri, m.entry.kind)
                                for m in self.matches if m.entry.kind in ("actor", "group")]
        self.minted: dict[URIRef, MintedActor] = {}
        self.county: str | None = None
        self.signing_actors: set[URIRef] = set()
        self.signing_passages: dict[URIRef, list[Passage]] = {}
        self.enumeration_sentence: Sentence | None = None

    # --- helpers --------------------------------------------------------------------------
    def in_quote(self, start: int) -> bool:
        return any(a <= start < b for a, b in self.quotes)

    def _quote_spans(self) -> list[tuple[int, int]]:
        spans = [(m.start(), m.end()) for m in re.finditer(r"[”\"«„][^”\"»\n]{20,}[”\"»]", self.text)]
        for index, block in enumerate(self.blocks):
            if block.kind in ("paragraph", "item") and QUOTE_BLOCK.search(block.text):
                spans.append((block.start, block.end))
            elif block.kind == "item" and block.marker in "-–" and len(self.list_run(index)) == 1 \
                    and index > 0 and self.blocks[index - 1].kind == "paragraph":
                # A lone dash line after narrative paragraphs is how Swedish news sets speech;
                # a lone bullet under a heading is a one-item list.
                spans.append((block.start, block.end))
        return spans

    def list_run(self, index: int) -> list[int]:
        """The indices of the list items that stand together with block ``index``."""
        run = [index]
        for step in (-1, 1):
            j = index + step
            while 0 <= j < len(self.blocks) and self.blocks[j].kind in ("item", "noise"):
                if self.blocks[j].kind == "item":
                    run.append(j)
                j += step
        return sorted(run)

    def _dateline(self) -> date | None:
        """A date standing alone near the top, or "Publicerad 14 december 2021"."""
        for block in self.blocks[:8]:
            phrases = find_dates(self.text, None, block.start, block.end)
            if phrases and phrases[0].precision == "day" and not phrases[0].year_inferred and (
                    len(block.text) <= 40 or block.text.lower().startswith("publicerad")):
                return phrases[0].start_date
        return None

    def _common_year(self) -> int | None:
        years = Counter(int(y) for y in re.findall(r"(?<![\d-])(20[12]\d)(?![\d-])",
                                                   self.text[self.src.body_start:]))
        plausible = {y: n for y, n in years.items() if 2018 <= y <= 2023}
        return max(plausible, key=lambda y: (plausible[y], -y)) if plausible else None

    def block_index(self, offset: int) -> int:
        return next(i for i, b in enumerate(self.blocks) if b.start <= offset < b.end)

    def sentence_at(self, offset: int) -> Sentence | None:
        return next((s for s in self.sentences if s.start <= offset < s.end), None)

    def refs_in(self, start: int, end: int) -> list[Ref]:
        return [r for r in self.refs if start <= r.start and r.end <= end]

    def has_cue_before(self, ref_start: int, sentence: Sentence) -> bool:
        return bool(PARTNER_CUE.search(self.text, sentence.start, ref_start))

    # --- 2. signatories --------------------------------------------------------------------
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

    # --- 3. county and references in context -------------------------------------------
    def settle_county(self, signatories: list[URIRef]) -> None:
        for actor in signatories:
            info = self.lex.actors.get(actor)
            if info and info.county:
                self.county = info.county
                return
        counties = Counter(self.lex.places[m.iri].county for m in self.matches
                           if m.entry.kind == "place")
        counties.update(self.lex.actors[r.iri].county for r in self.refs
                        if r.kind == "actor" and r.iri in self.lex.actors and self.lex.actors[r.iri].county)
        if counties:
            self.county = counties.most_common(1)[0][0]

    def add_contextual_refs(self, signatories: list[URIRef]) -> None:
        """Resolve "länsstyrelsen", "regionen", "kommunen" and "länets kommuner"."""
        taken = [(r.start, r.end) for r in self.refs]
        kommun_signatories = [a for a in signatories
                              if a in self.lex.actors and "kommun" in self.lex.actors[a].types]
        for match in self.matches:
            if match.entry.kind != "concept" or match.entry.scheme != "actor-type":
                continue
            word = anaphor(match.text)
            if word is None:
                continue
            target: URIRef | None = None
            if ANAPHORA[word] == "kommun":
                target = kommun_signatories[0] if len(kommun_signatories) == 1 else None
            else:
                target = self.lex.county_body(ANAPHORA[word], self.county)
            if target is not None:
                self.refs.append(Ref(match.start, match.end, match.text, target, "actor", False))
        group = self.lex.kommun_group.get(self.county or "")
        if group is not None:
            for block in self.blocks:
                if block.kind == "noise":
                    continue
                for m in _GROUP_GENERIC.finditer(self.text, block.start, block.end):
                    if not any(a < m.end() and m.start() < b for a, b in taken):
                        self.refs.append(Ref(m.start(), m.end(), m.group(0), group, "group", False))
        self.refs.sort(key=lambda r: r.start)

    # --- 4. commitments ----------------------------------------------------------------------
    def goal_matches(self) -> list[Match]:
        return [m for m in self.matches
                if m.entry.kind == "concept" and m.entry.scheme == "declaration-goal"]

    def _goals_in(self, start: int, end: int) -> list[Match]:
        return [m for m in self.goal_matches() if start <= m.start < end]

    def is_goal(self, start: int, end: int, prose: bool = False) -> bool:
        """A restated general goal, not a commitment of its own.

        A list item is one when goal wording is a good part of it or it stands in a list of
        goals; a sentence only when its paragraph restates two goals — "Länsstyrelsen kommer
        även verka för att invånarna får bättre kunskap … via kommunikationsinsatser" names
        the knowledge goal and is still a commitment."""
        goals = self._goals_in(start, end)
        if not goals:
            return not prose and self._truncated_goal(start, end)
        index = self.block_index(start)
        block = self.blocks[index]
        if prose or block.kind != "item":
            return len({m.iri for m in self._goals_in(block.start, block.end)}) >= 2
        if sum(m.end - m.start for m in goals) >= 0.2 * (end - start):
            return True
        return sum(1 for j in self.list_run(index)
                   if self._goals_in(self.blocks[j].start, self.blocks[j].end)) >= 2

    def _truncated_goal(self, start: int, end: int) -> bool:
        """A page excerpt cut mid-goal: "arbeta för att fler deltar akt" begins a goal's wording."""
        text = " ".join(self.text[start:end].split()).casefold().rstrip(" ,.;")
        return len(text) >= 20 and any(form.casefold().startswith(text)
                                       for form in self.lex.goal_forms)

    def is_quote(self, block: Block) -> bool:
        return self.in_quote(block.start) or bool(QUOTE_BLOCK.search(block.text))

    def _typed_heading(self, block: Block) -> str | None:
        if block.kind not in ("heading", "paragraph") or block.words > 8:
            return None
        for m in self.matches:
            if block.start <= m.start < block.end and m.entry.kind == "concept" \
                    and m.entry.scheme == "commitment-type":
                return str(m.iri).rsplit("/", 1)[-1]
        return None

    def candidates(self) -> list[Candidate]:
        sections: list[tuple[str, list[int]]] = []
        for index, block in enumerate(self.blocks):
            typed = self._typed_heading(block)
            if typed:
                sections.append((typed, []))
            elif sections and block.kind == "heading" and block.level <= 2 \
                    and not COMMITMENT_HEADING.search(block.text):
                sections.append(("", []))
            elif sections:
                sections[-1][1].append(index)
        typed_sections = [(t, idx) for t, idx in sections if t]
        if typed_sections:
            out: list[Candidate] = []
            for commitment_type, indices in typed_sections:
                out.extend(self._section_candidates(commitment_type, indices))
            return out
        all_indices = list(range(len(self.blocks)))
        items = self._item_candidates(all_indices, None)
        prose = self._sentence_candidates([i for i in all_indices if self.blocks[i].kind != "item"],
                                          None, intent=True)
        return sorted(items + prose, key=lambda c: c.start)

    def _is_navigation(self, index: int) -> bool:
        """Breadcrumbs and menus: a list of items that are all a few words long."""
        return all(self.blocks[j].words <= 5 for j in self.list_run(index))

    def _item_candidates(self, indices: list[int], commitment_type: str | None) -> list[Candidate]:
        out: list[Candidate] = []
        for position, index in enumerate(indices):
            block = self.blocks[index]
            if block.kind != "item" or block.level != 1 or block.words < 4 \
                    or self._is_navigation(index):
                continue
            if self.is_quote(block) or self.is_goal(block.start, block.end):
                continue
            end = block.end
            for later in indices[position + 1:]:
                child = self.blocks[later]
                if child.kind == "item" and child.level > 1:
                    end = child.end
                elif child.kind != "noise":
                    break
            out.append(Candidate(block.start, end, block.start, commitment_type))
        return out

    def _sentence_candidates(self, indices: list[int], commitment_type: str | None,
                             intent: bool) -> list[Candidate]:
        out: list[Candidate] = []
        context_start = self.blocks[indices[0]].start if indices else 0
        wanted = set(indices)
        for sentence in self.sentences:
            block = self.blocks[sentence.block]
            if sentence.block not in wanted:
                continue
            if block.kind == "heading":
                context_start = block.start
                continue
            if block.kind not in ("paragraph", "item") or self.in_quote(sentence.start):
                continue
            text = sentence.text
            if text.rstrip().endswith(":"):
                continue  # it introduces a list: the items are the commitments
            committing = bool(COMMIT_VERB.search(text))
            if not committing and intent:
                committing = self._is_intent(sentence)
            if committing and COMMIT_VERB.search(text) and not self._has_signatory_subject(sentence):
                committing = False  # "De aktörer som antar deklarationen åtar sig …"
            if committing and self._joint_subject(sentence):
                committing = False  # "åtar sig A, B och C att genomföra en rad åtgärder": a summary
            if committing and not self.is_goal(sentence.start, sentence.end, prose=True) \
                    and not (SIGN_VERB.search(text) and not COMMIT_VERB.search(text)):
                context = context_start if commitment_type else sentence.start
                out.append(Candidate(sentence.start, sentence.end, context, commitment_type))
        return self._to_paragraph_end(out)

    def _to_paragraph_end(self, found: list[Candidate]) -> list[Candidate]:
        """A committing sentence carries the rest of its paragraph ("… informera och utbilda.
        Med ett särskilt fokus på barn, unga …"), up to the next committing sentence."""
        out: list[Candidate] = []
        for i, candidate in enumerate(found):
            sentence = self.sentence_at(candidate.start)
            block = self.blocks[sentence.block] if sentence else None
            end = candidate.end
            if block is not None:
                following = [c.start for c in found[i + 1:] if block.start <= c.start < block.end]
                end = following[0] if following else block.end
                while end > candidate.end and self.text[end - 1].isspace():
                    end -= 1
            out.append(Candidate(candidate.start, end, candidate.context_start,
                                 candidate.commitment_type))
        return out

    def _joint_subject(self, sentence: Sentence) -> bool:
        verb = COMMIT_VERB.search(sentence.text) or INTENT.search(sentence.text)
        if verb is None:
            return False
        window = (sentence.start, sentence.start + verb.end() + 80)
        att = self.text.find(" att ", sentence.start + verb.end(), sentence.end)
        if att >= 0:
            window = (sentence.start, att)
        named = {r.iri for r in self.refs_in(*window) if r.iri in self.signing_actors
                 and not self.has_cue_before(r.start, sentence)}
        return len(named) >= 2

    def _has_signatory_subject(self, sentence: Sentence) -> bool:
        verb = COMMIT_VERB.search(sentence.text)
        window_end = sentence.start + (verb.end() + 60 if verb else 90)
        return any(r.iri in self.signing_actors for r in self.refs_in(sentence.start, window_end)) \
            or bool(SELF_NOUNS.search(self.text, sentence.start, window_end))

    def _is_intent(self, sentence: Sentence) -> bool:
        """"Länsstyrelsen kommer även verka för …", "Bland annat kommer kommunen arbeta …"."""
        head = self.text[sentence.start:min(sentence.end, sentence.start + 90)]
        subject = any(r.start - sentence.start < 60 for r in self.refs_in(sentence.start, sentence.end)
                      if r.iri in self.signing_actors) or SELF_NOUNS.search(head[:60])
        return bool(subject and INTENT.search(head) and not head.rstrip().endswith("?"))

    def _section_candidates(self, commitment_type: str, indices: list[int]) -> list[Candidate]:
        items = self._item_candidates(indices, commitment_type)
        if items:
            return items
        sentences_ = self._sentence_candidates(indices, commitment_type, intent=False)
        if sentences_:
            return sentences_
        return [Candidate(b.start, b.end, b.start, commitment_type)
                for b in (self.blocks[i] for i in indices)
                if b.kind in ("paragraph", "item") and b.words >= 4 and not b.text.endswith(":")
                and not self.is_quote(b) and not self.is_goal(b.start, b.end)]

    def committer(self, candidate: Candidate, signatories: list[URIRef]) -> URIRef:
        own = [r.iri for r in self.refs_in(candidate.start, candidate.end) if r.iri in signatories
               and not self.has_cue_before(r.start, self.sentence_at(r.start) or _whole(candidate))]
        if own and len(signatories) > 1:
            return own[0]
        before = [r.iri for r in self.refs if r.end <= candidate.start and r.iri in signatories]
        if before:
            return before[-1]
        return signatories[0]

    def infer_type(self, start: int, end: int) -> str:
        """Cue words decide; on a tie the rarer, more specific type wins (communication over
        internal over external); no cue at all is external, the common case."""
        text = self.text[start:end]
        scores = {t: len(p.findall(text)) for t, p in TYPE_CUES.items()}  # in priority order
        best = max(scores.values())
        return next(t for t, n in scores.items() if n == best) if best > 0 else "extern"


def _whole(candidate: Candidate) -> Sentence:
    return Sentence(candidate.start, candidate.end, "", 0)


def extract_text(src: SourceText, source_name: str, lexicon: Lexicon, minter: Minter) -> Extraction:
    """Read one decoded text. Raises :class:`NothingRecognised` when no signatory is found."""
    reader = Reader(src, lexicon, minter)
    found = reader.signatories()
    signatories = [iri for iri, _ in found]
    reader.settle_county(signatories)
    reader.add_contextual_refs(signatories)
    found = reader.signatories()
    if not found:
        found = _header_fallback(reader)
    if not found:
        raise NothingRecognised("no signing actor found: the text names no organisation that "
                                "signs or commits to the declaration")
    signatories = [iri for iri, _ in found]
    reader.signing_actors = set(signatories)

    source_iri = minter.source(src.sha256)
    extraction = Extraction(src, source_name, source_iri,
                            reader.title_block.text if reader.title_block else source_name,
                            url=src.header.get("url") or None, issued=reader.issued,
                            minted=[m for m in reader.minted.values() if m.iri in set(signatories)],
                            warnings=list(src.warnings))
    goals = {m.iri for m in reader.goal_matches()}
    for actor, passage in found:
        signing = Signing(minter.signing(Minter.actor_key(actor)), actor, goals=set(goals),
                          passages=[passage])
        signing.date = _signing_date(reader, reader.signing_passages.get(actor, [passage]))
        extraction.signings.append(signing)

    finder = MentionFinder(reader, extraction)
    ordinals: Counter[URIRef] = Counter()
    for candidate in reader.candidates():
        actor = reader.committer(candidate, signatories)
        ordinals[actor] += 1
        ordinal = ordinals[actor]
        passage = Passage(candidate.start, candidate.end, src.text[candidate.start:candidate.end])
        if candidate.commitment_type:
            ctype, basis = candidate.commitment_type, "heading"
        else:
            ctype, basis = reader.infer_type(candidate.start, candidate.end), "inferred"
        commitment = Commitment(minter.commitment(Minter.actor_key(actor), ordinal), actor, ordinal,
                                passage, ctype, basis)
        commitment.mentions = finder.mentions(commitment, candidate.context_start)
        extraction.commitments.append(commitment)
    return extraction


def _signing_date(reader: Reader, passages: list[Passage]) -> date | None:
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


def _header_fallback(reader: Reader) -> list[tuple[URIRef, Passage]]:
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
