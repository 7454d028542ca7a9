"""What every human-facing page shares: the language, labels, local links and safe hrefs.

The site is Swedish, with English a ``?lang=en`` away. The language travels in the URL (not
a cookie) so a page's address says what it shows, can be shared, and caches need no
``Vary: Cookie``. Links into the data go through :func:`doc_href`, which maps IRIs under the
configured base (and our fixed vocabulary namespaces) to this server's ``/doc/`` pages, so
the data works on any host. Only http(s) IRIs ever become links.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlencode

from flask import Flask, g, request
from markupsafe import Markup, escape
from rdflib import Literal, URIRef

from ..prefixes import PREFIXES
from .runtime import current

LANGS = ("sv", "en")
DEF = PREFIXES["dg"]
CONCEPT = PREFIXES["dgc"]


def lang() -> str:
    # asked for many times per page (every label); reading request.args each time is not free
    cached = g.get("demograph_lang")
    if cached is None:
        chosen = request.args.get("lang", "sv")
        cached = g.demograph_lang = chosen if chosen in LANGS else "sv"
    return cached


def t(sv: str, en: str) -> str:
    """The Swedish or English text, by the page's language."""
    return en if lang() == "en" else sv


def pick(values: Iterable[Literal], language: str | None = None) -> Literal | None:
    """The best literal for ``language``: that language, then Swedish, English, untagged."""
    order = [language or lang(), "sv", "en", None]
    best: Literal | None = None
    best_rank = len(order) + 1
    for value in values:
        tag = value.language if isinstance(value, Literal) else None
        rank = order.index(tag) if tag in order else len(order)
        if rank < best_rank:
            best, best_rank = value, rank
    return best


def label(iri: URIRef | str, labels: Iterable[Literal] = ()) -> str:
    """A label for ``iri``: sv → en → the IRI itself, as the pages promise."""
    chosen = pick(labels)
    return str(chosen) if chosen is not None else str(iri)


def base() -> str:
    return current().settings.base


def local_path(iri: str) -> str | None:
    """The ``/doc/…`` path of an IRI this server describes, or None."""
    if iri.startswith(DEF):
        rest, prefix = iri[len(DEF):], "def/"
    elif iri.startswith(CONCEPT):
        rest, prefix = iri[len(CONCEPT):], "concept/"
    elif iri.startswith(base() + "id/"):
        rest, prefix = iri[len(base()) + 3:], ""
    else:
        return None
    if not rest:
        return None
    return "/doc/" + prefix + quote(rest, safe="/-._~")


def with_lang(path: str) -> str:
    if lang() == "sv":
        return path
    return path + ("&" if "?" in path else "?") + urlencode({"lang": lang()})


def doc_href(iri: URIRef | str) -> str | None:
    """Where a link to ``iri`` goes: our page for our IRIs, the IRI for other http(s) ones,
    nothing for anything else (``javascript:``, ``file:``, ``urn:``…)."""
    text = str(iri)
    path = local_path(text)
    if path is not None:
        return with_lang(path)
    if text.lower().startswith(("http://", "https://")):
        return text
    return None


def link(iri: URIRef | str, text: str | None = None) -> Markup:
    """An escaped ``<a>`` to ``iri``, or escaped plain text when it may not be a link."""
    shown = escape(text if text is not None else str(iri))
    href = doc_href(iri)
    if href is None:
        return Markup(f"<span>{shown}</span>")
    return Markup(f'<a href="{escape(href)}">{shown}</a>')


def lang_switch_href() -> str:
    """This page in the other language."""
    other = "en" if lang() == "sv" else "sv"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    if other != "sv":
        args["lang"] = other
    query = urlencode(args)
    return request.path + ("?" + query if query else "")


def install(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.globals.update(t=t, lang=lang, link=link, doc_href=doc_href, label=label,
                                 with_lang=with_lang, lang_switch_href=lang_switch_href)
