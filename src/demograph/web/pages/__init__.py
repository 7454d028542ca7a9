"""The pages about resources, for people: server-rendered HTML, Swedish with English a
``?lang=en`` away, each carrying its own JSON-LD.

The template is chosen by the resource's class (``kinds.kind_of``); each kind's builder runs
its few bounded section queries. ``web/ld.py`` decides *whether* HTML is served (content
negotiation); this package only renders it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import render_template
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ...prefixes import PREFIXES
from ...queries import text
from ..data import Data
from . import kinds
from ..site import pick
from .model import Described, Labels, ref, shown

JSONLD_CONTEXT = dict(PREFIXES)


def describe(data: Data, iri: URIRef) -> Described:
    """The resource's concise bounded description (``describe.rq``), with plain literals for
    ``xsd:string`` ones, which RDF 1.1 says are the same term (rdflib does not)."""
    graph = data.construct(text("pages/describe"), iri=iri)
    for s, p, o in list(graph):
        if isinstance(o, Literal) and o.datatype == XSD.string:
            graph.remove((s, p, o))
            graph.add((s, p, Literal(str(o))))
    return Described(iri, graph)


def exists(data: Data, iri: URIRef) -> bool:
    return data.ask(text("pages/exists"), iri=iri)


def jsonld(graph: Graph) -> str:
    return graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)


def script_safe(json_text: str) -> Markup:
    """JSON for a ``<script>`` element: ``<``, ``>`` and ``&`` only occur inside JSON strings,
    where their ``\\u`` escapes mean the same, so no literal can close the element."""
    return Markup(json_text.replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("&", "\\u0026"))


def render(data: Data, d: Described, formats: list[dict[str, str]], page: int = 0) -> str:
    kind = kinds.kind_of(d)
    if kind == "generic":
        context = kinds.generic(data, d, page)
    else:
        context = kinds.BUILDERS[kind](data, d)
    return render_template(f"doc/{kind}.html", d=d, kind=kind, kind_name=kinds.kind_name(kind),
                           formats=formats, jsonld=script_safe(jsonld(d.graph)), ref=ref,
                           shown=shown, **context)


def vocabulary(data: Data, formats: list[dict[str, str]]) -> str:
    rows = data.select(text("pages/vocabulary"))
    usage = {r["term"]: r for r in data.select(text("pages/vocabulary-usage"))}
    labels = Labels()
    terms: dict[URIRef, dict[str, Any]] = {}
    for row in rows:
        entry = terms.setdefault(row["term"], {"iri": row["term"], "kinds": set(),  # type: ignore[index]
                                               "comments": [], "domains": [], "ranges": []})
        entry["kinds"].add(row["kind"])
        labels.add(row["term"], row.get("label"))
        for key, value in (("comments", row.get("comment")), ("domains", row.get("domain"))):
            if value is not None and value not in entry[key]:
                entry[key].append(value)
        shown_range = row.get("member") or (row.get("range") if isinstance(row.get("range"), URIRef) else None)
        if shown_range is not None and shown_range not in entry["ranges"]:
            entry["ranges"].append(shown_range)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for iri, entry in sorted(terms.items(), key=lambda kv: str(kv[0])):
        counts = usage.get(iri, {})
        entry["instances"] = int(str(counts.get("instances", 0)))
        entry["statements"] = int(str(counts.get("statements", 0)))
        is_class = any(str(k).endswith("#Class") for k in entry["kinds"])
        groups["classes" if is_class else "properties"].append(entry)
    graph = vocabulary_graph(data)
    return render_template("doc/vocabulary.html", classes=groups["classes"],
                           properties=groups["properties"], labels=labels, ref=ref, shown=shown, pick=pick,
                           formats=formats, jsonld=script_safe(jsonld(graph)))


def not_found(iri: str, formats: list[dict[str, str]]) -> str:
    return render_template("doc/not_found.html", iri=iri, formats=formats)


def vocabulary_graph(data: Data) -> Graph:
    return data.construct(text("pages/vocabulary-graph"))
