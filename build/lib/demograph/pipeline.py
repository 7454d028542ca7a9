"""One text, start to end: read the file, decode, extract, and give its RDF."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .errors import InputError
from .ingest.extract import extract_text
from .ingest.rdf import facts_graph
from .ingest.records import Extraction
from .ingest.text import MAX_TEXT_BYTES, decode
from .knowledge import Knowledge


def read_bytes(path: Path, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """Read a file, refusing directories, unreadable and oversized files with a clear reason."""
    try:
        if path.is_dir():
            raise InputError("is a directory, not a text file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{size / 1_000_000:.1f} MB is too large for a declaration text "
                             f"(limit {max_bytes / 1_000_000:.1f} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None


def extract_bytes(data: bytes, name: str, knowledge: Knowledge) -> Extraction:
    return extract_text(decode(data), name, knowledge.lexicon, knowledge.minter)


def facts(extraction: Extraction, knowledge: Knowledge) -> Graph:
    return facts_graph(extraction, knowledge.minter, knowledge.actor_labels)


def standalone(extraction: Extraction, knowledge: Knowledge) -> Graph:
    """The facts of one text with the descriptions of what they refer to."""
    g = facts(extraction, knowledge)
    g += knowledge.context.closure(g)
    return g
