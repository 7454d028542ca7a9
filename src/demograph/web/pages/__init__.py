"""The pages about resources, for people: server-rendered HTML, Swedish with English a
``?lang=en`` away, each carrying its own JSON-LD.

The template is chosen by the resource's class (``kinds.kind_of``); each kind's builder runs
its few bounded section queries. ``web/ld.py`` decides *whether* HTML is served (content
negotiation); this package only renders it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from flask import render_template
from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier

from ...prefixes import PREFIXES
from ...queries import text
from ..data import Data, to_rdflib
from . import kinds
from ..site import pick
from .model import HELPERS, Described, Labels, ref, shown

JSONLD_CONTEXT = dict(PREFIXES)
_XSD_STRING = str(XSD.string)


def describe(data: Data, iri: URIRef) -> Described:
    """The resource's concise bounded description (``describe.rq``), with plain literals for
    ``xsd:string`` ones, which RDF 1.1 says are the same term (rdflib does not)."""
    triples = []
    for triple in data.triples(text("pages/describe"), iri=iri):
        o = triple.object
        if isinstance(o, ox.Literal) and not o.language and o.datatype.value == _XSD_STRING:
            obj: Identifier = Literal(o.value)
        else:
            obj = to_rdflib(o)
        triples.append((to_rdflib(triple.subject), to_rdflib(triple.predicate), obj))
    return Described(iri, triples)


def exists(data: Data, iri: URIRef) -> bool:
    return data.ask(text("pages/exists"), iri=iri)


# JSON-LD keys: a prefixed name where the local part needs no escaping (so it reads back as the
# same IRI under the context), else the full IRI
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")


def _key(predicate: Identifier) -> str:
    iri = str(predicate)
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL.match(iri, len(namespace)):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _node_id(term: Identifier) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _value(term: Identifier) -> Any:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is None or term.datatype == XSD.string:
            return str(term)  # a plain JSON string is an xsd:string literal
        return {"@value": str(term), "@type": str(term.datatype)}
    return {"@id": _node_id(term)}


def jsonld(triples: Iterable[tuple[Identifier, Identifier, Identifier]],
           first: Identifier | None = None, indent: int | None = None) -> str:
    """Triples as compacted JSON-LD (the prefixes as context, one node per subject, ``first``
    leading), written directly: rdflib's serializer, which builds and compacts a generic
    document, cost more than the rest of a page."""
    nodes: dict[Identifier, dict[str, list[Any]]] = {}
    if first is not None:
        nodes[first] = {}
    for s, p, o in triples:
        node = nodes.setdefault(s, {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(str(o))
        else:
            node.setdefault(_key(p), []).append(_value(o))
    graph = [{"@id": _node_id(s), **properties} for s, properties in nodes.items() if properties]
    return json.dumps({"@context": JSONLD_CONTEXT, "@graph": graph}, ensure_ascii=False,
                      indent=indent, separators=None if indent else (",", ":"))


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
                           formats=formats, jsonld=script_safe(jsonld(d.triples, d.iri)), ref=ref,
                           shown=shown, **HELPERS, **context)


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
    ontology = URIRef(data.runtime.settings.base + "graph/ontology")
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for row in data.select(text("pages/vocabulary-graph"), graph=ontology):
        graph.add((row["s"], row["p"], row["o"]))
    return graph
