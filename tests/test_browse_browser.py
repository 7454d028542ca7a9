"""The home page and search in a real browser (headless Chromium), with JavaScript off: the
pages promise to work without it."""

from __future__ import annotations

from typing import Any

from .conftest import Server, screenshot


def test_search_from_the_home_page_without_javascript(server: Server, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    try:
        response = page.goto(server.url + "/")
        assert response is not None and response.status == 200
        assert page.locator("h1").count() == 1
        field = page.get_by_label("Sök bland aktörer och åtaganden")
        field.fill("ungas")
        with page.expect_navigation():
            page.get_by_role("button", name="Sök").first.click()  # a plain GET form
        assert page.url.startswith(server.url + "/search?q=ungas")
        results = page.locator("ol.hits > li")
        assert results.count() >= 2
        links = [results.nth(i).locator("h3 a").get_attribute("href")
                 for i in range(results.count())]
        assert "/doc/commitment/kommun-1380/6" in links
        assert "ungas" in page.locator("ol.hits mark").all_inner_texts()
        path = screenshot(page, "search-ungas")
        assert path.stat().st_size > 0

        # the first hit leads to the commitment's page
        with page.expect_navigation():
            results.first.locator("h3 a").click()
        assert "/doc/commitment/" in page.url
    finally:
        context.close()


def test_actor_filter_form_without_javascript(server: Server, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/actors")
        page.select_option("#county", "17")
        with page.expect_navigation():
            page.get_by_role("button", name="Visa").click()
        names = page.locator("tbody tr td:first-child a").all_inner_texts()
        assert "Kils kommun" in names and "Halmstads kommun" not in names
        screenshot(page, "actors-varmland")
    finally:
        context.close()
