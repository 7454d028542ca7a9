"""The resource pages for people, fetched from the real server and read as a browser's parser
would: what each kind of page shows, that it is well-formed and accessible (one h1, headings
in order, table headers with scope, lang on text in the other language), and that nothing
from the data can inject markup or a ``javascript:`` link."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from .conftest import Server, run_cli, start_server, stop_server
from .test_conneg import JSONLD_SCRIPT, fetch, parse_jsonld

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# elements whose end tag HTML lets a page leave out; ours never do, but the parser allows it
OPTIONAL_END = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "option"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: tuple[str, ...] = ()


@dataclass
class Page(HTMLParser):
    """A page parsed into the elements the tests look at, checking nesting as it goes."""

    elements: list[Element] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=tuple(e.tag for e in self._open))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self._open and self._open[-1].tag != tag and self._open[-1].tag in OPTIONAL_END:
            self._open.pop()
        if not self._open or self._open[-1].tag != tag:
            self.problems.append(f"</{tag}> closes <{self._open[-1].tag if self._open else '-'}>")
            return
        self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def hrefs(self) -> dict[str, str]:
        return {e.attrs.get("href", ""): " ".join(e.text.split()) for e in self.all("a")}


def get_page(server: Server, path: str) -> Page:
    status, headers, body = fetch(server, path)
    assert status == 200, body[:500]
    assert headers["content-type"].startswith("text/html")
    page = Page()
    page.feed(body.decode("utf-8"))
    page.close()
    return page


def check_structure(page: Page) -> None:
    """The rules every page keeps."""
    assert page.problems == []
    assert page.all("html")[0].attrs.get("lang") in ("sv", "en")
    headings = [int(e.tag[1]) for e in page.elements if re.fullmatch(r"h[1-6]", e.tag)]
    assert headings.count(1) == 1 and headings[0] == 1, headings
    for before, after in zip(headings, headings[1:]):
        assert after <= before + 1, f"heading levels skip: {headings}"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.all(landmark), f"no <{landmark}>"
    for th in page.all("th"):
        assert th.attrs.get("scope") in ("col", "row"), f"<th> without scope: {th.text!r}"
    for a in page.all("a"):
        assert not a.attrs.get("href", "").lower().startswith(("javascript:", "data:", "file:"))
    scripts = page.all("script")
    assert [s.attrs.get("type") for s in scripts] == ["application/ld+json"] * len(scripts)


PAGES = ["/doc/org/kommun/1715", "/doc/commitment/kommun-1715/3", "/doc/concept/theme/demokrati",
         "/doc/concept/theme", "/doc/event/2021/demokrativecka-varmland", "/doc/place/lan/17",
         "/doc/place/kommun/1715", "/doc/def/Commitment", "/doc/def/partner",
         "/doc/signing/kommun-1715", "/def/", "/doc/org/kommun/1715?lang=en"]


@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_page_is_well_formed_and_accessible(server: Server, path: str) -> None:
    check_structure(get_page(server, path))


def sparql_rows(server: Server, query: str) -> list[dict[str, str]]:
    import urllib.parse

    status, _, body = fetch(server, "/sparql?" + urllib.parse.urlencode({"query": query}),
                            {"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]


def test_actor_page_shows_commitments_by_type_with_their_links(server: Server) -> None:
    page = get_page(server, "/doc/org/kommun/1715")
    assert " ".join(page.all("h1")[0].text.split()) == "Kils kommun"
    links = page.hrefs()
    assert links["/doc/concept/actor-type/kommun"] == "kommun"
    assert links["/doc/place/lan/17"] == "Värmlands län"
    assert links["http://www.wikidata.org/entity/Q499393"].endswith("Q499393")
    assert {f"/doc/commitment/kommun-1715/{n}" for n in range(1, 6)} <= set(links)
    assert links["/doc/event/2021/demokrativecka-varmland"] == "Demokrativecka i Värmland 2021"
    groups = [" ".join(h.text.split()) for h in page.all("h3")]
    assert groups == ["internt åtagande (1)", "externt åtagande (3)", "kommunikativt åtagande (1)"]
    # Karlstad's commitments name "länets kommuner", the group Kil belongs to
    partners = [" ".join(th.text.split()) for th in page.all("th", scope="row")]
    assert "Karlstads kommun" in partners


def test_commitment_page_marks_its_passage_in_the_source(server: Server) -> None:
    page = get_page(server, "/doc/commitment/kommun-1715/3")
    marks = page.all("mark", id="passage")
    assert len(marks) == 1
    description = sparql_rows(server, "SELECT ?d WHERE { <https://w3id.org/demograph/id/commitment/"
                                      "kommun-1715/3> <http://purl.org/dc/terms/description> ?d }")
    assert marks[0].text == description[0]["d"]
    assert marks[0].text.startswith("I samverkan med länets kommuner")
    text = page.all("div", class_="source-text")[0].text
    assert text.index(marks[0].text) > 0  # the passage sits inside the whole text
    assert "Kils kommun undertecknar Deklaration för en stark demokrati" in text
    links = page.hrefs()
    assert links["/doc/org/kommun/1715"] == "Kils kommun"
    assert "/doc/concept/theme/demokrati" in links


def test_source_page_marks_every_fact(server: Server) -> None:
    source = "https://w3id.org/demograph/id/source/b592ba9d9f8a2784"
    page = get_page(server, "/doc/source/b592ba9d9f8a2784")
    annotations = sparql_rows(server, "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?a ?b WHERE "
                                      f"{{ ?a oa:hasTarget/oa:hasSource <{source}> ; oa:hasBody ?b }}")
    marks = [m for m in page.all("mark") if "div" in m.parents]
    assert len(marks) == len(annotations) > 5
    linked = set(page.hrefs())
    for n in range(1, 6):  # each commitment is marked and linked from the text
        assert f"/doc/commitment/kommun-1715/{n}" in linked
    assert "/doc/org/lansstyrelse/17" in linked


def test_concept_page_counts_by_county_and_actor_type(server: Server) -> None:
    page = get_page(server, "/doc/concept/theme/demokrati")
    tagged = sparql_rows(server, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c "
                                 "<http://purl.org/dc/terms/subject> <https://w3id.org/demograph/concept/theme/demokrati> }")
    total = int(tagged[0]["n"])
    headings = [" ".join(h.text.split()) for h in page.all("h2")]
    assert f"Åtaganden med begreppet ({total})" in headings
    _, _, body = fetch(server, "/doc/concept/theme/demokrati")
    by_county, by_type = body.decode("utf-8").split("<table")[1:3]
    counts = lambda table: [int(n) for n in re.findall(r"<td>(\d+)</td>", table)]  # noqa: E731
    # every tagged commitment has one actor, in one county (or none) and of one type
    assert sum(counts(by_county)) == sum(counts(by_type)) == total > 0
    assert "Värmlands län" in by_county and "/doc/concept/actor-type/kommun" in by_type


def test_scheme_page_is_a_tree_of_all_its_concepts(server: Server) -> None:
    page = get_page(server, "/doc/concept/theme")
    concepts = sparql_rows(server, "SELECT ?c WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> "
                                   "<https://w3id.org/demograph/concept/theme> }")
    tree_links = {a.attrs["href"] for a in page.all("a") if "ul" in a.parents and "main" in a.parents}
    expected = {c["c"].replace("https://w3id.org/demograph/concept/", "/doc/concept/") for c in concepts}
    assert expected <= tree_links and "/doc/concept/theme/demokrati" in expected


def test_event_page_lists_dates_organisers_and_actors(server: Server) -> None:
    page = get_page(server, "/doc/event/2021/demokrativecka-varmland")
    times = [t.attrs["datetime"] for t in page.all("time")]
    assert times == ["2021-09-01", "2021-11-30"]
    links = page.hrefs()
    for actor in ("/doc/org/kommun/1715", "/doc/org/kommun/1780", "/doc/org/region/17"):
        assert actor in links
    assert links["/doc/place/lan/17"] == "Värmlands län"


def test_lan_page_lists_its_kommuner_and_signatories(server: Server) -> None:
    page = get_page(server, "/doc/place/lan/17")
    kommuner = [a for a in page.all("a") if a.attrs.get("href", "").startswith("/doc/place/kommun/17")]
    assert len(kommuner) == 16  # Värmland's 16 kommuner
    headings = [" ".join(h.text.split()) for h in page.all("h2")]
    signed = sparql_rows(server, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a <https://w3id.org/demograph/def/signed> ?d ; "
                                 "<http://purl.org/dc/terms/spatial>/<https://schema.org/containedInPlace>? "
                                 "<https://w3id.org/demograph/id/place/lan/17> }")
    assert f"Aktörer här som undertecknat ({signed[0]['n']})" in headings
    assert "/doc/org/kommun/1715" in page.hrefs()


def test_vocabulary_lists_every_term_with_its_use(server: Server) -> None:
    page = get_page(server, "/def/")
    rows = {tr.attrs.get("id"): " ".join(tr.text.split()) for tr in page.all("tr") if tr.attrs.get("id")}
    assert rows["Commitment"].endswith("35 instanser")
    assert "dg:partner" in rows["partner"]
    assert "org:Organization" in rows["partner"] and "foaf:Group" in rows["partner"]
    term = get_page(server, "/doc/def/Commitment")
    assert any("35 instanser" in " ".join(dd.text.split()) for dd in term.all("dd"))


def test_english_page_marks_swedish_text(server: Server) -> None:
    page = get_page(server, "/doc/org/kommun/1715?lang=en")
    assert page.all("html")[0].attrs["lang"] == "en"
    assert " ".join(page.all("h1")[0].text.split()) == "Kil Municipality"
    assert [" ".join(h.text.split()) for h in page.all("h2")][0] == "Commitments (5)"
    quotes = page.all("blockquote")
    assert len(quotes) == 5 and all(q.attrs.get("lang") == "sv" for q in quotes)
    # links keep the language
    assert "/doc/commitment/kommun-1715/1?lang=en" in page.hrefs()


def test_title_of_an_english_page_is_plain_text_when_the_label_is_swedish(server: Server) -> None:
    page = get_page(server, "/doc/org/studieforbund/medborgarskolan?lang=en")
    # the label has no English form: the heading marks it Swedish ...
    heading = page.all("h1")[0]
    assert [e.attrs.get("lang") for e in page.elements if "h1" in e.parents] == ["sv"]
    # ... but <title> holds text only, so the same label is there as it is, and no markup
    [title] = page.all("title")
    assert not [e.tag for e in page.elements if "title" in e.parents]
    assert "<span" not in title.text and "lang=" not in title.text
    assert " ".join(title.text.split()) == " ".join(heading.text.split()) + " – demograph"


EVIL = "https://w3id.org/demograph/id/test/evil"


@pytest.fixture
def hostile_server(own_store: Path, tmp_path: Path) -> Iterator[Server]:
    """The seed store plus a resource whose data tries to inject markup, and enough
    statements to need a second page."""
    lines = [f'<{EVIL}> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>"@sv .',
             f'<{EVIL}> <http://www.w3.org/2000/01/rdf-schema#comment> "</script><script>alert(2)</script> & \\"q\\"" .',
             f'<{EVIL}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(3)> .']
    lines += [f'<{EVIL}> <https://example.org/p> "value {n:03d}" .' for n in range(150)]
    extra = tmp_path / "evil.ttl"
    extra.write_text("\n".join(lines) + "\n", "utf-8")
    result = run_cli("load", extra, "--graph", "https://example.org/graph/test", store=own_store)
    assert result.code == 0, result.err
    running = start_server(own_store, tmp_path / "serve.log", rate_limit="0")
    yield running
    stop_server(running)


def test_data_cannot_inject_markup_or_links(hostile_server: Server) -> None:
    status, _, body = fetch(hostile_server, "/doc/test/evil")
    assert status == 200
    html = body.decode("utf-8")
    assert "<script>alert" not in html and "</script><script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    page = Page()
    page.feed(html)
    check_structure(page)
    assert " ".join(page.all("h1")[0].text.split()) == "<script>alert(1)</script>"
    assert "javascript:alert(3)" in page.all("main")[0].text  # the IRI is shown, as text
    assert not [a for a in page.all("a") if "javascript" in a.attrs.get("href", "")]
    # the embedded JSON-LD still says exactly what the data says
    graph = parse_jsonld(JSONLD_SCRIPT.findall(html)[0])
    assert (URIRef(EVIL), URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal('</script><script>alert(2)</script> & "q"')) in graph


def test_large_resources_are_paged(hostile_server: Server) -> None:
    first = get_page(hostile_server, "/doc/test/evil")
    second = get_page(hostile_server, "/doc/test/evil?page=2")
    values = lambda page: {" ".join(td.text.split()) for td in page.all("td")}  # noqa: E731
    assert "value 000" in values(first) and "value 149" in values(second)
    assert not values(first) & values(second) - {""}
    assert first.all("a", rel="next") and second.all("a", rel="prev")
    status, _, _ = fetch(hostile_server, "/doc/test/evil?page=0")
    assert status == 400
