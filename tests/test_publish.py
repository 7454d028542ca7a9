"""Publishing, over real HTTP: the dataset description (DCAT-AP-SE + VoID), the dumps, the
sitemap and robots.txt, checked against what the store holds."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from demograph.prefixes import DEFAULT_BASE, PREFIXES

from .conftest import SEEDS, Server, run_cli, start_server, stop_server
from .remote_stores import start_oxigraph

DG = Namespace(PREFIXES["dg"])
SCHEMA = Namespace(PREFIXES["schema"])
DATASET = URIRef(DEFAULT_BASE + "dataset")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
EU = "http://publications.europa.eu/resource/authority/"
WIKIDATA = "http://www.wikidata.org/entity/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PARSERS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
           "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
DUMPS = ("demograph.ttl.gz", "demograph.nt.gz", "demograph.nq.gz", "demograph.jsonld.gz")


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def read_jsonld(data: bytes) -> Graph:
    """JSON-LD through Oxigraph's parser (rdflib's warns of its own deprecations)."""
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(data, format=ox.RdfFormat.JSON_LD)]
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def named_graphs(data: bytes, rdf_format: ox.RdfFormat) -> dict[str, Graph]:
    """Each named graph of a dataset file as an rdflib graph (parsed by Oxigraph: rdflib's
    Dataset parser warns of its own deprecations)."""
    quads: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(data, format=rdf_format):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        quads.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return {name: Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                format="nt") for name, triples in quads.items()}


def count(server: Server, query: str) -> int:
    """One number from the endpoint, to check the description against the store itself."""
    status, _, body = get(server.sparql + "?" + urllib.parse.urlencode({"query": query}),
                          {"Accept": "application/sparql-results+json"})
    assert status == 200, body
    binding = json.loads(body)["results"]["bindings"][0]
    return int(next(iter(binding.values()))["value"])


@pytest.fixture(scope="module")
def described(server: Server) -> Graph:
    status, headers, body = get(server.url + "/.well-known/void", {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=body, format="turtle")


# --- the description --------------------------------------------------------------------
@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("application/ld+json", None), ("application/rdf+xml", "xml"),
    ("application/n-triples", "nt"), ("text/turtle", "turtle")])
@pytest.mark.parametrize("path", ["/dataset", "/.well-known/void"])
def test_description_is_one_graph_in_every_format(server: Server, described: Graph, path: str,
                                                 accept: str, rdflib_format: str | None) -> None:
    status, headers, body = get(server.url + path, {"Accept": accept})
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == accept
    assert "Accept" in headers["Vary"]
    parsed = read_jsonld(body) if rdflib_format is None else \
        Graph().parse(data=body, format=rdflib_format)
    assert isomorphic(parsed, described)


def test_dataset_page_for_browsers_and_well_known_for_machines(server: Server) -> None:
    status, headers, body = get(server.url + "/dataset", {"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "CC0" in page and "SPARQL" in page and "demograph.nq.gz" in page
    status, headers, _ = get(server.url + "/.well-known/void")  # no Accept: Turtle
    assert headers["Content-Type"].startswith("text/turtle")
    assert get(server.url + "/dataset", {"Accept": "image/png"})[0] == 406


def test_description_follows_dcat_ap_se(server: Server, described: Graph) -> None:
    g = described
    assert (DATASET, RDF.type, DCAT.Dataset) in g and (DATASET, RDF.type, VOID.Dataset) in g
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {v.language for v in g.objects(DATASET, prop)} == {"sv", "en"}
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert {n.language for n in g.objects(publisher, FOAF.name)} == {"sv", "en"}
    assert g.value(DATASET, DCTERMS.license) == CC0
    assert set(g.objects(DATASET, DCTERMS.language)) == {URIRef(EU + "language/SWE"),
                                                         URIRef(EU + "language/ENG")}
    assert g.value(DATASET, DCTERMS.spatial) == URIRef(EU + "country/SWE")
    assert g.value(DATASET, DCAT.theme) == URIRef(EU + "data-theme/GOVE")
    assert g.value(DATASET, DCAT.contactPoint) is not None
    period = g.value(DATASET, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    # the end is the latest date in the data: the 2022 general election in the seeds
    assert g.value(period, DCAT.endDate) == Literal("2022-09-11", datatype=XSD.date)
    catalog = g.value(None, DCAT.dataset, DATASET)
    assert (catalog, RDF.type, DCAT.Catalog) in g


def test_sparql_service_is_described(server: Server, described: Graph) -> None:
    g = described
    service = g.value(None, DCAT.servesDataset, DATASET)
    assert (service, RDF.type, DCAT.DataService) in g
    assert g.value(service, DCAT.endpointURL) == URIRef(server.sparql)
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(server.sparql)


def test_void_counts_are_the_stores(server: Server, described: Graph) -> None:
    g = described
    assert int(g.value(DATASET, VOID.triples)) == count(
        server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert str(g.value(DATASET, VOID.uriSpace)) == DEFAULT_BASE + "id/"
    vocabularies = set(g.objects(DATASET, VOID.vocabulary))
    assert {URIRef(PREFIXES[p]) for p in ("dg", "org", "schema", "skos", "oa", "prov")} <= vocabularies
    classes = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities))
               for p in g.objects(DATASET, VOID.classPartition)}
    assert classes[DG.Commitment] == count(
        server, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{DG.Commitment}> }}")
    assert classes[SCHEMA.Event] == count(
        server, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{SCHEMA.Event}> }}")
    properties = {g.value(p, VOID.property): int(g.value(p, VOID.triples))
                  for p in g.objects(DATASET, VOID.propertyPartition)}
    assert properties[DG.committedBy] == count(
        server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <{DG.committedBy}> ?a }}")
    assert sum(properties.values()) == int(g.value(DATASET, VOID.triples))
    assert int(g.value(DATASET, VOID.classes)) == len(classes)


def test_linksets_to_wikidata_count_the_links(server: Server, described: Graph) -> None:
    g = described
    linksets = [s for s in g.objects(DATASET, VOID.subset) if (s, RDF.type, VOID.Linkset) in g]
    predicates = {g.value(s, VOID.linkPredicate): int(g.value(s, VOID.triples)) for s in linksets}
    assert RDFS.seeAlso in predicates  # actors → Wikidata, as the model says
    for linkset in linksets:
        target = g.value(linkset, VOID.objectsTarget)
        assert str(g.value(target, VOID.uriSpace)) == WIKIDATA
        assert g.value(linkset, VOID.subjectsTarget) == DATASET
    for predicate, triples in predicates.items():
        assert triples == count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o "
                                        f'FILTER(STRSTARTS(STR(?o), "{WIKIDATA}")) }}')


def test_every_distribution_downloads_at_its_stated_size(server: Server,
                                                         described: Graph) -> None:
    g = described
    dumps = [d for d in g.objects(DATASET, DCAT.distribution) if g.value(d, DCAT.downloadURL)]
    assert sorted(str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in dumps) == \
        sorted(DUMPS)
    for dist in dumps:
        status, headers, body = get(str(g.value(dist, DCAT.downloadURL)))
        assert status == 200
        assert int(headers["Content-Length"]) == len(body) == int(g.value(dist, DCAT.byteSize))
        # the checksum is of the bytes served, stated as DCAT-AP's spdx:Checksum
        checksum = g.value(dist, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert g.value(checksum, SPDX.checksumValue) == \
            Literal(hashlib.sha256(body).hexdigest(), datatype=XSD.hexBinary)
        assert headers["Content-Type"] == "application/gzip"
        assert str(g.value(dist, DCAT.mediaType)).startswith("http://www.iana.org/assignments/")
        assert g.value(dist, DCTERMS.license) == CC0
        assert g.value(dist, DCTERMS.format) is not None
        assert URIRef(str(g.value(dist, DCAT.downloadURL))) in set(g.objects(DATASET, VOID.dataDump))


# --- the dumps ----------------------------------------------------------------------------
def dump(server: Server, name: str) -> bytes:
    status, _, body = get(f"{server.url}/dumps/{name}")
    assert status == 200
    return gzip.decompress(body)


def test_nquads_dump_is_the_export_of_every_graph(server: Server) -> None:
    served = named_graphs(dump(server, "demograph.nq.gz"), ox.RdfFormat.N_QUADS)
    exported = run_cli("export", "--format", "nq", store=server.store)
    assert exported.code == 0, exported.err
    expected = named_graphs(exported.raw, ox.RdfFormat.N_QUADS)
    assert served.keys() == expected.keys()
    assert "" not in served  # graphs only: the default graph is their merge
    assert DEFAULT_BASE + "graph/ontology" in served
    assert sum(1 for name in served if "/id/source/" in name) == len(list(SEEDS.glob("*.txt")))
    for name in served:
        assert isomorphic(served[name], expected[name]), name


def test_jsonld_dump_holds_the_same_graphs(server: Server) -> None:
    nquads = named_graphs(dump(server, "demograph.nq.gz"), ox.RdfFormat.N_QUADS)
    jsonld = named_graphs(dump(server, "demograph.jsonld.gz"), ox.RdfFormat.JSON_LD)
    assert jsonld.keys() == nquads.keys()
    for name in nquads:
        assert isomorphic(jsonld[name], nquads[name]), name


@pytest.mark.parametrize(("name", "fmt", "cli"), [("demograph.ttl.gz", "turtle", "ttl"),
                                                   ("demograph.nt.gz", "nt", "nt")])
def test_merged_dumps_are_the_default_graph(server: Server, described: Graph, name: str,
                                            fmt: str, cli: str) -> None:
    served = Graph().parse(data=dump(server, name), format=fmt)
    assert len(served) == int(described.value(DATASET, VOID.triples))
    exported = run_cli("export", "--format", cli, store=server.store)
    assert isomorphic(served, Graph().parse(data=exported.raw, format=fmt))


@pytest.mark.parametrize("name", DUMPS)
def test_dump_revalidates_with_304(server: Server, name: str) -> None:
    url = f"{server.url}/dumps/{name}"
    status, headers, _ = get(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-None-Match": '"something-else"'})[0] == 200


def test_description_revalidates_with_304(server: Server) -> None:
    status, headers, _ = get(server.url + "/dataset", {"Accept": "text/turtle"})
    assert status == 200
    again = get(server.url + "/dataset", {"Accept": "text/turtle",
                                          "If-None-Match": headers["ETag"]})
    assert again[0] == 304
    # another format is another representation: another ETag
    other = get(server.url + "/dataset", {"Accept": "application/ld+json",
                                          "If-None-Match": headers["ETag"]})
    assert other[0] == 200


def test_dumps_index_lists_every_dump(server: Server) -> None:
    status, _, body = get(server.url + "/dumps/")
    assert status == 200
    page = body.decode()
    for name in DUMPS:
        assert f'href="/dumps/{name}"' in page
    assert get(server.url + "/dumps/demograph.xml.gz")[0] == 404


def snapshot_of(store: Path) -> Path:
    return (store / "current").resolve()


def read_back(path: Path) -> list[ox.Quad]:
    """A dump file as the RDF it holds (parsing is the check that it is whole)."""
    key = path.name.split(".")[1]
    return list(ox.parse(gzip.decompress(path.read_bytes()), format=PARSERS[key]))


def distributions(g: Graph) -> dict[str, URIRef]:
    """The dump distributions by file name."""
    return {str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]: d
            for d in g.objects(DATASET, DCAT.distribution) if g.value(d, DCAT.downloadURL)}


def wait_for(url: str, seconds: float = 60) -> tuple[int, dict[str, str], bytes]:
    deadline = time.monotonic() + seconds
    while True:
        answer = get(url)
        if answer[0] != 503 or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def test_build_and_load_write_the_dumps_into_the_new_snapshot(own_store: Path,
                                                             tmp_path: Path) -> None:
    before = snapshot_of(own_store)
    assert run_cli("build", SEEDS / "000_5e3eb62d3abab63d.txt", store=own_store).code == 0
    built = snapshot_of(own_store)
    assert built != before
    manifest = json.loads((built / "manifest.json").read_text())
    folder = built / "dumps"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*DUMPS, *(name + ".sha256" for name in DUMPS)])
    for name in DUMPS:
        data = (folder / name).read_bytes()
        recorded = (folder / (name + ".sha256")).read_text().split()
        assert recorded == [hashlib.sha256(data).hexdigest(), name]  # `sha256sum -c` reads it
        quads = read_back(folder / name)
        if name in ("demograph.ttl.gz", "demograph.nt.gz"):  # the merge: the default graph
            assert len(quads) == manifest["triples"]
        else:  # every named graph, one text's among them
            assert set(manifest["graphs"]) == {q.graph_name.value for q in quads}
    assert not (own_store / "dumps").exists()  # nothing beside the snapshots

    extra = tmp_path / "extra.ttl"
    extra.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x"@sv .\n')
    loaded = run_cli("load", extra, "--graph", "https://example.org/graph/extra", store=own_store)
    assert loaded.code == 0, loaded.err
    after_load = snapshot_of(own_store)
    assert after_load != built
    graphs = {q.graph_name.value for q in read_back(after_load / "dumps" / "demograph.nq.gz")}
    assert "https://example.org/graph/extra" in graphs
    merged = read_back(after_load / "dumps" / "demograph.nt.gz")
    assert ox.NamedNode("https://example.org/x") in {q.subject for q in merged}


def test_a_fresh_server_describes_the_built_dumps_at_once_and_writes_nothing(
        own_store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    running = start_server(own_store, tmp_path / "serve.log", rate_limit="0", cache_dir=str(cache))
    try:
        # the very first request: sizes and checksums are there, read from the snapshot
        status, _, body = get(running.url + "/dataset", {"Accept": "text/turtle"})
        assert status == 200
        g = Graph().parse(data=body, format="turtle")
        folder = snapshot_of(own_store) / "dumps"
        for name, dist in distributions(g).items():
            assert int(g.value(dist, DCAT.byteSize)) == (folder / name).stat().st_size
            assert str(g.value(g.value(dist, SPDX.checksum), SPDX.checksumValue)) == \
                hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert get(running.url + "/dumps/demograph.nq.gz")[2] == \
            (folder / "demograph.nq.gz").read_bytes()
    finally:
        stop_server(running)
    assert not cache.exists()  # nothing was made
    assert not (own_store / "dumps").exists()


def test_a_snapshot_without_dumps_is_served_while_they_are_made(own_store: Path,
                                                                tmp_path: Path) -> None:
    # as a snapshot written by an older version of demograph is
    shutil.rmtree(snapshot_of(own_store) / "dumps")
    cache = tmp_path / "cache"
    running = start_server(own_store, tmp_path / "serve.log", rate_limit="0", cache_dir=str(cache))
    try:
        url = running.url + "/dumps/demograph.nq.gz"
        status, headers, body = get(url)
        assert status == 503
        assert int(headers["Retry-After"]) > 0
        assert "being made" in body.decode()
        status, headers, body = wait_for(url)
        assert status == 200 and headers["Content-Type"] == "application/gzip"
        # the same graphs as the export, and the description agrees with the bytes
        exported = run_cli("export", "--format", "nq", store=own_store)
        assert named_graphs(gzip.decompress(body), ox.RdfFormat.N_QUADS).keys() == \
            named_graphs(exported.raw, ox.RdfFormat.N_QUADS).keys()
        for name in DUMPS:
            assert wait_for(f"{running.url}/dumps/{name}")[0] == 200
        g = Graph().parse(data=get(running.url + "/dataset", {"Accept": "text/turtle"})[2],
                          format="turtle")
        dist = distributions(g)["demograph.nq.gz"]
        assert int(g.value(dist, DCAT.byteSize)) == len(body)
        assert str(g.value(g.value(dist, SPDX.checksum), SPDX.checksumValue)) == \
            hashlib.sha256(body).hexdigest()
    finally:
        stop_server(running)
    # made in the cache directory; the store is only read
    assert not (snapshot_of(own_store) / "dumps").exists()
    assert not (own_store / "dumps").exists()
    assert (cache / "dumps" / snapshot_of(own_store).name / "demograph.nq.gz").is_file()


def test_the_description_never_waits_for_dumps_being_made(own_store: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, with the making held back, to see the state between deterministically."""
    import threading

    from demograph import dumps
    from demograph.web import create_app

    shutil.rmtree(snapshot_of(own_store) / "dumps")
    gate = threading.Event()
    real_write = dumps.write_dump

    def held(*args: object, **kwargs: object) -> dumps.Dump:
        assert gate.wait(60), "the test never let the dumps be made"
        return real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dumps, "write_dump", held)
    app = create_app(store=own_store, cache_dir=tmp_path / "cache", rate_limit=0)
    client = app.test_client()
    try:
        first = client.get("/dataset", headers={"Accept": "text/turtle"})
        assert first.status_code == 200
        g = Graph().parse(data=first.data, format="turtle")
        assert sorted(distributions(g)) == sorted(DUMPS)  # listed, with their download URLs
        for dist in distributions(g).values():
            assert g.value(dist, DCAT.byteSize) is None and g.value(dist, SPDX.checksum) is None
            assert g.value(dist, DCAT.mediaType) is not None
        waiting = client.get("/dumps/demograph.ttl.gz")
        assert waiting.status_code == 503 and int(waiting.headers["Retry-After"]) >= 5
        assert "demograph.ttl.gz" in waiting.get_data(as_text=True)
        assert client.get("/dumps/").status_code == 200  # the index says they are being made
    finally:
        gate.set()
    app.extensions["demograph.dumps"].wait(snapshot_of(own_store).name, 60)
    made = client.get("/dumps/demograph.ttl.gz", buffered=True)  # read whole, file closed
    made.close()
    assert made.status_code == 200
    again = client.get("/dataset", headers={"Accept": "text/turtle",
                                            "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200  # not 304: the description has changed
    g = Graph().parse(data=again.data, format="turtle")
    dist = distributions(g)["demograph.ttl.gz"]
    assert int(g.value(dist, DCAT.byteSize)) == len(made.data)


def test_a_remote_store_gets_its_dumps_made_in_the_cache(tmp_path: Path) -> None:
    remote = start_oxigraph(tmp_path / "oxigraph")
    cache = tmp_path / "cache"
    try:
        built = run_cli("build", SEEDS, env={"DEMOGRAPH_STORE_URL": remote.url})
        assert built.code == 0, built.err
        running = start_server(tmp_path / "no-store", tmp_path / "serve.log", rate_limit="0",
                               store_url=remote.url, cache_dir=str(cache))
        try:
            url = running.url + "/dumps/demograph.nq.gz"
            assert get(url)[0] == 503
            status, _, body = wait_for(url)
            assert status == 200, body
            served = named_graphs(gzip.decompress(body), ox.RdfFormat.N_QUADS)
            assert DEFAULT_BASE + "graph/ontology" in served
            assert sum(1 for n in served if "/id/source/" in n) == len(list(SEEDS.glob("*.txt")))
            status, _, body = wait_for(running.url + "/dumps/demograph.ttl.gz")
            assert status == 200
            manifest_triples = count(running, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            assert len(Graph().parse(data=gzip.decompress(body), format="turtle")) == \
                manifest_triples
        finally:
            stop_server(running)
    finally:
        remote.stop()
    assert not (tmp_path / "no-store").exists()


# --- the publisher ------------------------------------------------------------------------
def test_default_publisher_and_contact_point(described: Graph) -> None:
    g = described
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert {str(n) for n in g.objects(publisher, FOAF.name)} == {"demograph-projektet",
                                                                 "the demograph project"}
    contact = g.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in g
    assert g.value(contact, VCARD.fn) is not None
    assert g.value(contact, VCARD.hasEmail) is None  # none invented: the setting is empty


def test_publisher_and_contact_come_from_the_settings(seed_store: Path, tmp_path: Path) -> None:
    running = start_server(seed_store, tmp_path / "serve.log", rate_limit="0",
                           publisher_name="Myndigheten för demokratidata",
                           publisher_url="https://demokratidata.example/",
                           publisher_type="NationalAuthority",
                           contact_email="data@demokratidata.example")
    try:
        status, _, body = get(running.url + "/dataset", {"Accept": "text/turtle"})
        assert status == 200
        g = Graph().parse(data=body, format="turtle")
        publisher = g.value(DATASET, DCTERMS.publisher)
        assert (publisher, RDF.type, FOAF.Agent) in g
        assert list(g.objects(publisher, FOAF.name)) == [Literal("Myndigheten för demokratidata")]
        assert g.value(publisher, FOAF.homepage) == URIRef("https://demokratidata.example/")
        assert g.value(publisher, DCTERMS.type) == \
            URIRef("http://purl.org/adms/publishertype/NationalAuthority")
        contact = g.value(DATASET, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Organization) in g
        assert g.value(contact, VCARD.fn) == Literal("Myndigheten för demokratidata")
        assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:data@demokratidata.example")
        page = get(running.url + "/dataset", {"Accept": "text/html"})[2].decode()
        assert "Myndigheten för demokratidata" in page
        assert 'href="mailto:data@demokratidata.example"' in page
    finally:
        stop_server(running)


@pytest.mark.parametrize(("variable", "value"), [
    ("DEMOGRAPH_CONTACT_EMAIL", "not an address"), ("DEMOGRAPH_PUBLISHER_URL", "demokrati.se"),
    ("DEMOGRAPH_PUBLISHER_TYPE", "Ministry")])
def test_a_malformed_publisher_setting_is_refused_with_the_reason(variable: str,
                                                                 value: str) -> None:
    from demograph.config import Settings
    from demograph.errors import UsageError

    with pytest.raises(UsageError, match=variable):
        Settings.load(env={variable: value})


# --- crawlers -----------------------------------------------------------------------------
def test_sitemap_lists_every_resource_page_and_each_answers(server: Server) -> None:
    status, headers, body = get(server.url + "/sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(body)
    assert root.tag == SITEMAP + "urlset"
    urls = [u.findtext(SITEMAP + "loc") for u in root.findall(SITEMAP + "url")]
    assert all(u.startswith(server.url + "/") for u in urls)
    assert len(urls) == len(set(urls))
    for path in ("/", "/actors", "/dataset", "/doc/org/kommun/1715", "/doc/commitment/kommun-1715/1",
                 "/doc/event/2021/demokrativecka-varmland", "/doc/place/lan/17",
                 "/doc/concept/theme/jamstalldhet"):
        assert server.url + path in urls
    resources = count(server, """SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
        VALUES ?c { <http://www.w3.org/ns/org#Organization> <https://w3id.org/demograph/def/Commitment>
                    <https://schema.org/Event> <https://schema.org/AdministrativeArea>
                    <http://www.w3.org/2004/02/skos/core#Concept>
                    <http://www.w3.org/2004/02/skos/core#ConceptScheme> } ?r a ?c }""")
    assert len([u for u in urls if "/doc/" in u]) == resources
    with ThreadPoolExecutor(8) as pool:
        statuses = dict(zip(urls, pool.map(lambda u: get(u)[0], urls)))
    assert {u: s for u, s in statuses.items() if s != 200} == {}


def test_robots_allows_pages_points_to_the_sitemap_and_keeps_out_of_sparql(server: Server) -> None:
    status, headers, body = get(server.url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert "Disallow: /sparql" in lines
    assert f"Sitemap: {server.url}/sitemap.xml" in lines


def test_past_the_limit_the_sitemap_is_an_index_of_numbered_files(seed_store: Path) -> None:
    from demograph.web import create_app

    app = create_app(store=seed_store, rate_limit=0)
    client = app.test_client()
    whole = [u.findtext(SITEMAP + "loc") for u in
             ET.fromstring(client.get("/sitemap.xml").data).findall(SITEMAP + "url")]
    app.config["SITEMAP_URLS"] = 100  # the protocol's 50,000, scaled to the seed data
    index = ET.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == SITEMAP + "sitemapindex"
    files = [s.findtext(SITEMAP + "loc") for s in index.findall(SITEMAP + "sitemap")]
    assert len(files) == -(-len(whole) // 100)
    paged: list[str | None] = []
    for url in files:
        page = ET.fromstring(client.get(urllib.parse.urlsplit(url).path).data)
        entries = [u.findtext(SITEMAP + "loc") for u in page.findall(SITEMAP + "url")]
        assert 0 < len(entries) <= 100
        paged += entries
    assert paged == whole
    assert client.get(f"/sitemap-{len(files) + 1}.xml").status_code == 404


@pytest.mark.parametrize("path", ["/dataset", "/dumps/"])
def test_publishing_pages_are_valid_html_without_javascript(server: Server, path: str) -> None:
    from .test_browse import check_page

    status, headers, body = get(server.url + path, {"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = check_page(body.decode("utf-8"))
    assert page.tables >= 1
