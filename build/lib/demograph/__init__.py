"""demograph: the Swedish democracy-declaration commitments as a linked-open-data knowledge graph."""

__version__ = "0.1.0"
