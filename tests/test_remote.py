"""demograph on a remote store, end to end: `demograph build --store-url` into a real
`oxigraph serve` (and Virtuoso, when installed), `demograph serve --store-url` in front of
it — twice, as a stateless web tier — and the endpoint's checks, caching and errors."""

from __future__ import annotations

import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from demograph.errors import StoreError
from demograph.store.protocol import GraphSet, Solutions
from demograph.store import remote as remote_module
from demograph.store.remote import RemoteConfig, RemoteStore

from .conftest import SEEDS, Server, free_port, run_cli, start_server, stop_server
from .remote_stores import VIRTUOSO, RemoteServer, start_oxigraph, start_virtuoso

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PARTNERS = """PREFIX dg: <https://w3id.org/demograph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?actor (COUNT(DISTINCT ?c) AS ?commitments) WHERE {
  ?c dg:partner <https://w3id.org/demograph/id/org/lansstyrelse/17> ; dg:committedBy ?a .
  ?a rdfs:label ?actor . FILTER(lang(?actor) = "sv")
} GROUP BY ?actor ORDER BY ?actor"""


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteServer]:
    """A remote store with the seed texts built into it by the real CLI."""
    if request.param == "virtuoso" and VIRTUOSO is None:
        pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
    start = start_oxigraph if request.param == "oxigraph" else start_virtuoso
    server = start(tmp_path_factory.mktemp(request.param))
    try:
        built = run_cli("build", SEEDS, "--store-url", server.url, timeout=300)
        assert built.code == 0, built.err
        assert f"to {server.url}" in built.out
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tier(remote: RemoteServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """Two `demograph serve` processes in front of the one store."""
    logs = tmp_path_factory.mktemp("tier")
    servers = [start_server(logs / "none", logs / f"serve-{i}.log", store_url=remote.url,
                            rate_limit="0", query_timeout="20") for i in range(2)]
    yield servers
    for server in servers:
        stop_server(server)


def ask(endpoint: str, query: str, host: str | None = None) -> tuple[list[dict[str, str]], str]:
    """Rows (plain values) and the ETag, through SPARQLWrapper as any client would;
    ``host`` sends the Host header a reverse proxy would pass on."""
    client = SPARQLWrapper(endpoint)
    if host:
        client.addCustomHttpHeader("Host", host)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    result = client.query()
    etag = result.info().get("etag", "")
    data = result.convert()
    rows = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]  # type: ignore[index]
    return rows, etag


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_remote_store_answers_as_the_embedded_one(tier: list[Server], server: Server) -> None:
    embedded_count, _ = ask(server.sparql, COUNT)
    remote_count, _ = ask(tier[0].sparql, COUNT)
    assert remote_count == embedded_count
    embedded, _ = ask(server.sparql, PARTNERS)
    remote_rows, _ = ask(tier[0].sparql, PARTNERS)
    assert remote_rows == embedded
    assert [r["actor"] for r in remote_rows] == ["Karlstads kommun", "Kils kommun", "Region Värmland"]


def test_two_web_processes_give_identical_answers_and_etags(tier: list[Server]) -> None:
    # behind one reverse proxy both see the same public address, which relative IRIs in a
    # query resolve against (and so is part of the ETag)
    first = ask(tier[0].sparql, PARTNERS, host="demograph.example")
    second = ask(tier[1].sparql, PARTNERS, host="demograph.example")
    assert first == second
    assert first[1].startswith('"') and len(first[1]) > 10
    health = [get(s.url + "/health") for s in tier]
    assert health[0][2] == health[1][2]


def test_the_endpoint_keeps_its_checks_and_caching_over_a_remote_store(tier: list[Server]) -> None:
    endpoint = tier[0].sparql
    query = urllib.parse.quote(PARTNERS)
    status, headers, _ = get(f"{endpoint}?query={query}", {"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    etag = headers["ETag"]
    again, again_headers, _ = get(f"{endpoint}?query={query}", {"Accept": "text/csv"})
    assert again == 200 and again_headers["X-Demograph-Cache"] == "hit"
    unchanged, _, body = get(f"{endpoint}?query={query}", {"Accept": "text/csv",
                                                            "If-None-Match": etag})
    assert unchanged == 304 and body == b""
    service = urllib.parse.quote("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    refused, _, message = get(f"{endpoint}?query={service}")
    assert refused == 400 and b"SERVICE" in message
    update = urllib.parse.quote("DROP ALL")
    forbidden, _, _ = get(f"{endpoint}?query={update}")
    assert forbidden == 403
    broken = urllib.parse.quote("SELECT ?s WHERE { ?s ?p }")
    bad, _, parse_error = get(f"{endpoint}?query={broken}")
    assert bad == 400 and b"syntax" in parse_error.lower()
    count, _ = ask(endpoint, COUNT)
    assert int(count[0]["n"]) > 10000  # nothing above dropped anything


def test_pages_read_the_remote_store(tier: list[Server]) -> None:
    status, headers, body = get(tier[0].url + "/", {"Accept": "text/html"})
    assert status == 200 and b"demograph" in body


def test_a_failed_build_leaves_the_served_data_unchanged(remote: RemoteServer, tier: list[Server],
                                                        tmp_path: Path) -> None:
    before = get(tier[0].url + "/health")[2]
    broken = tmp_path / "texts"
    broken.mkdir()
    (broken / "empty.txt").write_bytes(b"")
    (broken / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = run_cli("build", broken, "--store-url", remote.url, timeout=300)
    assert result.code == 1
    assert "Nothing published" in result.err
    assert get(tier[0].url + "/health")[2] == before


def test_readers_never_see_a_mix_while_the_store_is_replaced(
        remote: RemoteServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader counting during two switches sees one generation or the other, never a
    graph set half old and half new — on a union-dialect store also when its switch is cut
    into steps (here of two graphs: three requests for three graphs and the control graph)."""
    monkeypatch.setattr(remote_module, "SWITCH_GRAPHS", 2)
    store = RemoteStore(RemoteConfig(remote.url))
    original = store.manifest()
    p = ox.NamedNode("http://example.org/p")

    def generation(size: int) -> GraphSet:
        graphs = {f"http://example.org/g{i}": [ox.Triple(ox.NamedNode(f"http://example.org/s{i}-{j}"), p,
                                                         ox.Literal(str(j))) for j in range(size)]
                  for i in range(3)}
        return GraphSet(graphs, {g: "source" for g in graphs}, {}, "http://example.org/")

    seen: list[int] = []
    stop = threading.Event()
    reader = RemoteStore(RemoteConfig(remote.url))

    def read() -> None:
        while not stop.is_set():
            result = reader.query(COUNT)
            assert isinstance(result, Solutions)
            seen.append(int(result.rows[0][0].value))  # type: ignore[union-attr]

    try:
        store.replace(generation(100))
        thread = threading.Thread(target=read)
        thread.start()
        store.replace(generation(700))
        store.replace(generation(100))
        stop.set()
        thread.join(timeout=60)
        assert set(seen) <= {300, 2100}, sorted(set(seen))
        assert seen
    finally:
        stop.set()
        rebuilt = run_cli("build", SEEDS, "--store-url", remote.url, timeout=300)
        assert rebuilt.code == 0, rebuilt.err
        assert store.manifest().triples == original.triples


def test_union_dialect_merges_live_per_generation(remote: RemoteServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """On a union-dialect store each build's merge has a graph of its own, which the control
    graph names; the ones it replaced are dropped by the builds after, all but the newest.
    The public graphs hold the new generation."""
    store = RemoteStore(RemoteConfig(remote.url))
    if store.dialect() != "union":
        pytest.skip("the merge is moved into the default graph on a standard-dialect store")
    monkeypatch.setattr(remote_module, "SWITCH_GRAPHS", 2)
    p = ox.NamedNode("http://example.org/p")

    def generation(n: int) -> GraphSet:
        graphs = {f"http://example.org/g{i}": [ox.Triple(ox.NamedNode(f"http://example.org/s{i}"), p,
                                                         ox.Literal(str(n)))] for i in range(5)}
        return GraphSet(graphs, {g: "source" for g in graphs}, {}, "http://example.org/")

    def graphs_named(prefix: str) -> set[str]:
        rows = store._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                             f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}')
        return {r["g"] for r in rows}

    try:
        merges = []
        for n in range(1, 5):
            merges.append(f"{remote_module.MERGE}:{store.replace(generation(n))}")
            assert store.merge_graph() == merges[-1]
        # the served merge, the one it replaced, and the one before: a process may read the
        # generation a second late even as the next build begins
        assert graphs_named(remote_module.MERGE) == set(merges[-3:])
        assert not graphs_named(remote_module.STAGING)
        result = store.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        assert isinstance(result, Solutions)
        assert [(str(g.value), str(o.value)) for g, o in result.rows] == [  # type: ignore[union-attr]
            (f"http://example.org/g{i}", "4") for i in range(5)]
        counted = store.query(COUNT)
        assert isinstance(counted, Solutions)
        assert int(counted.rows[0][0].value) == 5  # type: ignore[union-attr]
    finally:
        rebuilt = run_cli("build", SEEDS, "--store-url", remote.url, timeout=300)
        assert rebuilt.code == 0, rebuilt.err


def test_a_bulk_loaded_store_is_adopted_once_its_counts_are_checked(tmp_path: Path) -> None:
    """An initial load made by the store's own bulk loader (`oxigraph load`, for data too large
    for SPARQL Update) is served after `adopt` has checked every graph and the merge; a
    description that does not match what the store holds switches nothing."""
    from .remote_stores import OXIGRAPH

    p = ox.NamedNode("http://example.org/p")
    graphs = {f"http://example.org/g{i}": [ox.Triple(ox.NamedNode(f"http://example.org/s{j}"), p,
                                                     ox.Literal(str(j * i % 7))) for j in range(50)]
              for i in range(3)}
    merged = {t for triples in graphs.values() for t in triples}
    assert len(merged) < sum(len(t) for t in graphs.values())  # the graphs share triples
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
             for g, triples in graphs.items() for t in triples]
    quads += [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merged]
    dump = tmp_path / "bulk.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    (tmp_path / "store").mkdir()
    loaded = subprocess.run([str(OXIGRAPH), "load", "--location", str(tmp_path / "store" / "db"),
                             "--file", str(dump)], capture_output=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    remote = start_oxigraph(tmp_path / "store")
    try:
        store = RemoteStore(RemoteConfig(remote.url))
        kinds = {g: "source" for g in graphs}
        wrong = {**graphs, "http://example.org/g0": graphs["http://example.org/g0"][:-1]}
        with pytest.raises(StoreError, match="holds 50 triples of <http://example.org/g0>, not the 49 these texts make"):
            store.adopt(GraphSet(wrong, kinds, {}, "http://example.org/"))
        with pytest.raises(StoreError, match="holds no demograph data"):
            store.version()  # nothing was switched
        generation = store.adopt(GraphSet(graphs, kinds, {}, "http://example.org/"))
        assert store.version() == generation
        assert store.manifest().graphs == kinds and store.triple_count() == len(merged)
        result = store.query(COUNT)
        assert isinstance(result, Solutions)
        assert int(result.rows[0][0].value) == len(merged)  # type: ignore[union-attr]
    finally:
        remote.stop()


def test_build_adopts_a_bulk_load_of_its_own_export(seed_store: Path, tmp_path: Path) -> None:
    """The documented route for a first load too large for SPARQL Update: an embedded build's
    export (named graphs as N-Quads, their merge as N-Triples) bulk-loaded by `oxigraph load`,
    then `build --store-url … --adopt`, which reads the texts again, checks the store holds
    exactly what they make, and serves it. Texts that make other graphs are refused, exit 2,
    and what is served stays."""
    from .remote_stores import OXIGRAPH

    graphs, merge = tmp_path / "graphs.nq", tmp_path / "merge.nt"
    for fmt, path in (("nq", graphs), ("nt", merge)):
        exported = run_cli("export", "--format", fmt, "-o", path, store=seed_store)
        assert exported.code == 0, exported.err
    (tmp_path / "remote").mkdir()
    loaded = subprocess.run([str(OXIGRAPH), "load", "--location", str(tmp_path / "remote" / "db"),
                             "--file", str(graphs), str(merge)], capture_output=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr
    remote = start_oxigraph(tmp_path / "remote")
    try:
        usage = run_cli("build", SEEDS, "--adopt", store=seed_store)
        assert usage.code == 2 and "--adopt checks a remote store" in usage.err
        adopted = run_cli("build", SEEDS, "--store-url", remote.url, "--adopt", timeout=300)
        assert adopted.code == 0, adopted.err
        embedded = run_cli("query", COUNT, "--format", "csv", store=seed_store)
        served = run_cli("query", COUNT, "--format", "csv", "--store-url", remote.url)
        assert served.code == 0 and served.out == embedded.out and int(served.out.split()[-1]) > 10_000
        generation = RemoteStore(RemoteConfig(remote.url)).version()
        fewer = tmp_path / "fewer"
        fewer.mkdir()
        for text in sorted(SEEDS.glob("*.txt"))[:-1]:
            (fewer / text.name).write_bytes(text.read_bytes())
        refused = run_cli("build", fewer, "--store-url", remote.url, "--adopt", timeout=300)
        assert refused.code == 2 and "nothing was switched" in refused.err
        assert RemoteStore(RemoteConfig(remote.url)).version() == generation
    finally:
        remote.stop()


def test_a_store_that_is_down_is_a_clear_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    served = run_cli("serve", "--store-url", url, timeout=60)
    assert served.code == 2
    assert f"the store at {url} is not reachable" in served.err
    assert "Traceback" not in served.err
    with pytest.raises(StoreError, match="not reachable"):
        RemoteStore(RemoteConfig(url)).query("ASK {}")


def test_a_store_going_down_under_serve_gives_503(tmp_path: Path) -> None:
    store = start_oxigraph(tmp_path / "gone")
    try:
        built = run_cli("build", SEEDS, "--store-url", store.url, timeout=300)
        assert built.code == 0, built.err
        web = start_server(tmp_path / "none", tmp_path / "serve.log", store_url=store.url,
                           rate_limit="0", result_cache="0")
    finally:
        store.stop()
    try:
        status, headers, body = get(web.sparql + "?query=" + urllib.parse.quote(COUNT),
                                    {"Accept": "application/json"})
        assert status == 503
        assert "not reachable" in body.decode()
        assert headers.get("Retry-After")
    finally:
        stop_server(web)


def _nquads(dump: bytes, store: str = "oxigraph") -> list[bytes]:
    """N-Quads lines, sorted, blank-node labels made equal (they are new on every parse).
    Virtuoso keeps a literal that spells an IRI (vann:preferredNamespaceUri) as the IRI
    itself: that one difference of the store's is evened out."""
    import re

    lines = [re.sub(rb"_:[A-Za-z0-9]+", b"_:b", line) for line in dump.splitlines()]
    if store == "virtuoso":
        lines = [re.sub(rb'"(https?://[^"<>\\ ]*)"(\^\^<http://www.w3.org/2001/XMLSchema#anyURI>)?', rb"<\1>", line)
                 for line in lines]
    return sorted(lines)


def test_query_and_export_read_the_remote_store_the_settings_name(
        remote: RemoteServer, seed_store: Path, tmp_path: Path) -> None:
    """DEMOGRAPH_STORE_URL replaces DEMOGRAPH_STORE for `query` and `export` too: with an
    empty local store directory named beside it, the answers are the remote store's."""
    env = {"DEMOGRAPH_STORE_URL": remote.url}
    kil = "https://w3id.org/demograph/id/org/kommun/1715"
    nowhere = tmp_path / "no-store"  # were it read, the command would fail: nothing is here
    for fmt in ("csv", "json", "table"):
        remote_rows = run_cli("query", PARTNERS, "--format", fmt, store=nowhere, env=env)
        embedded_rows = run_cli("query", PARTNERS, "--format", fmt, store=seed_store)
        assert remote_rows.code == 0, remote_rows.err
        assert remote_rows.out == embedded_rows.out
    assert "Kils kommun" in remote_rows.out
    ask_remote = run_cli("query", "ASK { ?s ?p ?o }", "--store-url", remote.url, store=nowhere)
    assert (ask_remote.code, ask_remote.out.strip()) == (0, "true")
    describe = f"CONSTRUCT {{ <{kil}> ?p ?o }} WHERE {{ <{kil}> ?p ?o }}"
    graph_remote = run_cli("query", describe, "--format", "csv", store=nowhere, env=env)
    graph_embedded = run_cli("query", describe, "--format", "csv", store=seed_store)
    assert graph_remote.code == 0, graph_remote.err
    assert sorted(graph_remote.out.splitlines()) == sorted(graph_embedded.out.splitlines())
    assert len(graph_remote.out.splitlines()) > 3

    exported = run_cli("export", "--format", "nq", store=nowhere, env=env, timeout=300)
    assert exported.code == 0, exported.err
    embedded = run_cli("export", "--format", "nq", store=seed_store, timeout=300)
    assert _nquads(exported.raw, remote.name) == _nquads(embedded.raw, remote.name)
    merged = run_cli("export", "--format", "nt", store=nowhere, env=env, timeout=300)
    assert merged.code == 0, merged.err
    assert _nquads(merged.raw, remote.name) == _nquads(run_cli("export", "--format", "nt", store=seed_store).raw,
                                          remote.name)
    assert not nowhere.exists()
