"""What the page templates are given: a resource's description, labels gathered from query
rows, and the two helpers that turn data into safe markup (``shown`` and ``ref``).

Everything from the data is escaped here or by Jinja's autoescape; a literal in a language
other than the page's is wrapped in an element with its ``lang``, so screen readers switch
voice; only http(s) IRIs become links (``site.doc_href``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Identifier

from ...prefixes import PREFIXES
from ..site import doc_href, lang, pick, t

LABELS = (RDFS.label, SKOS.prefLabel)


def shown(value: Identifier | str | None) -> Markup:
    """A value as escaped text, with ``lang`` when its language is not the page's."""
    if value is None:
        return Markup("")
    if isinstance(value, Literal) and value.language and value.language != lang():
        # concatenation of escaped parts: Markup.format goes through string.Formatter, which
        # was a measurable part of a page with a few hundred labels
        return Markup(f'<span lang="{escape(value.language)}">{escape(str(value))}</span>')
    return escape(str(value))


def compact(iri: Identifier) -> str:
    """``iri`` as a prefixed name where a known prefix fits (``org:Organization``)."""
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return text


def ref(iri: Identifier, labels: Iterable[Literal] = ()) -> Markup:
    """A link to ``iri`` named by its best label (else its prefixed name); plain text when it
    may not be a link."""
    chosen = pick(labels)
    text = shown(chosen) if chosen is not None else escape(compact(iri))
    href = doc_href(iri) if isinstance(iri, URIRef) else None
    if href is None:
        return Markup(f'<span class="iri">{text}</span>')
    return Markup(f'<a href="{escape(href)}">{text}</a>')


def refs(items: Iterable[Identifier], labels: "Labels") -> Markup:
    """Links to ``items``, comma-separated."""
    return Markup(", ").join([labels.ref(item) for item in items])


def verbatim(value: Literal | str) -> Markup:
    """The verbatim text of the data, marked with its language (Swedish) on the English pages."""
    language = getattr(value, "language", None) or "sv"
    return Markup(f'\n<blockquote lang="{escape(language)}">{escape(str(value))}</blockquote>')


def commitment_links(c: object, links: Iterable[tuple[Identifier, str, str]], labels: "Labels") -> Markup:
    """What a commitment links to, one ``<dt>``/``<dd>`` pair per kind of link it has."""
    found: Mapping[Identifier, list[Identifier]] = c.links  # type: ignore[attr-defined]
    parts = [Markup("\n<dl class=\"facts\">\n")]
    for rel, sv, en in links:
        if found.get(rel):
            parts.append(Markup(f"\n  <dt>{escape(t(sv, en))}</dt>\n  <dd>{refs(found[rel], labels)}</dd>\n"))
    parts.append(Markup("\n</dl>\n"))
    return Markup("").join(parts)


# The three above were Jinja macros: a macro call costs tens of microseconds, and an actor or
# concept page makes hundreds of them. They write exactly what the macros wrote.
HELPERS = {"refs": refs, "verbatim": verbatim, "commitment_links": commitment_links}


@dataclass
class Labels:
    """Labels of many IRIs, gathered from query rows (one row per label)."""

    by_iri: dict[Identifier, list[Literal]] = field(default_factory=dict)
    # links already made, by IRI: a page names the same themes and groups many times. A Labels
    # lives for one request, so the page's language cannot change under it; adding a label
    # forgets them.
    _refs: dict[Identifier, Markup] = field(default_factory=dict, repr=False, compare=False)

    def add(self, iri: Identifier | None, value: Identifier | None) -> None:
        if iri is None:
            return
        if self._refs:
            self._refs.clear()
        found = self.by_iri.setdefault(iri, [])
        if isinstance(value, Literal) and value not in found:
            found.append(value)

    def gather(self, rows: Iterable[Mapping[str, Identifier]], key: str, label: str) -> "Labels":
        for row in rows:
            self.add(row.get(key), row.get(label))
        return self

    def of(self, iri: Identifier) -> list[Literal]:
        return self.by_iri.get(iri, [])

    def ref(self, iri: Identifier) -> Markup:
        made = self._refs.get(iri)
        if made is None:
            made = self._refs[iri] = ref(iri, self.of(iri))
        return made

    def text(self, iri: Identifier) -> str:
        chosen = pick(self.of(iri))
        return str(chosen) if chosen is not None else str(iri)


Triple = tuple[Identifier, Identifier, Identifier]


class Described:
    """A resource's description (``describe.rq``): its statements and its neighbours' labels.

    Held as triples indexed by subject and predicate, which is all a page reads; the rdflib
    ``graph`` (slow to fill: every add updates several indexes) is only built when a machine
    format or an RDF list walk needs it."""

    def __init__(self, iri: URIRef, triples: Iterable[Triple]) -> None:
        self.iri = iri
        self.triples: list[Triple] = list(dict.fromkeys(triples))  # distinct, in order
        self._index: dict[Identifier, dict[Identifier, list[Identifier]]] = {}
        for s, p, o in self.triples:
            self._index.setdefault(s, {}).setdefault(p, []).append(o)
        self._graph: Graph | None = None

    def __len__(self) -> int:
        return len(self.triples)

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            graph = Graph()
            for prefix, namespace in PREFIXES.items():
                graph.bind(prefix, namespace)
            for triple in self.triples:
                graph.add(triple)
            self._graph = graph
        return self._graph

    def objects(self, subject: Identifier, predicate: Identifier) -> list[Identifier]:
        return self._index.get(subject, {}).get(predicate, [])

    def values(self, predicate: URIRef) -> list[Identifier]:
        return sorted(self.objects(self.iri, predicate), key=str)

    def value(self, predicate: URIRef) -> Identifier | None:
        found = self.values(predicate)
        return found[0] if found else None

    def labels_of(self, iri: Identifier) -> list[Literal]:
        return [o for p in LABELS for o in self.objects(iri, p) if isinstance(o, Literal)]

    def literal(self, predicate: URIRef) -> Literal | None:
        """The best literal of ``predicate`` for the page's language."""
        return pick(o for o in self.objects(self.iri, predicate) if isinstance(o, Literal))

    @property
    def types(self) -> set[Identifier]:
        return set(self.objects(self.iri, RDF.type))

    @property
    def title(self) -> Literal | str:
        chosen = pick(self.labels_of(self.iri))
        return chosen if chosen is not None else str(self.iri)

    def ref(self, iri: Identifier) -> Markup:
        return ref(iri, self.labels_of(iri))

    def refs(self, predicate: URIRef) -> list[Markup]:
        """Links to every object of ``predicate``, in label order."""
        objects = self.values(predicate)
        return [self.ref(o) for o in sorted(objects, key=lambda o: str(pick(self.labels_of(o)) or o))]
