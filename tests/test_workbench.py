"""The workbench and the views over HTTP (Flask's test client on the seed store): the editor
page and its permalink, completion terms, each view's picture, table and data twins."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from demograph.examples import example, load_examples
from demograph.web import create_app

ID = "https://w3id.org/demograph/id/"
VENDOR = Path(__file__).resolve().parents[1] / "src" / "demograph" / "web" / "static" / "vendor"


@pytest.fixture
def client(seed_store: Path) -> FlaskClient:
    return create_app(store=seed_store, rate_limit=0).test_client()


def config_of(html: str) -> dict[str, Any]:
    start = html.index('id="workbench-config">') + len('id="workbench-config">')
    return json.loads(html[start:html.index("</script>", start)])


def test_query_page_lists_every_example_with_a_permalink(client: FlaskClient) -> None:
    page = client.get("/query")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for item in load_examples():
        assert item.title_sv in html
        assert f"demograph query --example {item.name}" in html
    # An example's link carries its whole query, so following it reproduces it.
    assert "/query?query=" + quote(example("events-timeline").query, safe="").replace(
        "%20", "+") in html.replace("&amp;", "&")


def test_permalink_opens_the_query_and_view_and_runs_it(client: FlaskClient) -> None:
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/demograph/def/Commitment> } LIMIT 3"
    html = client.get("/query", query_string={"query": query, "view": "response"}).get_data(
        as_text=True)
    config = config_of(html)
    assert (config["query"], config["view"], config["run"]) == (query, "response", True)
    assert config["endpoint"] == "/sparql"
    # Without JavaScript the same query is in a plain form that posts to the endpoint.
    assert "SELECT ?s WHERE { ?s a &lt;https://w3id.org/demograph/def/Commitment&gt; }" in html


def test_plain_query_page_shows_an_example_without_running_it(client: FlaskClient) -> None:
    config = config_of(client.get("/query?lang=en").get_data(as_text=True))
    assert config["run"] is False
    assert config["query"] == example("lansstyrelse-partners").query
    assert config["view"] == "table"
    assert config["lang"] == "en"


def test_unknown_view_falls_back_to_the_table(client: FlaskClient) -> None:
    config = config_of(client.get("/query?query=ASK%7B%7D&view=evil").get_data(as_text=True))
    assert config["view"] == "table"


def test_unknown_example_is_404_naming_the_examples(client: FlaskClient) -> None:
    response = client.get("/query?example=nope")
    assert response.status_code == 404
    assert "events-timeline" in response.get_data(as_text=True)


def test_sparql_sends_a_browser_to_the_workbench(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/query")
    # A machine still gets the service description.
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 200


def test_completion_terms_come_from_the_vocabulary_in_the_store(client: FlaskClient) -> None:
    terms = {t["iri"]: t for t in client.get("/query/terms.json?lang=en").get_json()["terms"]}
    assert terms["https://w3id.org/demograph/def/partner"]["kind"] == "property"
    assert terms["https://w3id.org/demograph/def/Commitment"]["kind"] == "class"
    youth = terms["https://w3id.org/demograph/concept/target-group/unga"]
    assert (youth["kind"], youth["label"]) == ("concept", "young people")


def test_vendor_assets_ship_with_their_licences() -> None:
    for asset in ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css", "cytoscape/cytoscape.min.js"):
        assert (VENDOR / asset).stat().st_size > 10_000, asset
    licences = (VENDOR / "yasgui" / "LICENSES.txt").read_text("utf-8")
    assert "@zazuko/yasqe" in licences and "codemirror" in licences
    assert "Permission is hereby granted" in licences
    assert "cytoscape" in (VENDOR / "cytoscape" / "LICENSES.txt").read_text("utf-8")
    # The source maps are not shipped, so nothing may ask for them.
    for asset in VENDOR.rglob("*.js"):
        assert "sourceMappingURL" not in asset.read_text("utf-8")[-300:], asset


# --- views ----------------------------------------------------------------------------------

def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_network_view_has_nodes_edges_and_the_same_rows_as_data(client: FlaskClient) -> None:
    html = client.get("/views/network?county=17").get_data(as_text=True)
    assert "Kils kommun" in html and "Länsstyrelsen i Värmlands län" in html
    assert "Halmstads kommun" not in html  # Halland is filtered out
    start = html.index('id="network-data">') + len('id="network-data">')
    graph = json.loads(html[start:html.index("</script>", start)])
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes[f"{ID}org/kommun/1715"]["href"] == "/doc/org/kommun/1715"
    assert len(graph["edges"]) == 8
    data = client.get("/views/network.json?county=17").get_json()
    assert data["filters"] == {"county": "17"}
    assert {(r["actor"], r["partner"]) for r in data["rows"]} == {
        (e["source"], e["target"]) for e in graph["edges"]}
    table = csv_rows(client.get("/views/network.csv?county=17").data)
    assert len(table) == 8 and table[0]["commitments"] == "2"


def test_network_filters_by_actor_type(client: FlaskClient) -> None:
    rows = client.get("/views/network.json?type=region").get_json()["rows"]
    assert {r["actor"] for r in rows} == {f"{ID}org/region/17"}
    assert client.get("/views/network.json?county=01").get_json()["rows"] == []
    html = client.get("/views/network?county=01").get_data(as_text=True)
    assert "Inga samarbeten med dessa filter." in html


def test_themes_view_draws_both_charts_and_serves_their_numbers(client: FlaskClient) -> None:
    html = client.get("/views/themes").get_data(as_text=True)
    assert html.count("<svg") == 2
    rows = client.get("/views/themes.json").get_json()["rows"]
    by_type = {(r["groupLabel"], r["themeLabel"]): r["commitments"] for r in rows
               if r["by"] == "actor-type"}
    by_county = {(r["groupLabel"], r["themeLabel"]): r["commitments"] for r in rows
                 if r["by"] == "county"}
    # Kil's, Karlstad's and the region's commitments all speak of human rights.
    assert by_county[("Värmlands län", "mänskliga rättigheter")] == 9
    assert by_type[("region", "barnets rättigheter")] == 1
    assert ">9</text>" in html


def test_timeline_view_orders_events_and_links_them(client: FlaskClient) -> None:
    html = client.get("/views/timeline?lang=en").get_data(as_text=True)
    rows = client.get("/views/timeline.json?lang=en").get_json()["rows"]
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    assert rows[-1]["eventLabel"] == "The 2022 Swedish general election"
    assert "8 events." in html
    assert 'href="/doc/event/2022/allmanna-val?lang=en"' in html


def test_map_view_counts_signatories_in_all_21_counties(client: FlaskClient) -> None:
    rows = {r["code"]: int(r["signatories"])
            for r in csv_rows(client.get("/views/map.csv").data)}
    assert len(rows) == 21
    assert (rows["17"], rows["13"], rows["22"], rows["01"]) == (3, 1, 1, 0)
    html = client.get("/views/map").get_data(as_text=True)
    assert "Värmlands län (3)" in html
    assert "rutkarta" in html  # the note on why there are no borders


def test_unknown_view_data_is_404(client: FlaskClient) -> None:
    assert client.get("/views/network.xlsx").status_code == 404
    assert client.get("/views/nothing.json").status_code == 404
