"""Finding things without SPARQL: the home page, the lists of actors, themes and events, and
search. Plain HTML, GET forms, no JavaScript; every list is one named query
(``queries/browse/``), with request values passed only as bound values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ..prefixes import PREFIXES
from ..queries import text
from ..search import Document, Hit, Index
from .data import Data, PerSnapshot, Row
from .site import label, pick, t
from .workbench import example_items
from .runtime import current

bp = Blueprint("browse", __name__)

MAX_PARAM = 200  # longer filter or search values are cut: no code or search needs more
SEARCH_LIMIT = 50
DGC = PREFIXES["dgc"]


def data() -> Data:
    return current().data


@dataclass
class Item:
    """One thing from rows that repeat it once per label: every value each variable took."""

    iri: Identifier
    values: dict[str, list[Identifier]]

    def one(self, name: str) -> Identifier | None:
        found = self.values.get(name, [])
        return found[0] if found else None

    def label(self, name: str = "label", of: str | None = None) -> str:
        """The best label in ``name`` for the page's language (sv → en → the IRI)."""
        return label(self.one(of) if of else self.iri, self.values.get(name, []))  # type: ignore[arg-type]

    def number(self, name: str) -> int:
        value = self.one(name)
        return int(value) if value is not None else 0  # type: ignore[call-overload]


def fold_rows(rows: Iterable[Row], key: str) -> list[Item]:
    """Rows → one Item per distinct ``key``, in first-seen order."""
    items: dict[Identifier, Item] = {}
    for row in rows:
        item = items.setdefault(row[key], Item(row[key], defaultdict(list)))
        for name, value in row.items():
            if value not in item.values[name]:
                item.values[name].append(value)
    return list(items.values())


def _param(name: str) -> str:
    return request.args.get(name, "").strip()[:MAX_PARAM]


# --- home ---------------------------------------------------------------------------------
@bp.route("/")
def home() -> str:
    row = data().select(text("browse/counts"))[0]
    counts = {name: int(value) for name, value in row.items()}  # type: ignore[call-overload]
    counts["triples"] = data().count()
    manifest = current().manifest()
    # built as the workbench lists them: under the configured base, in the page's language
    examples = example_items()
    return render_template("browse/home.html", counts=counts, examples=examples,
                           built=manifest.created)


# --- lists --------------------------------------------------------------------------------
@dataclass
class Choice:
    code: str
    label: str
    actors: int


def _facets() -> dict[str, list[Choice]]:
    chosen: dict[str, list[Choice]] = {"type": [], "county": []}
    for item in fold_rows(data().select(text("browse/facets")), "value"):
        chosen[str(item.one("facet"))].append(
            Choice(str(item.one("code")), item.label(), item.number("actors")))
    chosen["type"].sort(key=lambda c: c.label.casefold())
    chosen["county"].sort(key=lambda c: c.code)
    return chosen


@bp.route("/actors")
def actors() -> str:
    wanted = {"type": _param("type"), "county": _param("county")}
    bindings: dict[str, Identifier] = {}
    if wanted["type"]:
        bindings["ofType"] = Literal(wanted["type"])
    if wanted["county"]:
        bindings["inCounty"] = Literal(wanted["county"])
    items = fold_rows(data().select(text("browse/actors"), **bindings), "actor")
    rows = sorted(({"iri": i.iri, "name": i.label(), "type": i.label("typeLabel", "type"),
                    "county": i.label("countyLabel", "county") if i.one("county") else "",
                    "commitments": i.number("commitments")} for i in items),
                  key=lambda r: r["name"].casefold())
    return render_template("browse/actors.html", rows=rows, facets=_facets(), wanted=wanted)


@bp.route("/themes")
def themes() -> str:
    lists: dict[str, list[dict[str, Any]]] = {"theme": [], "target-group": []}
    for item in fold_rows(data().select(text("browse/themes")), "concept"):
        scheme = str(item.one("scheme"))[len(DGC):]
        lists[scheme].append({"iri": item.iri, "name": item.label(),
                              "commitments": item.number("commitments"),
                              "actors": item.number("actors")})
    for entries in lists.values():
        entries.sort(key=lambda e: (-e["commitments"], e["name"].casefold()))
    return render_template("browse/themes.html", themes=lists["theme"],
                           groups=lists["target-group"])


@bp.route("/events")
def events() -> str:
    years: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in fold_rows(data().select(text("browse/events")), "event"):
        start, end = item.one("start"), item.one("end")
        years[str(start)[:4] if start is not None else ""].append({
            "iri": item.iri, "name": item.label(), "start": str(start or ""),
            "end": str(end or ""), "when": str(pick(item.values.get("dateText", [])) or ""),
            "type": item.label("typeLabel", "type") if item.one("type") else "",
            "place": item.one("place"),
            "place_name": item.label("placeLabel", "place") if item.one("place") else "",
            "commitments": item.number("commitments")})
    timeline = [(year, sorted(entries, key=lambda e: (e["start"], e["end"], e["name"])))
                for year, entries in sorted(years.items(), key=lambda y: (y[0] == "", y[0]))]
    return render_template("browse/events.html", timeline=timeline)


# --- search -------------------------------------------------------------------------------
@dataclass
class SearchIndex:
    index: Index
    names: dict[str, list[Literal]]  # IRI → labels, to name hits in the page's language


def build_search_index(source: Data) -> SearchIndex:
    texts: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    extra: dict[str, dict[str, str]] = defaultdict(dict)
    names: dict[str, list[Literal]] = defaultdict(list)
    signed: set[str] = set()
    for row in source.iter_select(text("browse/search-documents")):
        key, kind = str(row["doc"]), str(row["kind"])
        kinds[key] = kind
        body = str(row["text"])
        # Swedish first: it is what the texts are in and what the snippet shows
        if body not in texts[key]:
            if str(row.get("lang")) == "sv":
                texts[key].insert(0, body)
            else:
                texts[key].append(body)
        if kind != "commitment" and row["text"] not in names[key]:
            names[key].append(row["text"])  # type: ignore[arg-type]
        if kind == "commitment":
            actor = str(row["actor"])
            extra[key] = {"actor": actor, "ordinal": str(row.get("ordinal", ""))}
            if "actorLabel" in row and row["actorLabel"] not in names[actor]:
                names[actor].append(row["actorLabel"])  # type: ignore[arg-type]
        if str(row.get("signed")) == "true":
            signed.add(key)
    documents = [Document(key, kinds[key], texts[key][0], " · ".join(texts[key]),
                          weight=1.5 if key in signed else 1.0,
                          extra=tuple(extra[key].items()))
                 for key in texts]
    words = [str(r["form"]) for r in source.iter_select(text("browse/search-vocabulary"))]
    return SearchIndex(Index.build(documents, words), dict(names))


KINDS = {"actor": ("Aktör", "Actor"), "commitment": ("Åtagande", "Commitment"),
         "event": ("Händelse", "Event")}


def _present(hit: Hit, names: dict[str, list[Literal]]) -> dict[str, Any]:
    doc = hit.document
    extra = dict(doc.extra)
    if doc.kind == "commitment":
        actor = extra["actor"]
        title = f"{label(actor, names.get(actor, []))}, {t('åtagande', 'commitment')} " \
                f"{extra['ordinal']}".strip()
    else:
        title = label(doc.key, names.get(doc.key, []))
    return {"iri": URIRef(doc.key), "title": title, "kind": t(*KINDS.get(doc.kind, (doc.kind,) * 2)),
            "snippet": hit.snippet, "matched": hit.matched}


@bp.route("/search")
def search() -> str:
    query = _param("q")
    hits: list[dict[str, Any]] = []
    words: list[str] = []
    if query:
        found = current_app.extensions["demograph.search"].get(data())
        words = found.index.query_words(query)
        hits = [_present(hit, found.names) for hit in found.index.search(query, SEARCH_LIMIT)]
    return render_template("browse/search.html", query=query, hits=hits, words=words,
                           limit=SEARCH_LIMIT)


def init_app(app: Flask) -> None:
    app.extensions["demograph.search"] = PerSnapshot(build_search_index)
    app.register_blueprint(bp)
