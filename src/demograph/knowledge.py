"""Everything the ingest and the store need to know before reading a text: the ontology, the
concept schemes, the reference graph and the lexicon built from them — loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef

from .config import RESOURCES
from .ingest.lexicon import Lexicon
from .ingest.rdf import ContextIndex
from .namespaces import Minter
from .reference import REFERENCE_DIR, build_reference_graph, read_known_events, read_organisations

ONTOLOGY_DIR = RESOURCES / "ontology"


def parse_turtle_dir(directory: Path) -> Graph:
    g = Graph()
    for path in sorted(directory.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@dataclass
class Knowledge:
    minter: Minter
    ontology_dir: Path = ONTOLOGY_DIR
    reference_dir: Path = REFERENCE_DIR

    @classmethod
    def load(cls, base: str) -> "Knowledge":
        return cls(Minter(base))

    @cached_property
    def ontology(self) -> Graph:
        return parse_turtle_dir(self.ontology_dir)

    @cached_property
    def concepts(self) -> Graph:
        return parse_turtle_dir(self.ontology_dir / "concepts")

    @cached_property
    def reference(self) -> Graph:
        return build_reference_graph(self.minter, self.reference_dir)

    @cached_property
    def lexicon(self) -> Lexicon:
        strict = [self.minter.actor(o.actor_type, o.slug)
                  for o in read_organisations(self.reference_dir) if o.ambiguous]
        return Lexicon(self.reference, self.concepts, read_known_events(self.reference_dir), strict)

    @cached_property
    def context(self) -> ContextIndex:
        return ContextIndex(self.reference, self.concepts)

    @cached_property
    def actor_labels(self) -> dict[URIRef, str]:
        return {a.iri: a.label for a in self.lexicon.actors.values()}

