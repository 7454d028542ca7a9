"""The SPARQL service description (``sd:``): what this endpoint really does, and no more —
the formats it serves, its limits, its graphs, and that it takes no updates."""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import VOID, XSD

from ..config import Settings
from ..namespaces import DG, SD
from ..store import Manifest

FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(endpoint: str, settings: Settings, manifest: Manifest) -> Graph:
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dg", DG._NS)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, RDFS.label, Literal("demographs SPARQL-ändpunkt", lang="sv")))
    g.add((service, RDFS.label, Literal("demograph SPARQL endpoint", lang="en")))
    g.add((service, RDFS.comment, Literal(
        "Endast läsning: SPARQL 1.1 Query; inga uppdateringar och inga SERVICE-anrop.", lang="sv")))
    g.add((service, RDFS.comment, Literal(
        "Read-only: SPARQL 1.1 Query; no updates and no SERVICE calls.", lang="en")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    g.add((service, DG.queryTimeout, Literal(str(settings.query_timeout), datatype=XSD.decimal)))
    if settings.max_rows:
        g.add((service, DG.resultRowLimit, Literal(settings.max_rows, datatype=XSD.integer)))
    dataset = BNode("dataset")
    default = BNode("defaultGraph")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(manifest.triples, datatype=XSD.integer)))
    for name, kind in sorted(manifest.graphs.items()):
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, RDFS.comment, Literal(kind)))
    return g
