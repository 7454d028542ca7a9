"""The query workbench (``/query``) and the views (``/views/…``): from a question to an answer,
and to a picture, in the browser.

``/query`` is YASGUI's editor (YASQE) and result viewer (YASR), bundled in ``static/vendor``
so it works offline, pointed at this server's ``/sparql``. Its address is its permalink:
``/query?query=…&view=table|response`` opens that query in that view and runs it.

Each view computes its data with a named query (``queries/views/*.rq``), shows it as a
picture and as a table, and has machine twins: ``/views/NAME.json`` and ``/views/NAME.csv``
with the same rows and the same filters.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request, url_for
from rdflib import Literal
from rdflib.term import Identifier

from .. import examples
from ..prefixes import PREFIXES
from ..queries import text
from . import charts, site
from .data import Data
from .runtime import current

bp = Blueprint("workbench", __name__)

VIEWS = ("table", "response")  # the YASR plugins a permalink may name
DEFAULT_EXAMPLE = "lansstyrelse-partners"
Row = dict[str, str | int]


def _select(name: str) -> list[dict[str, Identifier]]:
    """Rows of ``queries/views/NAME.rq``, labels in the page's language."""
    data: Data = current().data
    return data.select(text(f"views/{name}"), lang=Literal(site.lang()))


def _str(row: dict[str, Identifier], key: str, default: str = "") -> str:
    value = row.get(key)
    return str(value) if value is not None else default


def _int(row: dict[str, Identifier], key: str) -> int:
    value = row.get(key)
    return int(value) if value is not None else 0  # type: ignore[call-overload]


def _local(iri: str) -> str | None:
    return site.doc_href(iri) if iri else None


# --- the editor ----------------------------------------------------------------------------

def example_items() -> list[dict[str, str]]:
    """The examples as the page lists them: title, description, query, permalink."""
    base = site.base()
    items = []
    for item in examples.load_examples():
        query = examples.for_base(item.query, base)
        items.append({"name": item.name, "title": item.title(site.lang()),
                      "description": item.description(site.lang()), "query": query,
                      "href": site.with_lang("/query?" + urlencode({"query": query}))})
    return items


@bp.get("/query")
def editor() -> str:
    items = example_items()
    chosen = request.args.get("example")
    if chosen is not None and chosen not in {i["name"] for i in items}:
        abort(404, f"no example named {chosen!r}; the examples are: "
                   + ", ".join(i["name"] for i in items))
    query = request.args.get("query")
    if query is None:
        wanted = chosen or DEFAULT_EXAMPLE
        query = next(i["query"] for i in items if i["name"] == wanted)
    view = request.args.get("view", "table")
    config = {
        "endpoint": "/sparql",
        "query": query,
        "view": view if view in VIEWS else "table",
        # A permalink (or an example link) runs at once: that is what citing a result means.
        "run": "query" in request.args or chosen is not None,
        "terms": url_for("workbench.terms", lang=site.lang()),
        "prefixes": PREFIXES,
        "local": {"id": site.base() + "id/", "def": site.DEF, "concept": site.CONCEPT},
        "lang": site.lang(),
    }
    return render_template("workbench/query.html", examples=items, query=query,
                           config=config, chosen=chosen)


@bp.get("/query/terms.json")
def terms() -> Response:
    """The vocabulary and concepts for completion, read from the store (never stale)."""
    rows = [{"iri": _str(r, "term"), "kind": _str(r, "type"), "label": _str(r, "text")}
            for r in _select("terms")]
    return _json({"terms": rows})


# --- views: data ---------------------------------------------------------------------------

NETWORK_COLUMNS = ["actor", "actorLabel", "actorType", "countyCode", "partner", "partnerLabel",
                   "partnerType", "commitments"]


def network_rows() -> list[Row]:
    """Edges actor → partner, filtered by ``?county=`` (länskod of the committing actor) and
    ``?type=`` (its actor type notation)."""
    county, kind = request.args.get("county", ""), request.args.get("type", "")
    rows: list[Row] = []
    for r in _select("network"):
        row: Row = {name: _str(r, name) for name in NETWORK_COLUMNS[:-1]}
        row["actorLabel"] = row["actorLabel"] or row["actor"]
        row["partnerLabel"] = row["partnerLabel"] or row["partner"]
        row["commitments"] = _int(r, "commitments")
        if (not county or row["countyCode"] == county) and (not kind or row["actorType"] == kind):
            rows.append(row)
    return rows


def themes_rows() -> list[Row]:
    rows: list[Row] = []
    for by, name in (("actor-type", "themes-by-actor-type"), ("county", "themes-by-county")):
        for r in _select(name):
            rows.append({"by": by, "group": _str(r, "group"), "groupLabel": _str(r, "groupLabel"),
                         "theme": _str(r, "theme"), "themeLabel": _str(r, "themeLabel"),
                         "commitments": _int(r, "commitments")})
    return rows


def timeline_rows() -> list[Row]:
    return [{"event": _str(r, "event"), "eventLabel": _str(r, "eventLabel", _str(r, "event")),
             "start": _str(r, "start"), "end": _str(r, "end"), "type": _str(r, "typeLabel"),
             "place": _str(r, "placeName"), "commitments": _int(r, "commitments")}
            for r in _select("timeline")]


def map_rows() -> list[Row]:
    return [{"county": _str(r, "county"), "code": _str(r, "code"),
             "countyLabel": _str(r, "countyLabel"), "signatories": _int(r, "signatories")}
            for r in _select("signatories-by-county")]


DATA: dict[str, Callable[[], list[Row]]] = {
    "network": network_rows, "themes": themes_rows, "timeline": timeline_rows, "map": map_rows}


def _json(document: object) -> Response:
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    content_type="application/json; charset=utf-8")


def _csv(rows: list[Row], name: str) -> Response:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="demograph-{name}.csv"'
    return response


@bp.get("/views/<name>.<fmt>")
def view_data(name: str, fmt: str) -> Response:
    if name not in DATA or fmt not in ("json", "csv"):
        abort(404, f"no view data at /views/{name}.{fmt}; views: {', '.join(DATA)}; "
                   "formats: json, csv")
    rows = DATA[name]()
    if fmt == "csv":
        return _csv(rows, name)
    return _json({"view": name, "filters": {k: v for k, v in request.args.items()}, "rows": rows})


def downloads(name: str) -> dict[str, str]:
    """The data twins of the current view, with its filters."""
    args = {k: v for k, v in request.args.items() if v}
    suffix = ("?" + urlencode(args)) if args else ""
    return {fmt: f"/views/{name}.{fmt}{suffix}" for fmt in ("json", "csv")}


# --- views: pages --------------------------------------------------------------------------

@bp.get("/views")
@bp.get("/views/")
def index() -> str:
    return render_template("workbench/views.html")


@bp.get("/views/network")
def network() -> str:
    rows = network_rows()
    nodes: dict[str, dict[str, str | None]] = {}
    for row in rows:
        for end in ("actor", "partner"):
            iri = str(row[end])
            nodes.setdefault(iri, {"id": iri, "label": str(row[f"{end}Label"]),
                                   "type": str(row[f"{end}Type"]) or "grupp",
                                   "href": _local(iri), "role": end})
    graph = {"nodes": list(nodes.values()),
             "edges": [{"source": r["actor"], "target": r["partner"],
                        "weight": r["commitments"]} for r in rows]}
    counties, types = _options()
    return render_template("workbench/network.html", rows=rows, graph=graph,
                           counties=counties, types=types,
                           county=request.args.get("county", ""),
                           kind=request.args.get("type", ""), downloads=downloads("network"))


def _options() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The filter choices, from one pass over the unfiltered network: every län and every
    actor type that occurs as a committing actor's."""
    counties: set[str] = set()
    types: set[str] = set()
    for r in _select("network"):
        if r.get("countyCode") is not None:
            counties.add(_str(r, "countyCode"))
        if r.get("actorType") is not None:
            types.add(_str(r, "actorType"))
    names = {str(row["code"]): str(row["countyLabel"]) for row in map_rows()}
    return (sorted(((code, names.get(code, code)) for code in counties), key=lambda o: o[1]),
            [(kind, kind) for kind in sorted(types)])


@bp.get("/views/themes")
def themes() -> str:
    rows = themes_rows()
    pictures = {}
    for by in ("actor-type", "county"):
        cells = [charts.Cell(str(r["themeLabel"]), str(r["groupLabel"]), int(r["commitments"]))
                 for r in rows if r["by"] == by]
        pictures[by] = charts.heat_table(cells, site.t(
            "Åtaganden per tema och " + ("aktörstyp" if by == "actor-type" else "län"),
            "Commitments by theme and " + ("actor type" if by == "actor-type" else "county")))
    return render_template("workbench/themes.html", rows=rows, pictures=pictures,
                           downloads=downloads("themes"))


MONTHS = {"sv": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
                 "dec"],
          "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec"]}


@bp.get("/views/timeline")
def timeline() -> str:
    rows = timeline_rows()
    spans = []
    for r in rows:
        try:
            start, end = date.fromisoformat(str(r["start"])), date.fromisoformat(str(r["end"]))
        except ValueError:  # a malformed date in loaded data: listed, not drawn
            continue
        spans.append(charts.Span(str(r["eventLabel"]), start, end,
                                 f"{r['eventLabel']}: {r['start']} – {r['end']}",
                                 _local(str(r["event"]))))
    picture = charts.timeline(spans, site.t("Evenemang över tid", "Events over time"),
                              MONTHS[site.lang()])
    return render_template("workbench/timeline.html", rows=rows, picture=picture,
                           downloads=downloads("timeline"))


@bp.get("/views/map")
def county_map() -> str:
    rows = map_rows()
    tiles = [charts.Tile(str(r["code"]), str(r["countyLabel"]), int(r["signatories"]),
                         _local(str(r["county"]))) for r in rows]
    picture = charts.tile_map(tiles, site.t("Undertecknare per län", "Signatories by county"),
                              site.t("undertecknare", "signatories"))
    return render_template("workbench/map.html", rows=rows, picture=picture,
                           signed=[r for r in rows if r["signatories"]],
                           downloads=downloads("map"))
