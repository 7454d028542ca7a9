"""rdflib ⇄ pyoxigraph, through N-Triples/N-Quads bytes: both sides parse those fastest."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef


def graph_to_quads(graph: Graph, name: URIRef | None) -> list[ox.Quad]:
    data = graph.serialize(format="nt", encoding="utf-8")
    target = ox.NamedNode(str(name)) if name is not None else ox.DefaultGraph()
    return [ox.Quad(t.subject, t.predicate, t.object, target)
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def quads_to_graph(quads: object) -> Graph:
    """Triples of any iterable of quads or triples, as one rdflib graph (graph names dropped)."""
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)  # type: ignore[attr-defined]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    g = Graph()
    if data:
        g.parse(data=data, format="nt")
    return g

