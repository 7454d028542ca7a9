"""A source text with passages marked: pure, no Flask, no store.

Annotations point into a text by code-point offsets (``oa:TextPositionSelector``), which are
Python string indices. Facts nest (a partner's name inside a commitment's passage), so spans
are drawn as nested ``<mark>`` elements; one that crosses the end of its enclosing span is
clipped to it, because HTML elements cannot overlap. Links may not nest either: a span with
spans inside gets its link after its closing tag instead of around its text.

>>> str(highlight("Kil och Karlstad", [Span(8, 16, "/doc/x", "Karlstads kommun", "partner")]))
'Kil och <mark class="partner" title="Karlstads kommun"><a href="/doc/x">Karlstad</a></mark>'
>>> str(highlight("a <b> c", [Span(2, 5, None, "", "passage", "passage")]))
'a <mark class="passage" id="passage">&lt;b&gt;</mark> c'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    href: str | None  # where the fact leads; None: not a link
    title: str  # what the fact is, as a tooltip and as the text of a trailing link
    kind: str  # a CSS class: commitment, partner, event, concept …
    ident: str | None = None  # an element id, for links to the passage


@dataclass
class _Open:
    span: Span
    end: int
    leaf: bool


def _open_tag(span: Span, leaf: bool) -> Markup:
    attrs = Markup(' class="{}"').format(span.kind)
    if span.ident:
        attrs += Markup(' id="{}"').format(span.ident)
    if span.title:
        attrs += Markup(' title="{}"').format(span.title)
    tag = Markup("<mark{}>").format(attrs)
    if leaf and span.href:
        tag += Markup('<a href="{}">').format(span.href)
    return tag


def _close_tag(opened: _Open) -> Markup:
    span = opened.span
    if opened.leaf:
        return Markup("</a></mark>") if span.href else Markup("</mark>")
    if span.href:
        return Markup('</mark> <a class="ref" href="{}">{}</a>').format(span.href, span.title)
    return Markup("</mark>")


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """``text``, escaped, with every span that lies within it marked."""
    ordered = sorted((s for s in spans if 0 <= s.start < s.end <= len(text)),
                     key=lambda s: (s.start, -s.end))
    out: list[str] = []
    stack: list[_Open] = []
    position = 0

    def close() -> None:
        nonlocal position
        opened = stack.pop()
        out.append(escape(text[position:opened.end]))
        out.append(_close_tag(opened))
        position = opened.end

    for index, span in enumerate(ordered):
        while stack and stack[-1].end <= span.start:
            close()
        out.append(escape(text[position:span.start]))
        position = span.start
        end = min(span.end, stack[-1].end) if stack else span.end
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        leaf = following is None or following.start >= end
        out.append(_open_tag(span, leaf))
        stack.append(_Open(span, end, leaf))
    while stack:
        close()
    out.append(escape(text[position:]))
    return Markup("".join(out))
