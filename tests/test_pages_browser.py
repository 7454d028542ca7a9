"""The resource pages in headless Chromium, as a visitor sees them: Kils kommun with its
commitments, a commitment's passage marked in its source, the language switch, and all of it
with JavaScript turned off. Screenshots are kept in tests/artifacts/screenshots/."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

from .conftest import Server, screenshot


def _description(server: Server, commitment: str) -> str:
    query = f"SELECT ?d WHERE {{ <{commitment}> <http://purl.org/dc/terms/description> ?d }}"
    request = urllib.request.Request(server.sparql + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["results"]["bindings"][0]["d"]["value"]


def test_kil_page_shows_five_commitments_and_the_demokrativecka(server: Server, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)  # the data needs no script
    page = context.new_page()
    page.goto(server.url + "/doc/org/kommun/1715")
    assert page.locator("h1").inner_text() == "Kils kommun"
    commitments = page.locator("li.commitment")
    assert commitments.count() == 5
    assert [commitments.nth(i).locator("a").first.inner_text() for i in range(5)] == [
        "Åtagande 5", "Åtagande 1", "Åtagande 2", "Åtagande 3", "Åtagande 4"]  # intern, extern, kommunikativ
    vecka = page.get_by_role("link", name="Demokrativecka i Värmland 2021").first
    assert vecka.is_visible()
    screenshot(page, "doc-kils-kommun")
    context.close()


def test_commitment_page_highlights_its_passage(server: Server, browser: Any) -> None:
    page = browser.new_page()
    commitment = "https://w3id.org/demograph/id/commitment/kommun-1715/3"
    page.goto(server.url + "/doc/commitment/kommun-1715/3#passage")
    mark = page.locator("mark#passage")
    assert mark.count() == 1
    assert mark.inner_text() == _description(server, commitment)
    assert mark.is_visible()
    # highlighted: the mark's background is not the text block's
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    around = page.locator(".source-text").evaluate("d => getComputedStyle(d).backgroundColor")
    assert background != around
    screenshot(page, "doc-commitment-passage")
    page.close()


def test_language_switch_turns_the_page_english(server: Server, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.url + "/doc/org/kommun/1715")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h2").first.inner_text() == "Åtaganden (5)"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/doc/org/kommun/1715?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Kil Municipality"
    assert page.locator("h2").first.inner_text() == "Commitments (5)"
    assert page.locator("dl.facts dt").first.inner_text() == "Type of actor"
    # the verbatim Swedish commitments stay Swedish, and say so
    assert page.locator("blockquote[lang=sv]").count() == 5
    screenshot(page, "doc-kils-kommun-en")
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_url("**/doc/org/kommun/1715")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.close()
