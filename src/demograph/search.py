"""Search that understands Swedish, over short texts (actor names, commitment texts): pure,
in memory, no Flask, no store.

Words are compared folded (case and diacritics dropped: "Jamstalldhet" finds "jämställdhet")
and stemmed by a light Swedish suffix stripper (the Snowball Swedish algorithm's rules:
"ungas", "unga" → "ung"; "jämställdheten" → "jamstalld"). Compounds, which Swedish writes as
one word, are split against the index's own vocabulary (plus any extra words, such as concept
labels), so "jämställdhetsarbete" also finds "jämställdhet" and the other way round: a
compound is indexed under its parts as well, at a lower weight.

>>> stem(fold("Ungas")), stem(fold("unga")), stem(fold("jämställdhet"))
('ung', 'ung', 'jamstalld')
>>> index = Index.build([Document("d1", "commitment", "Kil", "Barn och ungas delaktighet.")])
>>> [hit.document.key for hit in index.search("unga")]
['d1']
>>> str(index.search("unga")[0].snippet)
'Barn och <mark>ungas</mark> delaktighet.'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

WORD = re.compile(r"[^\W_]+")
VOWELS = frozenset("aeiouyåäö")
# Snowball Swedish, step 1: endings removed when they lie in R1 (longest first).
ENDINGS = sorted("""a arna erna heterna orna ad e ade ande arne are aste en anden aren heten
    ern ar er heter or as arnas ernas ornas es ades andes ens arens hetens erns at andet het
    ast""".split(), key=len, reverse=True)
S_ENDING = frozenset("bcdfghjklmnoprtvy")  # a final -s goes only after these (genitive, plural)
DOUBLES = ("dd", "gd", "nn", "dt", "gt", "kt", "tt")
MIN_PART = 4  # the shortest compound part: shorter ones split names ("Mal|ung")
# A match through a compound part counts less than the whole word, and through its head (the
# last part, which names the kind: "jämställdhets|arbete") less than through a modifier,
# which names the topic.
PART_WEIGHT = 0.6
HEAD_WEIGHT = 0.3
CUTOFF = 0.25  # hits scoring under this share of the best one are noise (a common head)
SNIPPET_CHARS = 240


def fold(text: str) -> str:
    """Lower case without diacritics: how words are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Function words: never a query term, never a part of a compound ("mot|verka"). Folded, as
# the words they are compared with.
STOPWORDS = frozenset(fold(word) for word in """och att i som en ett det den de på av för med
    till är om mot vi vår våra vårt sig sin sina sitt har ska kan kommer under över inom utan
    vid hos mellan genom från efter före samt eller men så nu även också alla andra olika detta
    dessa denna där här man när hur vad vara varit blir bli""".split())


def _r1(word: str) -> int:
    """Snowball's R1: after the first non-vowel that follows a vowel, but at least 3 in."""
    for i in range(1, len(word)):
        if word[i] not in VOWELS and word[i - 1] in VOWELS:
            return max(i + 1, 3)
    return len(word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of a folded word (Snowball Swedish's three steps, on folded letters)."""
    r1 = _r1(word)
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= r1:
            word = word[: -len(ending)]
            break
    else:
        if word.endswith("s") and len(word) - 1 >= r1 and len(word) > 1 and word[-2] in S_ENDING:
            word = word[:-1]
    if word.endswith(DOUBLES) and len(word) - 2 >= r1:
        word = word[:-1]
    for ending, replacement in (("fullt", "full"), ("lost", "los"), ("lig", ""), ("els", ""),
                                ("ig", "")):
        if word.endswith(ending) and len(word) - len(ending) >= r1:
            word = word[: -len(ending)] + replacement
            break
    return word


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the original text
    end: int
    folded: str


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]


class Vocabulary:
    """Known words, to split compounds with: a part must be a known word or stem."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words: set[str] = set()
        self.stems: set[str] = set()
        self._splits: dict[str, tuple[str, ...]] = {}
        for word in words:
            if len(word) >= MIN_PART and word not in STOPWORDS and not word.isdigit():
                self.words.add(word)
                self.stems.add(stem(word))

    def stem(self, word: str) -> str:
        """``stem``, after dropping a definite ending the Snowball rules leave on, when what
        remains is a known word: -n or -t after a vowel ("demokratin" → "demokrati",
        "samhället" → "samhälle") and -et ("samtalet" → "samtal"). Without a vocabulary
        those rules would cut "kommun" and "aktivitet"."""
        for ending, after_vowel in (("n", True), ("t", True), ("et", False)):
            base = word[: -len(ending)]
            if word.endswith(ending) and len(base) >= MIN_PART and base in self.words \
                    and (base[-1] in VOWELS or not after_vowel):
                word = base
                break
        return stem(word)

    def known(self, part: str) -> bool:
        return len(part) >= MIN_PART and part not in STOPWORDS and (
            part in self.words or self.stem(part) in self.stems)

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a compound (folded), or () when ``word`` is not one we can read.
        Fewest parts win, then the longest first part; a linking -s- may join two parts
        ("jämställdhet|s|arbete")."""
        if len(word) < 2 * MIN_PART:
            return ()
        cached = self._splits.get(word)
        if cached is None:
            cached = self._splits[word] = self._split(word)
        return cached

    def _split(self, word: str) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            head, rest = word[:cut], word[cut:]
            if not self.known(head):
                continue
            if head.endswith("s") and self.known(head[:-1]):
                head = head[:-1]  # a linking -s- ("ungdom|s|organisationer"), not the word's
            for tail in (rest, rest[1:] if rest.startswith("s") else ""):
                if len(tail) < MIN_PART:
                    continue
                if self.known(tail):
                    return (head, tail)  # the longest head that leaves a known word
                more = self.split(tail)
                if more and (not best or len(more) + 1 < len(best)):
                    best = (head, *more)
        return best


@dataclass(frozen=True)
class Document:
    key: str  # what a hit links to (an IRI)
    kind: str  # "actor", "commitment", "event" …
    title: str
    text: str
    weight: float = 1.0  # a ranking boost (signing actors above the rest)
    extra: tuple[tuple[str, str], ...] = ()  # whatever the caller needs to show a hit


@dataclass(frozen=True)
class Hit:
    document: Document
    matched: int  # how many of the query's words it matches
    score: float
    snippet: Markup  # the text, escaped, cut around the first match, matches in <mark>


def _terms(word: str, vocabulary: Vocabulary) -> dict[str, float]:
    """The stems a folded word is found under, with their weights: its own stem, its
    compound modifiers' stems at PART_WEIGHT and its head's at HEAD_WEIGHT."""
    found = {vocabulary.stem(word): 1.0}
    parts = vocabulary.split(word)
    for number, part in enumerate(parts, start=1):
        found.setdefault(vocabulary.stem(part), HEAD_WEIGHT if number == len(parts) else PART_WEIGHT)
    return found


class Index:
    """An inverted index from stems to documents."""

    def __init__(self, documents: list[Document], vocabulary: Vocabulary,
                 postings: dict[str, dict[int, float]]) -> None:
        self.documents = documents
        self.vocabulary = vocabulary
        self.postings = postings

    @classmethod
    def build(cls, documents: Iterable[Document], extra_words: Iterable[str] = ()) -> "Index":
        docs = list(documents)
        words = [t.folded for d in docs for t in tokens(d.text)]
        vocabulary = Vocabulary([*words, *(fold(w) for w in extra_words)])
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for number, doc in enumerate(docs):
            for token in tokens(doc.text):
                for term, weight in _terms(token.folded, vocabulary).items():
                    held = postings[term]
                    held[number] = max(held.get(number, 0.0), weight)
        return cls(docs, vocabulary, dict(postings))

    def _idf(self, term: str) -> float:
        return math.log(1 + len(self.documents) / (1 + len(self.postings.get(term, ()))))

    def query_words(self, query: str) -> list[str]:
        words = [t.folded for t in tokens(query)]
        content = [w for w in words if w not in STOPWORDS]
        return content or words

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Documents matching most of the query's words first, then by score (each word's
        best matching term, weighted by rarity), then by title; those scoring under CUTOFF
        of the best are left out."""
        scores: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
        matched_terms: dict[int, set[str]] = defaultdict(set)
        for word in dict.fromkeys(self.query_words(query)):
            best: dict[int, float] = {}
            for term, weight in _terms(word, self.vocabulary).items():
                idf = self._idf(term)
                for number, held in self.postings.get(term, {}).items():
                    value = weight * held * idf
                    best[number] = max(best.get(number, 0.0), value)
                    matched_terms[number].add(term)
            for number, value in best.items():
                scores[number][0] += 1
                scores[number][1] += value
        if not scores:
            return []
        best_score = max(score * self.documents[n].weight for n, (_, score) in scores.items())
        ranked = sorted(((n, value) for n, value in scores.items()
                         if value[1] * self.documents[n].weight >= CUTOFF * best_score),
                        key=lambda item: (-item[1][0], -item[1][1] * self.documents[item[0]].weight,
                                          self.documents[item[0]].title))
        return [Hit(self.documents[n], int(matched), score * self.documents[n].weight,
                    snippet(self.documents[n].text, frozenset(matched_terms[n]), self.vocabulary))
                for n, (matched, score) in ranked[:limit]]


def _matches(token: Token, terms: frozenset[str], vocabulary: Vocabulary | None) -> bool:
    if vocabulary is None:
        return stem(token.folded) in terms
    return any(term in terms for term in _terms(token.folded, vocabulary))


def snippet(text: str, terms: frozenset[str], vocabulary: Vocabulary | None = None,
            width: int = SNIPPET_CHARS) -> Markup:
    """``text`` escaped, cut to about ``width`` characters around the first match, with the
    words found under ``terms`` in ``<mark>``."""
    found = [t for t in tokens(text) if _matches(t, terms, vocabulary)]
    start, end = 0, len(text)
    if len(text) > width:
        first = found[0].start if found else 0
        start = max(0, first - width // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + width)
        space = text.rfind(" ", start, end)
        end = space if end < len(text) and space > start else end
    marked = {(t.start, t.end) for t in found}
    out: list[str] = ["…"] if start else []
    position = start
    for token in tokens(text[start:end]):
        token_start, token_end = token.start + start, token.end + start
        if (token_start, token_end) in marked:
            out.append(str(escape(text[position:token_start])))
            out.append(f"<mark>{escape(text[token_start:token_end])}</mark>")
            position = token_end
    out.append(str(escape(text[position:end])))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))
