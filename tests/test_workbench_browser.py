"""The workbench and the network view in headless Chromium against `demograph serve`: an
example runs and shows its rows, a permalink reopens the same query, the network shows the
Värmland actors; nothing is fetched from outside and no request fails. Screenshots are kept
in tests/artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from demograph.examples import example

from .conftest import Server, screenshot


class Watched:
    """A page, with every failed request, every error response and every foreign request."""

    def __init__(self, browser: Any, server: Server) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("request", lambda r: None if r.url.startswith(
            (server.url, "data:", "blob:")) else self.foreign.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def assert_clean(self) -> None:
        assert self.failed == [], self.failed
        assert self.foreign == [], self.foreign
        assert self.errors == [], self.errors


@pytest.fixture
def watched(browser: Any, server: Server) -> Iterator[Watched]:
    page = Watched(browser, server)
    yield page
    page.page.close()


def table_rows(page: Any) -> list[str]:
    page.wait_for_selector(".yasr table.dataTable tbody tr td", timeout=20_000)
    return [row.inner_text() for row in page.query_selector_all(".yasr table tbody tr")]


def test_an_example_runs_in_the_editor_and_shows_its_rows(watched: Watched,
                                                          server: Server) -> None:
    page = watched.page
    page.goto(server.url + "/query")
    page.click("#examples li[data-example='lansstyrelse-partners'] a")
    rows = table_rows(page)
    assert len(rows) == 3
    assert any("Kils kommun" in row for row in rows)
    assert any("Region Värmland" in row for row in rows)
    # IRIs in the results open this server's pages, not the w3id.org addresses.
    hrefs = [a.get_attribute("href") for a in page.query_selector_all(".yasr tbody a[href]")]
    assert "/doc/org/kommun/1715" in hrefs
    assert not [h for h in hrefs if h.startswith("https://w3id.org/demograph/id/")]
    screenshot(page, "workbench-example-lansstyrelse-partners")
    watched.assert_clean()


def test_a_permalink_reopens_the_same_query(watched: Watched, server: Server,
                                            browser: Any) -> None:
    page = watched.page
    page.goto(server.url + "/query")
    page.wait_for_function("window.demographWorkbench !== undefined")
    query = example("events-timeline").query
    page.evaluate("q => { const w = window.demographWorkbench; w.yasqe.setValue(q); "
                  "w.yasqe.query().catch(() => {}); }", query)
    assert len(table_rows(page)) == 8
    permalink = page.url
    assert parse_qs(urlsplit(permalink).query)["query"] == [query]
    assert page.get_attribute("#permalink", "href").endswith(urlsplit(permalink).query)

    # Someone else opens the shared address in a page of their own.
    other = Watched(browser, server)
    again = other.page
    again.goto(permalink)
    reopened = table_rows(again)
    assert again.evaluate("window.demographWorkbench.yasqe.getValue()") == query
    assert len(reopened) == 8 and "Allmänna valen 2022" in reopened[-1]
    csv_link = again.get_attribute("#download-csv", "href")
    assert csv_link.startswith("/sparql?") and "format=csv" in csv_link
    screenshot(again, "workbench-permalink-events-timeline")
    other.assert_clean()
    again.close()
    watched.assert_clean()


def test_a_refused_query_shows_the_reason_at_its_line(watched: Watched, server: Server) -> None:
    page = watched.page
    page.goto(server.url + "/query?query=" + "SELECT%20*%20WHERE%20%7B%0A%3Fs%20%3Fp%20%7D")
    page.wait_for_selector("#query-error:not([hidden])", timeout=20_000)
    assert "error at 2:" in page.inner_text("#query-error")
    assert page.query_selector_all(".CodeMirror .query-error-line")
    screenshot(page, "workbench-syntax-error")
    # The 400 is the endpoint's answer, not a failed request.
    assert watched.failed == [] and watched.foreign == []


def test_the_network_view_shows_kil_and_the_lansstyrelse(watched: Watched,
                                                         server: Server) -> None:
    page = watched.page
    page.goto(server.url + "/views/network?county=17")
    page.wait_for_function("window.demographNetwork && window.demographNetwork.nodes().length")
    labels = page.evaluate("window.demographNetwork.nodes().map(n => n.data('label'))")
    assert "Kils kommun" in labels
    assert "Länsstyrelsen i Värmlands län" in labels
    assert "Halmstads kommun" not in labels
    edges = page.evaluate("window.demographNetwork.edges().length")
    assert edges == 8
    screenshot(page, "views-network-varmland")
    # A click on a node opens its page.
    position = page.evaluate("""() => {
        const node = window.demographNetwork.getElementById(
            'https://w3id.org/demograph/id/org/kommun/1715');
        const box = document.getElementById('network').getBoundingClientRect();
        const p = node.renderedPosition();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    with page.expect_navigation():
        page.mouse.click(position["x"], position["y"])
    assert urlsplit(page.url).path == "/doc/org/kommun/1715"


@pytest.mark.parametrize("path", ["/views/themes", "/views/timeline", "/views/map"])
def test_the_other_views_render_offline(watched: Watched, server: Server, path: str) -> None:
    page = watched.page
    page.goto(server.url + path)
    assert page.query_selector("figure svg.chart") is not None
    assert page.query_selector_all("table tbody tr")
    screenshot(page, "views-" + path.rsplit("/", 1)[-1])
    watched.assert_clean()
