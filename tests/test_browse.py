"""Finding things, over real HTTP: the home page, the lists of actors, themes and events, and
search; each page valid HTML that needs no JavaScript, with its data escaped."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import html5rdf
import pytest

from demograph.examples import for_base, load_examples
from demograph.web import create_app

from .conftest import Server

OTHER_BASE = "http://data.example/"

KIL = "/doc/org/kommun/1715"
KARLSTAD = "/doc/org/kommun/1780"
REGION_VARMLAND = "/doc/org/region/17"
HALMSTAD = "/doc/org/kommun/1380"
ORNSKOLDSVIK = "/doc/org/kommun/2284"
SIGNERS = {KIL, KARLSTAD, REGION_VARMLAND, HALMSTAD, ORNSKOLDSVIK}


def get(server: Server, path: str, **params: str) -> tuple[int, str]:
    url = server.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def count(server: Server, query: str) -> int:
    status, body = get(server, "/sparql", query=query, format="json")
    assert status == 200, body
    return int(next(iter(json.loads(body)["results"]["bindings"][0].values()))["value"])


class Page(HTMLParser):
    """What the tests look at in a page: headings, links, table headers, scripts, main."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self.tables = 0
        self.table_headers = 0
        self.scripts = 0
        self._heading: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        elif tag == "table":
            self.tables += 1
        elif tag == "th":
            self.table_headers += 1
        elif tag == "script":
            self.scripts += 1

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append((int(tag[1]), "".join(self._heading[1:]).strip()))
            self._heading = None

    def main_links(self) -> list[str]:
        return [link for link in self.links if link.startswith("/doc/")]


def check_page(html: str) -> Page:
    """The qualities every page here promises."""
    html5rdf.HTMLParser(strict=True).parse(html)  # valid HTML: raises on any parse error
    page = Page(html)
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), page.headings  # no skipped level
    assert page.scripts == 0  # nothing needs JavaScript
    assert page.tables == 0 or page.table_headers >= page.tables
    for href in page.links:
        assert href.startswith(("/", "#", "http://", "https://", "?")), href
    return page


# --- home -----------------------------------------------------------------------------------
def test_home_says_what_the_data_is_with_the_stores_counts(server: Server) -> None:
    status, html = get(server, "/")
    assert status == 200
    page = check_page(html)
    assert "Deklaration för en stark demokrati" in html
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert int(figures["aktörer som undertecknat"]) == count(
        server, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a <https://w3id.org/demograph/def/signed> ?d }")
    assert int(figures["åtaganden"]) == count(
        server, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/demograph/def/Commitment> }")
    assert int(figures["händelser"]) == count(
        server, "SELECT (COUNT(?e) AS ?n) WHERE { ?e a <https://schema.org/Event> }")
    health = json.loads(get(server, "/health")[1])
    assert int(figures["tripler"]) == health["triples"]
    for entry in ("/actors", "/themes", "/events", "/query", "/dataset", "/dumps/"):
        assert entry in page.links


def example_links(html: str) -> list[tuple[str, str]]:
    """The page's links into the editor, as (path, query they open)."""
    opened = []
    for link in Page(html).links:
        parts = urllib.parse.urlsplit(link)
        query = urllib.parse.parse_qs(parts.query).get("query")
        if parts.path == "/query" and query:
            opened.append((parts.path, query[0]))
    return opened


def test_home_lists_the_example_questions_opening_in_the_editor(server: Server) -> None:
    html = get(server, "/")[1]
    # the workbench's own list of examples is what the home page links to, one link each
    built = example_links(get(server, "/query")[1])
    assert [query for _, query in built] == [example.query for example in load_examples()]
    assert example_links(html) == built
    for example in load_examples():
        assert example.title_sv in html.replace("&#39;", "'").replace("&#34;", '"')
    # in English, each link opens the editor in English: one lang parameter, not two
    english = [urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
               for link in Page(get(server, "/?lang=en")[1]).links
               if urllib.parse.urlsplit(link).path == "/query" and "query=" in link]
    assert len(english) == len(load_examples())
    assert all(params.get("lang") == ["en"] for params in english)


def test_home_examples_follow_the_configured_base(seed_store: Path) -> None:
    """Under another DEMOGRAPH_BASE an example naming an instance IRI opens with that base's
    IRI, as the workbench lists it; a link with the default base would find nothing."""
    client = create_app(store=seed_store, rate_limit=0, base=OTHER_BASE).test_client()
    home = client.get("/").get_data(as_text=True)
    editor = client.get("/query").get_data(as_text=True)
    expected = [("/query", for_base(example.query, OTHER_BASE)) for example in load_examples()]
    assert example_links(home) == expected
    assert example_links(editor) == expected
    moved = [query for _, query in expected if f"<{OTHER_BASE}id/" in query]
    assert moved, "no example names an instance IRI, so the base is not tested"
    assert not any("<https://w3id.org/demograph/id/" in query for _, query in expected)


def test_home_in_english(server: Server) -> None:
    status, html = get(server, "/", lang="en")
    assert status == 200 and '<html lang="en">' in html
    check_page(html)
    assert "actors that signed" in html


# --- actors ----------------------------------------------------------------------------------
def test_actors_lists_every_signing_actor(server: Server) -> None:
    status, html = get(server, "/actors")
    assert status == 200
    page = check_page(html)
    assert set(page.main_links()) == SIGNERS
    assert "Kils kommun" in html and "Värmlands län" in html


def test_actors_filtered_by_county(server: Server) -> None:
    html = get(server, "/actors", county="17")[1]
    page = check_page(html)
    assert set(page.main_links()) == {KIL, KARLSTAD, REGION_VARMLAND}
    assert "Kils kommun" in html and "Halmstads kommun" not in html
    assert '<option value="17" selected>' in html  # the form shows the choice made


def test_actors_filtered_by_type_and_both(server: Server) -> None:
    assert set(Page(get(server, "/actors", type="region")[1]).main_links()) == {REGION_VARMLAND}
    both = Page(get(server, "/actors", type="kommun", county="17")[1])
    assert set(both.main_links()) == {KIL, KARLSTAD}
    none = get(server, "/actors", county="99")
    assert none[0] == 200 and Page(none[1]).main_links() == []


def test_actors_in_english_carry_the_language_in_links(server: Server) -> None:
    html = get(server, "/actors", lang="en", county="17")[1]
    assert "Kil Municipality" in html
    assert set(Page(html).main_links()) == {link + "?lang=en" for link in
                                            (KIL, KARLSTAD, REGION_VARMLAND)}


# --- themes and events ----------------------------------------------------------------------
def test_themes_count_the_commitments_naming_each(server: Server) -> None:
    status, html = get(server, "/themes")
    assert status == 200
    check_page(html)
    row = re.search(r'href="/doc/concept/theme/jamstalldhet">jämställdhet</a></td><td>(\d+)</td>',
                    html)
    assert row is not None
    assert int(row[1]) == count(server, """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?c <http://purl.org/dc/terms/subject> <https://w3id.org/demograph/concept/theme/jamstalldhet> }""")
    assert 'href="/doc/concept/target-group/unga"' in html


def test_events_are_a_timeline_by_year(server: Server) -> None:
    status, html = get(server, "/events")
    assert status == 200
    page = check_page(html)
    years = [text for level, text in page.headings if level == 2]
    assert years == sorted(years) and {"2021", "2022"} <= set(years)
    events = page.main_links()
    events = [link for link in events if link.startswith("/doc/event/")]
    assert events.index("/doc/event/2021/demokrativecka-varmland") < \
        events.index("/doc/event/2022/allmanna-val")
    dates = re.findall(r'<p class="when"><time datetime="([\d-]+)"', html)
    assert dates == sorted(dates)


# --- search ---------------------------------------------------------------------------------
def hits(html: str) -> list[str]:
    return re.findall(r'<h3><a href="(/doc/[^"]+)">', html)


def test_search_finds_inflected_forms(server: Server) -> None:
    status, html = get(server, "/search", q="ungas")
    assert status == 200
    check_page(html)
    found = hits(html)
    assert "/doc/commitment/kommun-1380/6" in found  # "barn och ungas delaktighet"
    assert "/doc/commitment/kommun-2284/7" in found  # "riktade främst mot unga"
    assert "<mark>ungas</mark>" in html and "<mark>unga</mark>" in html


def test_search_ignores_diacritics(server: Server) -> None:
    html = get(server, "/search", q="jamstalldhet")[1]
    assert "/doc/commitment/kommun-2284/1" in hits(html)
    assert "<mark>jämställdhetsarbete</mark>" in html


def test_search_reads_compounds(server: Server) -> None:
    html = get(server, "/search", q="jämställdhetsarbete")[1]
    found = hits(html)
    assert found[0] == "/doc/commitment/kommun-2284/1"
    assert "/doc/org/myndighet/jamstalldhetsmyndigheten" in found


def test_search_finds_actors_by_name(server: Server) -> None:
    found = hits(get(server, "/search", q="kils kommun")[1])
    assert found[0] == KIL


def test_search_escapes_what_it_is_given(server: Server) -> None:
    status, html = get(server, "/search", q='<script>alert("x")</script> unga')
    assert status == 200
    check_page(html)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_search_without_a_query_is_the_form(server: Server) -> None:
    status, html = get(server, "/search")
    assert status == 200
    check_page(html)
    assert 'name="q"' in html and hits(html) == []
    nothing = get(server, "/search", q="zzyzx")[1]
    assert hits(nothing) == [] and "Inget hittades" in nothing
