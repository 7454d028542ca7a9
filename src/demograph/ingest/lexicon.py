"""What the extractor knows, read from the reference and concept graphs, and how it finds it.

:class:`Lexicon` is a read model of two graphs: actors, places and groups with their names
(``rdfs:label``, ``skos:altLabel``, ``skos:hiddenLabel``), and the SKOS concepts with the
Swedish forms listed for them. :class:`Matcher` finds those forms in text, token by token:

- case-insensitively, at a word start; a one-word proper name must be capitalised in the
  text (and an abbreviation written in capitals), so "Bilda" is not the verb "bilda";
- followed by a word end or a Swedish inflection ending ("kommuns", "kommuner",
  "Demokrativeckan", "ungas");
- a concept form of six letters or more also as the head of a compound
  ("jämställdhet" → "jämställdhetsarbete").

Nothing in this module is specific to one text: a new name is a new label in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from ..namespaces import DG, DGC, ORG, SCHEMA
from ..reference import KnownEvent

_TOKEN = re.compile(r"[^\W_]+")
_GAP = re.compile(r"[\s\-–&()/:'’,.]*")  # what may stand between the words of a form
# A comma or full stop between two words only where the form itself has one there
# ("Kungl. Musikhögskolan", "kommer till tals, oavsett …"): "Region Skåne, länets
# kommuner" is two names, not the variant "Region Skåne län".
_PUNCTUATED = re.compile(r"[,.]")
_ENDINGS = ("s", "n", "en", "et", "na", "ns", "ens", "ets", "nas", "ar", "er", "or", "arna",
            "erna", "orna", "arnas", "ernas", "a", "e", "ers")
_COMPOUND_MIN = 6
COMPOUND_SCHEMES = frozenset({"theme", "target-group", "event-type"})
KIND_RANK = {"actor": 0, "group": 1, "place": 2, "concept": 3}
# Definite forms that, in a text, point at one body: the signatory or its county's.
ANAPHORA = {"kommunen": "kommun", "regionen": "region", "länsstyrelsen": "lansstyrelse"}


def anaphor(text: str) -> str | None:
    """"kommunen", "Länsstyrelsens": the definite form that points at one body in context."""
    word = text.casefold()
    for form in ANAPHORA:
        if word in (form, form + "s"):
            return form
    return None


@dataclass(frozen=True)
class Entry:
    kind: str  # "actor" | "group" | "place" | "concept"
    iri: URIRef
    scheme: str = ""  # concept scheme notation, for concepts
    case_sensitive: bool = False
    compounds: bool = False


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry
    text: str

    @property
    def iri(self) -> URIRef:
        return self.entry.iri

    def overlaps(self, other: "Match") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class _Node:
    children: dict[str, "_Node"] = field(default_factory=dict)
    # token → (entry, form, whether the form has a comma or full stop before that token)
    last: dict[str, list[tuple[Entry, str, bool]]] = field(default_factory=dict)
    punctuated: set[str] = field(default_factory=set)  # children reached across "," or "."


class Matcher:
    """A trie of tokenised forms; :meth:`find` returns every candidate, overlaps included."""

    def __init__(self) -> None:
        self._root = _Node()

    def add(self, form: str, entry: Entry) -> None:
        spans = list(_TOKEN.finditer(form))
        if not spans:
            return
        gaps = [False] + [bool(_PUNCTUATED.search(form, a.end(), b.start()))
                          for a, b in zip(spans, spans[1:])]
        node = self._root
        for span, punctuated in zip(spans[:-1], gaps):
            token = span.group(0).casefold()
            if punctuated:
                node.punctuated.add(token)
            node = node.children.setdefault(token, _Node())
        node.last.setdefault(spans[-1].group(0).casefold(), []).append((entry, form, gaps[-1]))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        end = len(text) if end is None else end
        tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text, start, end)]
        found: list[Match] = []
        for i, (first_start, _, _) in enumerate(tokens):
            node = self._root
            j = i
            while node is not None and j < len(tokens):
                token_start, token_end, token = tokens[j]
                punctuated = False
                if j > i:
                    if not _GAP.fullmatch(text, tokens[j - 1][1], token_start):
                        break
                    punctuated = bool(_PUNCTUATED.search(text, tokens[j - 1][1], token_start))
                for entry, form, matched_end in _last_token_hits(node, token, token_end, punctuated):
                    if entry.case_sensitive and not _case_ok(form, text[first_start:matched_end]):
                        continue
                    found.append(Match(first_start, matched_end, entry, text[first_start:matched_end]))
                folded = token.casefold()
                if punctuated and folded not in node.punctuated:
                    break
                node = node.children.get(folded)
                j += 1
        return found


def _last_token_hits(node: _Node, token: str, token_end: int,
                     punctuated: bool) -> Iterable[tuple[Entry, str, int]]:
    if not node.last:
        return
    folded = token.casefold()
    candidates: list[tuple[Entry, str, bool]] = list(node.last.get(folded, ()))
    for ending in _ENDINGS:
        if len(folded) > len(ending) + 1 and folded.endswith(ending):
            candidates.extend(node.last.get(folded[: -len(ending)], ()))
    for cut in range(_COMPOUND_MIN, len(folded)):
        candidates.extend(c for c in node.last.get(folded[:cut], ()) if c[0].compounds)
    for entry, form, form_punctuated in candidates:
        if punctuated and not form_punctuated:
            continue
        yield entry, form, token_end


def _case_ok(form: str, found: str) -> bool:
    """Each word starts in the form's case; an abbreviation is written in capitals."""
    for expected, seen in zip(_TOKEN.findall(form), _TOKEN.findall(found)):
        if len(expected) > 1 and expected.isupper():
            if not seen[: len(expected)].isupper():
                return False
        elif expected[0].isupper() != seen[0].isupper():
            return False
    return True


def _longest_first(matches: Iterable[Match], taken: list[Match]) -> list[Match]:
    """The longest matches that overlap neither each other nor ``taken``. Occupied offsets
    are marked in a byte mask, so each test costs the match's length: a text that repeats
    one name thousands of times must not cost the square of that."""
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), KIND_RANK[m.entry.kind], m.start,
                                             str(m.iri)))
    if not ordered:
        return []
    spans = [*ordered, *taken]
    low = min(m.start for m in spans)  # the mask covers only the stretch the matches span
    mask = bytearray(max(m.end for m in spans) - low)
    for span in taken:
        mask[span.start - low:span.end - low] = b"\x01" * (span.end - span.start)
    chosen: list[Match] = []
    for match in ordered:
        if mask.find(1, match.start - low, match.end - low) == -1:
            chosen.append(match)
            mask[match.start - low:match.end - low] = b"\x01" * (match.end - match.start)
    return chosen


def select(matches: Iterable[Match]) -> list[Match]:
    """Longest non-overlapping names (actors before groups before places); then, per concept
    scheme, the longest non-overlapping forms outside those names — so "idéburen sektor" is
    both a partner sector and a target group, but "Myndigheten för delaktighet" is no theme.
    Ties are broken by IRI, so the result never depends on hashing order."""
    pool = list(matches)
    names = _longest_first((m for m in pool if m.entry.kind != "concept"), [])
    chosen = list(names)
    schemes = sorted({m.entry.scheme for m in pool if m.entry.kind == "concept"})
    for scheme in schemes:
        chosen += _longest_first((m for m in pool if m.entry.kind == "concept"
                                  and m.entry.scheme == scheme), names)
    return sorted(chosen, key=lambda m: (m.start, m.end, str(m.iri)))


@dataclass(frozen=True)
class ActorInfo:
    iri: URIRef
    label: str
    types: tuple[str, ...]  # actor-type notations (Gotland's kommun is also its region)
    county: str | None  # länskod
    kommun: str | None  # kommunkod
    place: URIRef | None

    @property
    def actor_type(self) -> str:
        return self.types[0]


@dataclass(frozen=True)
class PlaceInfo:
    iri: URIRef
    name: str
    level: str  # "kommun" | "lan"
    code: str
    county: str
    slug: str
    short: str  # "Värmland" for "Värmlands län"


@dataclass(frozen=True)
class ConceptInfo:
    iri: URIRef
    scheme: str
    notation: str
    label_sv: str
    label_en: str
    event_scope: str | None
    name_keywords: tuple[str, ...]


class Lexicon:
    """Actors, places, groups and concepts, with one matcher over all their forms."""

    def __init__(self, reference: Graph, concepts: Graph,
                 known_events: Mapping[tuple[str, int], KnownEvent] | None = None,
                 case_sensitive: Iterable[URIRef] = ()) -> None:
        self.known_events = dict(known_events or {})
        self._case_sensitive = set(case_sensitive)  # names that are also ordinary words
        self.actors: dict[URIRef, ActorInfo] = {}
        self.places: dict[URIRef, PlaceInfo] = {}
        self.groups: dict[URIRef, tuple[str, tuple[URIRef, ...]]] = {}  # → (county, members)
        self.concepts: dict[URIRef, ConceptInfo] = {}
        self.goal_forms: list[str] = []  # the declaration's general goals, as worded
        self.matcher = Matcher()
        self.declaration_authors: set[URIRef] = set(reference.objects(None, DCTERMS.creator))
        self._read_places(reference)
        self._read_actors(reference)
        self._read_groups(reference)
        self._read_concepts(concepts)
        self.county_places = {p.code: p for p in self.places.values() if p.level == "lan"}
        self.kommun_places = {p.code: p for p in self.places.values() if p.level == "kommun"}
        self.by_type_and_county: dict[tuple[str, str], URIRef] = {}
        for actor in self.actors.values():
            if actor.county and actor.actor_type in ("region", "lansstyrelse", "kommun"):
                for actor_type in actor.types:
                    if actor_type != "kommun":
                        self.by_type_and_county[(actor_type, actor.county)] = actor.iri
        self.kommun_group = {county: iri for iri, (county, _) in self.groups.items()}

    # reading the graphs
    def _forms(self, g: Graph, node: URIRef, *extra: URIRef) -> list[str]:
        forms: set[str] = set()
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, *extra):
            for value in g.objects(node, prop):
                if isinstance(value, Literal) and value.language in (None, "sv"):
                    forms.add(str(value))
        return sorted(forms)

    def _read_places(self, g: Graph) -> None:
        for node in sorted(g.subjects(RDF.type, SCHEMA.AdministrativeArea)):
            code = str(g.value(node, DCTERMS.identifier) or "")
            name = str(g.value(node, SCHEMA.name) or g.value(node, RDFS.label) or "")
            level = "kommun" if len(code) == 4 else "lan"
            county = code[:2]
            slug = str(g.value(node, SKOS.notation) or "")
            short = str(g.value(node, SKOS.hiddenLabel) or name)
            self.places[node] = PlaceInfo(node, name, level, code, county, slug, short)
            for form in self._forms(g, node, SCHEMA.name):
                self.matcher.add(form, Entry("place", node, case_sensitive=True))

    def _read_actors(self, g: Graph) -> None:
        for node in sorted(set(g.subjects(RDF.type, ORG.Organization))):
            types = tuple(sorted((str(c).rsplit("/", 1)[-1] for c in g.objects(node, ORG.classification)),
                                 key=lambda t: t != "kommun"))
            place = g.value(node, DCTERMS.spatial)
            info = self.places.get(place) if isinstance(place, URIRef) else None
            label = next((str(v) for v in g.objects(node, RDFS.label)
                          if isinstance(v, Literal) and v.language == "sv"), str(node))
            self.actors[node] = ActorInfo(
                node, label, types or ("annat",), info.county if info else None,
                info.code if info and info.level == "kommun" else None,
                place if isinstance(place, URIRef) else None)
            strict = node in self._case_sensitive
            for form in self._forms(g, node):
                single = len(_TOKEN.findall(form)) == 1
                self.matcher.add(form, Entry("actor", node, case_sensitive=single or strict))

    def _read_groups(self, g: Graph) -> None:
        for node in sorted(g.subjects(RDF.type, FOAF.Group)):
            place = g.value(node, DCTERMS.spatial)
            county = self.places[place].county if place in self.places else ""
            members = tuple(sorted(g.objects(node, FOAF.member)))
            self.groups[node] = (county, members)
            for form in self._forms(g, node):
                self.matcher.add(form, Entry("group", node))

    def _read_concepts(self, g: Graph) -> None:
        for node in sorted(set(g.subjects(RDF.type, SKOS.Concept))):
            if not str(node).startswith(str(DGC)):
                continue
            scheme = str(node)[len(str(DGC)):].split("/", 1)[0]
            labels = {lit.language: str(lit) for lit in g.objects(node, SKOS.prefLabel)
                      if isinstance(lit, Literal)}
            scope = g.value(node, DG.eventScope)
            keywords = tuple(str(k) for k in g.objects(node, DG.nameKeyword))
            self.concepts[node] = ConceptInfo(
                node, scheme, str(g.value(node, SKOS.notation) or str(node).rsplit("/", 1)[-1]),
                labels.get("sv", ""), labels.get("en", ""), str(scope) if scope else None, keywords)
            entry = Entry("concept", node, scheme, compounds=scheme in COMPOUND_SCHEMES)
            for form in self._forms(g, node):
                self.matcher.add(form, entry)
                if scheme == "declaration-goal":
                    self.goal_forms.append(form)

    # questions the extractor asks
    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        return self.matcher.find(text, start, end)

    def concepts_in(self, scheme: str) -> list[ConceptInfo]:
        return [c for c in self.concepts.values() if c.scheme == scheme]

    def concept(self, scheme: str, notation: str) -> ConceptInfo | None:
        return self.concepts.get(DGC[f"{scheme}/{notation}"])

    def county_body(self, actor_type: str, county: str | None) -> URIRef | None:
        """The region or länsstyrelse of a county (Gotland's region is its kommun)."""
        return self.by_type_and_county.get((actor_type, county or ""))

    def place_of(self, actor: URIRef) -> PlaceInfo | None:
        info = self.actors.get(actor)
        return self.places.get(info.place) if info and info.place else None
