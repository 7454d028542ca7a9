"""Declaration text → records → RDF. Pure: no store, no Flask, no environment, no network.

    text.decode        bytes → NFC text (+ metadata header), or a precise InputError
    segment            text → blocks and sentences with code-point offsets
    lexicon            the reference and concept graphs as a matcher of names and forms
    extract            text + lexicon → an Extraction (dataclasses in records)
    rdf                Extraction → rdflib Graph, IRIs per MODEL.md
"""

from .extract import extract_text
from .records import Extraction

__all__ = ["extract_text", "Extraction"]
