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

import bisect

import re
from collections import Counter
from datetime import date

from rdflib import URIRef

from ..errors import NothingRecognised
from ..namespaces import Minter
from .commitments import CommitmentMixin
from .cues import _GROUP_GENERIC, PARTNER_CUE, QUOTE_BLOCK, Ref
from .dates import find_dates
from .lexicon import ANAPHORA, Lexicon, Match, anaphor, select
from .mentions import MentionFinder
from .records import Commitment, Extraction, MintedActor, Passage, Signing
from .segment import Block, Sentence, segment, sentences
from .signatories import SignatoryMixin, header_fallback, signing_date
from .text import SourceText


class Reader(SignatoryMixin, CommitmentMixin):
    """The state of reading one text; :func:`extract_text` is the entry point."""

    def __init__(self, src: SourceText, lexicon: Lexicon, minter: Minter) -> None:
        self.src = src
        self.text = src.text
        self.lex = lexicon
        self.minter = minter
        self.blocks: list[Block] = segment(self.text, src.body_start)
        self.sentences: list[Sentence] = sentences(self.text, self.blocks)
        self._cue_ends: dict[tuple[int, int], int] = {}  # sentence span → end of its first cue
        # Lookups by offset are binary searches over these (blocks and sentences are disjoint
        # and in text order): a long text must cost its length, not the square of it.
        self._block_starts = [b.start for b in self.blocks]
        self._sentence_starts = [s.start for s in self.sentences]
        self._runs = self._list_runs()
        self.matches: list[Match] = []
        for block in self.blocks:
            if block.kind != "noise":
                self.matches.extend(select(lexicon.find(self.text, block.start, block.end)))
        self._match_starts = [m.start for m in self.matches]  # matches come in text order
        self.quotes = self._quote_spans()
        self._quote_index = _Stabbing(self.quotes)
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
        return self._quote_index.covers(start)

    def _quote_spans(self) -> list[tuple[int, int]]:
        spans = [(m.start(), m.end()) for m in re.finditer(r"[”\"«„][^”\"»\n]{20,}[”\"»]", self.text)]
        for index, block in enumerate(self.blocks):
            if block.kind in ("paragraph", "item") and QUOTE_BLOCK.search(block.text):
                spans.append((block.start, block.end))
            elif block.kind == "item" and block.marker in "-–" and len(self.list_run(index)) == 1 \
                    and index > 0 and self.blocks[index - 1].kind == "paragraph" \
                    and not self.blocks[index - 1].text.rstrip().endswith(":"):
                # A lone dash line after narrative paragraphs is how Swedish news sets speech;
                # a lone bullet under a heading, or after a paragraph that announces a list
                # ("… bland annat genom följande:"), is a one-item list.
                spans.append((block.start, block.end))
        return spans

    def list_run(self, index: int) -> list[int]:
        """The indices of the list items that stand together with block ``index``."""
        return self._runs.get(index) or [index]

    def _list_runs(self) -> dict[int, list[int]]:
        """Each item's run: the items of a stretch of items and page noise, computed once."""
        runs: dict[int, list[int]] = {}
        current: list[int] = []
        for j, block in enumerate([*self.blocks, None]):
            if block is not None and block.kind in ("item", "noise"):
                if block.kind == "item":
                    current.append(j)
                continue
            for member in current:
                runs[member] = current
            current = []
        return runs

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
        i = bisect.bisect_right(self._block_starts, offset) - 1
        if i < 0 or not offset < self.blocks[i].end:
            raise ValueError(f"offset {offset} is in no block")
        return i

    def sentence_at(self, offset: int) -> Sentence | None:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def matches_in(self, start: int, end: int) -> list[Match]:
        """The name and concept matches that lie within ``start``–``end``."""
        first = bisect.bisect_left(self._match_starts, start)
        last = bisect.bisect_left(self._match_starts, end)
        return [m for m in self.matches[first:last] if m.end <= end]

    def refs_in(self, start: int, end: int) -> list[Ref]:
        starts = self._ref_starts()
        first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        return [r for r in self.refs[first:last] if r.end <= end]

    def _ref_starts(self) -> list[int]:
        """Starts of ``self.refs``, rebuilt when the references change (they are added to,
        then sorted, once, when the county is settled)."""
        key = (len(self.refs), id(self.refs[0]) if self.refs else 0,
               id(self.refs[-1]) if self.refs else 0)
        if getattr(self, "_ref_key", None) != key:
            self._ref_key = key
            self._ref_start_list = [r.start for r in self.refs]
            if self._ref_start_list != sorted(self._ref_start_list):
                raise RuntimeError("references must be in text order")
        return self._ref_start_list

    def has_cue_before(self, ref_start: int, sentence: Sentence) -> bool:
        """Whether a partner cue ("tillsammans med", "i samverkan med" …) ends before
        ``ref_start`` in ``sentence``. The sentence is scanned once, not once per name in it:
        a sentence naming many actors would otherwise cost its length times their number."""
        key = (sentence.start, sentence.end)
        first_end = self._cue_ends.get(key)
        if first_end is None:
            found = PARTNER_CUE.search(self.text, sentence.start, sentence.end)
            first_end = found.end() if found else -1
            self._cue_ends[key] = first_end
        return 0 <= first_end <= ref_start

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
        taken_index = _Stabbing([(r.start, r.end) for r in self.refs])
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
                    if not taken_index.overlaps(m.start(), m.end()):
                        self.refs.append(Ref(m.start(), m.end(), m.group(0), group, "group", False))
        self.refs.sort(key=lambda r: r.start)


def extract_text(src: SourceText, source_name: str, lexicon: Lexicon, minter: Minter) -> Extraction:
    """Read one decoded text. Raises :class:`NothingRecognised` when no signatory is found."""
    reader = Reader(src, lexicon, minter)
    found = reader.signatories()
    signatories = [iri for iri, _ in found]
    reader.settle_county(signatories)
    reader.add_contextual_refs(signatories)
    found = reader.signatories()
    if not found:
        found = header_fallback(reader)
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
        signing.date = signing_date(reader, reader.signing_passages.get(actor, [passage]))
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


class _Stabbing:
    """Spans (which may overlap), sorted by start with a running maximum of their ends, so
    "is this offset inside one?" and "does this range meet one?" are binary searches."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the spans up to each
        furthest = -1
        for _, b in ordered:
            furthest = max(furthest, b)
            self.reach.append(furthest)

    def covers(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset)
        return i > 0 and self.reach[i - 1] > offset

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span ``a``–``b`` has ``a < end`` and ``start < b``."""
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start
