"""The rendered-page cache: a page asked for again is served from memory (``X-Demograph-Cache:
hit``) with the same body and headers; a rebuilt store is never answered from the old one's
pages; ``DEMOGRAPH_RESULT_CACHE=0`` turns it off. In-process (Flask's test client), since
the cache lives in the serving process."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask.testing import FlaskClient

from demograph.web import create_app

from .conftest import SEEDS, run_cli

KIL = "/doc/org/kommun/1715"
HTML = {"Accept": "text/html"}


def client(store: Path, **settings: object) -> FlaskClient:
    return create_app(store=store, rate_limit=0, **settings).test_client()


def commitments_heading(html: str) -> str:
    start = html.index("<h2>")
    return html[start + 4:html.index("</h2>", start)]


def test_second_view_is_a_hit_with_the_same_answer(own_store: Path) -> None:
    web = client(own_store)
    first = web.get(KIL, headers=HTML)
    second = web.get(KIL, headers=HTML)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Demograph-Cache"] == "miss"
    assert second.headers["X-Demograph-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    for header in ("Content-Type", "ETag", "Link", "Vary", "Content-Location", "Cache-Control"):
        assert second.headers[header] == first.headers[header], header
    # a conditional request is still answered 304 before the cache is looked at
    revalidated = web.get(KIL, headers={**HTML, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.get_data() == b""


def test_language_format_and_suffix_are_kept_apart(own_store: Path) -> None:
    web = client(own_store)
    swedish = web.get(KIL, headers=HTML)
    english = web.get(KIL + "?lang=en", headers=HTML)
    turtle = web.get(KIL, headers={"Accept": "text/turtle"})
    assert english.headers["X-Demograph-Cache"] == "miss"
    assert turtle.headers["X-Demograph-Cache"] == "miss"
    assert "Commitments (5)" in english.get_data(as_text=True) and "Åtaganden (5)" in swedish.get_data(as_text=True)
    assert turtle.content_type.startswith("text/turtle") and b"<html" not in turtle.get_data()
    # the same body by suffix is a hit, but names no Content-Location (it is its own URL)
    by_suffix = web.get(KIL + ".ttl")
    assert by_suffix.headers["X-Demograph-Cache"] == "hit"
    assert by_suffix.get_data() == turtle.get_data()
    assert "Content-Location" not in by_suffix.headers
    assert turtle.headers["Content-Location"] == KIL + ".ttl"


def test_unknown_things_and_odd_parameters_are_not_kept(own_store: Path) -> None:
    web = client(own_store)
    for _ in range(2):
        missing = web.get("/doc/org/kommun/9999", headers=HTML)
        assert missing.status_code == 404 and "X-Demograph-Cache" not in missing.headers
    for _ in range(2):  # made-up parameters cannot fill the cache with copies of a page
        odd = web.get(KIL + "?utm=1", headers=HTML)
        assert odd.status_code == 200 and odd.headers["X-Demograph-Cache"] == "miss"


def test_a_rebuild_is_never_answered_from_the_old_pages(own_store: Path, tmp_path: Path) -> None:
    web = client(own_store)
    web.get(KIL, headers=HTML)
    before = web.get(KIL, headers=HTML)
    assert before.headers["X-Demograph-Cache"] == "hit"
    assert commitments_heading(before.get_data(as_text=True)) == "Åtaganden (5)"
    # rebuild without Kil's declaration: Kil stays (a kommun of the reference data) but has
    # made no commitments
    others = tmp_path / "others"
    others.mkdir()
    for seed in SEEDS.iterdir():
        if seed.name != "000_5e3eb62d3abab63d.txt":
            shutil.copy(seed, others / seed.name)
    result = run_cli("build", others, store=own_store)
    assert result.code == 0, result.err
    after = web.get(KIL, headers=HTML)
    assert after.status_code == 200
    assert after.headers["X-Demograph-Cache"] == "miss"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert commitments_heading(after.get_data(as_text=True)) == "Åtaganden (0)"
    assert web.get(KIL, headers=HTML).headers["X-Demograph-Cache"] == "hit"


def test_result_cache_setting_turns_it_off(own_store: Path) -> None:
    web = client(own_store, result_cache=False)
    first = web.get(KIL, headers=HTML)
    second = web.get(KIL, headers=HTML)
    assert first.status_code == second.status_code == 200
    assert "X-Demograph-Cache" not in first.headers and "X-Demograph-Cache" not in second.headers
    assert first.get_data() == second.get_data()  # rendered twice, alike
