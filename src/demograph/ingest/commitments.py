"""What counts as a commitment: list items under typed headings or anywhere, "åtar sig …
att" and intent sentences in prose — never the declaration's general goals, quotations,
navigation or list introductions; who made it, and of which type. A mixin of
:class:`~demograph.ingest.extract.Reader`, whose state it reads."""

from __future__ import annotations

import bisect

from rdflib import URIRef

from .cues import (COMMIT_VERB, COMMITMENT_HEADING, INTENT, QUOTE_BLOCK, SELF_NOUNS, SIGN_VERB,
                   TYPE_CUES, Candidate)
from .lexicon import Match
from .segment import Block, Sentence


class CommitmentMixin:
    def goal_matches(self) -> list[Match]:
        found = getattr(self, "_goal_matches", None)
        if found is None:  # the matches are fixed once the text is read
            found = self._goal_matches = [
                m for m in self.matches
                if m.entry.kind == "concept" and m.entry.scheme == "declaration-goal"]
            self._goal_starts = [m.start for m in found]
        return found

    def _goals_in(self, start: int, end: int) -> list[Match]:
        goals = self.goal_matches()
        return goals[bisect.bisect_left(self._goal_starts, start):
                     bisect.bisect_left(self._goal_starts, end)]

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
        """ "Interna åtaganden:", "Halmstads kommuns externa åtagande", "Kommunikativt" — a
        heading that names a commitment type; not a topic like "Strategisk kommunikation"."""
        if block.kind not in ("heading", "paragraph") or block.words > 8:
            return None
        about_commitments = bool(COMMITMENT_HEADING.search(block.text))
        bare = block.text.strip(" :*").casefold()
        for m in self.matches_in(block.start, block.end):  # matches never cross a block
            if m.entry.kind == "concept" and m.entry.scheme == "commitment-type" \
                    and (about_commitments or m.text.casefold() == bare):
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
                # candidates come in text order: only the next one can end this one early
                following = found[i + 1].start if i + 1 < len(found) else -1
                end = following if block.start <= following < block.end else block.end
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
        # the last signatory named before the commitment (refs are in text order)
        for ref in reversed(self.refs[:bisect.bisect_left(self._ref_starts(), candidate.start)]):
            if ref.end <= candidate.start and ref.iri in signatories:
                return ref.iri
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
