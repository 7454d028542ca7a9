"""RDF terms between pyoxigraph and rdflib: the one conversion every backend and the web
layer's own queries use.

>>> to_rdflib(ox.Literal("Kil", language="sv"))
rdflib.term.Literal('Kil', lang='sv')
>>> to_oxigraph(URIRef("https://w3id.org/demograph/id/org/kommun/1715"))
<NamedNode value=https://w3id.org/demograph/id/org/kommun/1715>
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier


def to_rdflib(term: Any) -> Identifier:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF term: {term!r}")


def to_oxigraph(term: Identifier | str) -> Any:
    """A pyoxigraph term; a plain ``str`` is a string literal."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, str):
        return ox.Literal(term)
    raise TypeError(f"not an RDF term: {term!r}")
