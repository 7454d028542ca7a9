"""Content negotiation: an Accept header (with q-values) or a ``format=`` value → one of
the formats offered, or ``None`` (which the caller answers with 406).

>>> choose("text/csv;q=0.5, application/sparql-results+json", SELECT_OFFER)
'json'
>>> choose("application/rdf+xml;q=0.9, text/turtle;q=0.1", GRAPH_OFFER)
'rdfxml'
>>> choose("image/png", SELECT_OFFER) is None
True
>>> choose("*/*", GRAPH_OFFER), choose(None, SELECT_OFFER)
('turtle', 'json')
"""

from __future__ import annotations

from .results import GRAPH_TYPES, RESULT_TYPES

# Offers in order of preference: the first is the default for "*/*" or no Accept at all.
SELECT_OFFER: tuple[tuple[str, str], ...] = tuple(
    (k, RESULT_TYPES[k]) for k in ("json", "xml", "csv", "tsv"))
GRAPH_OFFER: tuple[tuple[str, str], ...] = tuple(
    (k, GRAPH_TYPES[k]) for k in ("turtle", "ntriples", "jsonld", "rdfxml"))
# Other names clients send for the same formats.
ALIASES = {
    "application/json": "json", "text/json": "json", "application/xml": "xml",
    "text/xml": "xml", "text/plain": "ntriples", "application/x-turtle": "turtle",
    "application/json+ld": "jsonld", "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples",
    "json-ld": "jsonld", "rdf": "rdfxml", "rdf+xml": "rdfxml", "xml-rdf": "rdfxml",
}


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges with their q-values, highest first (stable for equal q)."""
    ranges: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q, position))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges]


def choose(accept: str | None, offer: tuple[tuple[str, str], ...],
           format_param: str | None = None) -> str | None:
    keys = {key for key, _ in offer}
    if format_param:
        wanted = format_param.strip().lower()
        by_type = {media: key for key, media in offer}
        key = by_type.get(wanted) or ALIASES.get(wanted) or (wanted if wanted in keys else None)
        return key if key in keys else None
    if not accept or not accept.strip():
        return offer[0][0]
    best: tuple[float, int, str] | None = None
    for media, q in parse_accept(accept):
        if q <= 0:
            continue
        for rank, (key, offered) in enumerate(offer):
            if _matches(media, offered) or ALIASES.get(media) == key:
                specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
                candidate = (q, specificity, key)
                # highest q wins; then the more specific range; then our order of preference
                if best is None or (q, specificity, -rank) > (best[0], best[1], -_rank(offer, best[2])):
                    best = candidate
    return best[2] if best else None


def _rank(offer: tuple[tuple[str, str], ...], key: str) -> int:
    return next(i for i, (k, _) in enumerate(offer) if k == key)


def _matches(media_range: str, media_type: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return media_type.split("/")[0] == media_range[:-2]
    return media_range == media_type


def if_none_match(sent: str | None) -> set[str]:
    """The entity tags an ``If-None-Match`` header names, weak ones (``W/"…"``) as strong:
    a 304 compares weakly (RFC 9110 §13.1.2). ``*`` stays ``*``."""
    return {tag.strip().removeprefix("W/") for tag in (sent or "").split(",") if tag.strip()}
