"""One contract, every backend: embedded Oxigraph, rdflib in memory, and remote SPARQL 1.1
stores — a real `oxigraph serve` and a real Virtuoso, started here on 127.0.0.1.

The Virtuoso leg is skipped only when `virtuoso-t` is not installed (.ci/run installs
Debian's virtuoso-opensource)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from demograph.errors import DemographError, QueryError
from demograph.store.embedded import EmbeddedStore
from demograph.store.memory import MemoryStore
from demograph.store.protocol import GraphSet, Solutions, Store, Triples
from demograph.store.remote import RemoteConfig, RemoteStore

from .remote_stores import VIRTUOSO, RemoteServer, start_oxigraph, start_virtuoso

EX = "http://example.org/"
G1, G2, G3 = EX + "graph/one", EX + "graph/two", EX + "graph/three"
XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


LABEL, AGE, KNOWS, NOTE = n("label"), n("age"), n("knows"), n("note")
SHARED = ox.Triple(n("kil"), LABEL, ox.Literal("Kils kommun", language="sv"))


def dataset(version: int = 1) -> GraphSet:
    """Two texts that share one statement, and a graph with a blank node and a quote."""
    note = ox.BlankNode("note")
    graphs = {
        G1: [SHARED, ox.Triple(n("kil"), AGE, ox.Literal(str(10 * version), datatype=XSD_INT)),
             ox.Triple(n("kil"), KNOWS, n("karlstad"))],
        G2: [SHARED, ox.Triple(n("karlstad"), LABEL, ox.Literal("Karlstads kommun", language="sv"))],
        G3: [ox.Triple(n("karlstad"), NOTE, note),
             ox.Triple(note, LABEL, ox.Literal('säger "hej" \\ då'))],
    }
    return GraphSet(graphs, {G1: "source", G2: "source", G3: "reference"},
                    {G1: "one.txt", G2: "two.txt"}, EX)


BACKENDS = ["embedded", "memory", "remote-oxigraph", "remote-virtuoso"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RemoteServer]]:
    started: dict[str, RemoteServer] = {}
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, servers: dict[str, RemoteServer],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    kind = request.param
    if kind == "embedded":
        opened: Store = EmbeddedStore(tmp_path_factory.mktemp("embedded") / "store")
    elif kind == "memory":
        opened = MemoryStore()
    else:
        name = kind.removeprefix("remote-")
        if name == "virtuoso" and VIRTUOSO is None:
            pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
        if name not in servers:
            start = start_oxigraph if name == "oxigraph" else start_virtuoso
            servers[name] = start(tmp_path_factory.mktemp(name))
        opened = RemoteStore(RemoteConfig(servers[name].url, timeout=20))
    opened.replace(dataset())
    yield opened
    opened.close()


def rows(result: object) -> list[dict[str, str]]:
    assert isinstance(result, Solutions)
    return [{k: str(v) for k, v in row.items()} for row in result.dicts()]


def test_named_graphs_are_the_public_ones_and_the_default_graph_is_their_merge(store: Store) -> None:
    assert store.named_graphs() == sorted([G1, G2, G3])
    # 3 + 2 + 2 statements, one of them made by two graphs: the merge holds it once
    assert store.triple_count() == 6
    count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert rows(count) == [{"n": '"6"^^<http://www.w3.org/2001/XMLSchema#integer>'}]


def test_select_gives_the_same_terms_everywhere(store: Store) -> None:
    result = store.query(f"SELECT ?s ?label WHERE {{ ?s <{LABEL.value}> ?label "
                         "FILTER(isIRI(?s)) } ORDER BY ?s")
    assert rows(result) == [{"s": f"<{EX}karlstad>", "label": '"Karlstads kommun"@sv'},
                            {"s": f"<{EX}kil>", "label": '"Kils kommun"@sv'}]
    typed = store.query(f"SELECT ?age WHERE {{ <{EX}kil> <{AGE.value}> ?age }}")
    assert rows(typed) == [{"age": '"10"^^<http://www.w3.org/2001/XMLSchema#integer>'}]
    escaped = store.query(f"SELECT ?text WHERE {{ ?note <{LABEL.value}> ?text FILTER(isBlank(?note)) }}")
    assert rows(escaped) == [{"text": str(ox.Literal('säger "hej" \\ då'))}]


def test_optional_leaves_a_variable_unbound(store: Store) -> None:
    result = store.query(f"SELECT ?s ?friend WHERE {{ ?s <{LABEL.value}> ?l FILTER(isIRI(?s)) "
                         f"OPTIONAL {{ ?s <{KNOWS.value}> ?friend }} }} ORDER BY ?s")
    assert rows(result) == [{"s": f"<{EX}karlstad>"}, {"s": f"<{EX}kil>", "friend": f"<{EX}karlstad>"}]


def test_ask_answers_true_and_false(store: Store) -> None:
    assert store.query(f"ASK {{ <{EX}kil> <{KNOWS.value}> <{EX}karlstad> }}") is True
    assert store.query(f"ASK {{ <{EX}karlstad> <{KNOWS.value}> <{EX}kil> }}") is False


def test_bound_values_select_and_cannot_change_the_query(store: Store) -> None:
    query = f"SELECT ?label WHERE {{ ?s <{LABEL.value}> ?label }}"
    assert rows(store.query(query, bindings={"s": n("kil")})) == [{"label": '"Kils kommun"@sv'}]
    hostile = ox.Literal('x" } } ; DROP ALL ; SELECT * { "')
    assert rows(store.query(query, bindings={"s": hostile})) == []
    assert store.triple_count() == 6


def test_construct_returns_the_graph(store: Store) -> None:
    result = store.query(f"CONSTRUCT {{ ?s <{LABEL.value}> ?o }} WHERE {{ ?s <{LABEL.value}> ?o "
                         "FILTER(isIRI(?s)) }")
    assert isinstance(result, Triples)
    expected = Graph().parse(data=f'<{EX}kil> <{LABEL.value}> "Kils kommun"@sv .\n'
                                  f'<{EX}karlstad> <{LABEL.value}> "Karlstads kommun"@sv .\n',
                             format="nt")
    got = Graph().parse(data=ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES) or b"",
                        format="nt")
    assert isomorphic(got, expected)


def test_graph_patterns_see_each_named_graph(store: Store) -> None:
    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         f'FILTER(STRSTARTS(STR(?g), "{EX}")) }} GROUP BY ?g ORDER BY ?g')
    assert [(r["g"], r["n"][1]) for r in rows(result)] == [(f"<{G1}>", "3"), (f"<{G3}>", "2"),
                                                          (f"<{G2}>", "2")]


def test_the_protocol_dataset_chooses_the_graphs(store: Store) -> None:
    result = store.query("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", default_graphs=[G2])
    assert rows(result) == [{"s": f"<{EX}karlstad>"}, {"s": f"<{EX}kil>"}]
    unknown = store.query("SELECT * WHERE { ?s ?p ?o }", default_graphs=[EX + "graph/none"])
    assert rows(unknown) == []


def test_a_row_cap_cuts_and_says_so(store: Store) -> None:
    result = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=4)
    assert isinstance(result, Solutions) and len(result.rows) == 4 and result.truncated
    whole = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=6)
    assert isinstance(whole, Solutions) and len(whole.rows) == 6 and not whole.truncated


def test_a_malformed_query_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError):
        store.query("SELECT ?s WHERE { ?s ?p }")


def test_replace_swaps_everything_and_changes_the_version(store: Store) -> None:
    before = store.version()
    store.replace(dataset(version=2))
    assert store.version() != before
    age = store.query(f"SELECT ?age WHERE {{ <{EX}kil> <{AGE.value}> ?age }}")
    assert rows(age) == [{"age": '"20"^^<http://www.w3.org/2001/XMLSchema#integer>'}]
    assert store.triple_count() == 6


def test_a_failed_replace_leaves_the_served_data_unchanged(store: Store) -> None:
    before = store.version()

    def refuse() -> None:
        raise DemographError("the staged data is not valid")

    with pytest.raises(DemographError, match="not valid"):
        store.replace(dataset(version=3), check=refuse)
    assert store.version() == before
    age = store.query(f"SELECT ?age WHERE {{ <{EX}kil> <{AGE.value}> ?age }}")
    assert rows(age) == [{"age": '"10"^^<http://www.w3.org/2001/XMLSchema#integer>'}]
    assert store.named_graphs() == sorted([G1, G2, G3])
    leftovers = store.query('SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
                            'FILTER(STRSTARTS(STR(?g), "urn:demograph:staging")) }')
    assert rows(leftovers) == []


def test_a_graph_dropped_from_the_data_leaves_the_store(store: Store, tmp_path: Path) -> None:
    smaller = dataset()
    store.replace(GraphSet({G1: smaller.graphs[G1]}, {G1: "source"}, {G1: "one.txt"}, EX))
    assert store.named_graphs() == [G1]
    assert store.triple_count() == 3
    assert store.query(f"ASK {{ <{EX}karlstad> <{LABEL.value}> ?l }}") is False
