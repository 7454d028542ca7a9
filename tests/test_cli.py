"""The `demograph` executable, run as a user would: exit codes, messages, and the promise that
a failed build never costs the store that was there."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from demograph.config import SETTINGS
from demograph.namespaces import DG

from .conftest import ROOT, SEEDS, run_cli

KIL = "https://w3id.org/demograph/id/org/kommun/1715"
COUNT_COMMITMENTS = ("SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/demograph/def/Commitment> }")


def _count(store: Path) -> int:
    result = run_cli("query", COUNT_COMMITMENTS, "--format", "csv", store=store)
    assert result.code == 0, result.err
    return int(result.out.split()[1])


def test_help_documents_every_command_and_setting() -> None:
    result = run_cli("--help")
    assert result.code == 0
    for command in ("build", "extract", "validate", "query", "load", "export"):
        assert command in result.out
    for setting in SETTINGS:
        assert setting.env in result.out, f"{setting.env} missing from --help"


def test_query_one_actor_lookup_on_seed_store(seed_store: Path) -> None:
    query = ("PREFIX dg: <https://w3id.org/demograph/def/> SELECT ?c ?t WHERE { "
             f"?c dg:committedBy <{KIL}> ; dg:commitmentType ?t }} ORDER BY ?c")
    result = run_cli("query", query, "--format", "json", store=seed_store)
    assert result.code == 0, result.err
    rows = json.loads(result.out)["results"]["bindings"]
    assert [r["c"]["value"].rsplit("/", 1)[-1] for r in rows] == ["1", "2", "3", "4", "5"]
    assert {r["t"]["value"].rsplit("/", 1)[-1] for r in rows} == {"intern", "extern", "kommunikativ"}


@pytest.mark.parametrize("fmt,marker", [("csv", "c,t"), ("tsv", "?c\t?t"), ("table", "(5 rows)")])
def test_query_formats(seed_store: Path, fmt: str, marker: str) -> None:
    query = f"SELECT ?c ?t WHERE {{ ?c <{DG.committedBy}> <{KIL}> ; <{DG.commitmentType}> ?t }}"
    result = run_cli("query", query, "--format", fmt, store=seed_store)
    assert result.code == 0, result.err
    assert marker in result.out


def test_query_from_file_and_stdin(seed_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(f"ASK {{ <{KIL}> <{DG.signed}> ?d }}", "utf-8")
    assert run_cli("query", "-f", path, store=seed_store).out.strip() == "true"
    piped = run_cli("query", "-f", "-", store=seed_store, stdin=path.read_bytes())
    assert piped.out.strip() == "true"


def test_construct_prints_turtle_that_parses(seed_store: Path) -> None:
    result = run_cli("query", f"CONSTRUCT {{ ?c <{DG.committedBy}> <{KIL}> }} WHERE "
                              f"{{ ?c <{DG.committedBy}> <{KIL}> }}", store=seed_store)
    assert result.code == 0, result.err
    graph = Graph().parse(data=result.out, format="turtle")
    assert len(graph) == 5


@pytest.mark.parametrize("query,message", [
    ("SELEC ?x", "SPARQL syntax error"),
    ("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "read-only"),
    ("SELECT * {" * 100 + "}" * 100, "nests"),
])
def test_bad_queries_exit_1_with_the_reason(seed_store: Path, query: str, message: str) -> None:
    result = run_cli("query", query, store=seed_store)
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err


def test_query_without_store_exits_2(tmp_path: Path) -> None:
    result = run_cli("query", "ASK {}", store=tmp_path / "none")
    assert result.code == 2
    assert "no store" in result.err


def test_usage_error_exits_2(seed_store: Path) -> None:
    assert run_cli("query", store=seed_store).code == 2
    assert run_cli("build", "--no-such-flag").code == 2
    assert run_cli("extract", "/no/such/file").code == 2


def test_bad_inputs_get_a_message_each_and_the_old_store_stays(own_store: Path, tmp_path: Path) -> None:
    before = _count(own_store)
    bad = tmp_path / "mixed"
    (bad / "sub").mkdir(parents=True)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.bin").write_bytes(bytes(range(256)) * 8)
    seed = (SEEDS / "000_5e3eb62d3abab63d.txt").read_text("utf-8")
    (bad / "latin1.txt").write_bytes(seed.replace("Kils kommun", "Sunne kommun").encode("latin-1"))
    (bad / "noactor.txt").write_text("Vädret var fint i går. Ingen organisation nämns här.\n", "utf-8")
    (bad / "huge.txt").write_bytes(b"Kils kommun undertecknar.\n" * 400_000)
    (bad / "sub" / "karlstad.txt").write_bytes((SEEDS / "001_86b43af961d68487.txt").read_bytes())

    result = run_cli("build", bad, store=own_store)
    assert result.code == 1
    lines = {line.split(":")[0].split()[-1]: line for line in result.out.splitlines() if ":" in line}
    assert "FAILED" in lines["empty.txt"] and "empty text" in lines["empty.txt"]
    assert "FAILED" in lines["binary.bin"] and "binary" in lines["binary.bin"]
    assert "FAILED" in lines["huge.txt"] and "too large" in lines["huge.txt"]
    assert "FAILED" in lines["noactor.txt"] and "no signing actor" in lines["noactor.txt"]
    assert lines["latin1.txt"].split()[0] == "ok" and "Windows-1252" in lines["latin1.txt"]
    assert lines["karlstad.txt"].split()[0] == "ok" and "5 commitments" in lines["karlstad.txt"]
    assert "unchanged" in result.err and "Traceback" not in result.err
    assert _count(own_store) == before


def test_keep_going_publishes_the_good_files(own_store: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "empty.txt").write_bytes(b"")
    (mixed / "karlstad.txt").write_bytes((SEEDS / "001_86b43af961d68487.txt").read_bytes())
    result = run_cli("build", "--keep-going", mixed, store=own_store)
    assert result.code == 1
    assert _count(own_store) == 5


def test_extract_prints_rdf_that_stands_on_its_own(tmp_path: Path) -> None:
    result = run_cli("extract", SEEDS / "000_5e3eb62d3abab63d.txt", "--format", "nt")
    assert result.code == 0, result.err
    graph = Graph().parse(data=result.out, format="nt")
    commitments = set(graph.subjects(RDF.type, DG.Commitment))
    assert len(commitments) == 5
    # the actors and concepts it points to are described in the same output
    assert (URIRef(KIL), RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in graph
    validated = tmp_path / "kil.nt"
    validated.write_bytes(result.raw)
    assert run_cli("validate", validated).code == 0


def test_extract_reads_stdin_and_jsonld_parses() -> None:
    data = (SEEDS / "002_b48d8e63500556e1.txt").read_bytes()
    result = run_cli("extract", "-", "--format", "jsonld", stdin=data)
    assert result.code == 0, result.err
    quads = list(ox.parse(result.raw, format=ox.RdfFormat.JSON_LD))
    commitments = {q.subject for q in quads if q.predicate.value == str(RDF.type)
                   and q.object.value == str(DG.Commitment)}
    assert len(commitments) == 5


def test_extract_nothing_recognisable_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "weather.txt"
    path.write_text("Solen skiner över Vänern.\n", "utf-8")
    result = run_cli("extract", path)
    assert result.code == 1
    assert "no signing actor" in result.err


def test_validate_store_conforms(seed_store: Path) -> None:
    result = run_cli("validate", store=seed_store)
    assert result.code == 0, result.out
    assert "Conforms: yes" in result.out


def test_validate_rejects_a_malformed_commitment(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("""
        @prefix dg: <https://w3id.org/demograph/def/> .
        <https://w3id.org/demograph/id/commitment/x/0> a dg:Commitment ; dg:ordinal 0 .
    """, "utf-8")
    result = run_cli("validate", path, "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["conforms"] is False
    assert any(f["focus"].endswith("/commitment/x/0") for f in report["findings"])


def test_load_adds_a_named_graph_that_survives_a_rebuild(own_store: Path, tmp_path: Path) -> None:
    extra = tmp_path / "wikidata.ttl"
    extra.write_text(f'<{KIL}> <http://www.w3.org/2000/01/rdf-schema#comment> "från Wikidata"@sv .\n',
                     "utf-8")
    result = run_cli("load", extra, "--graph", "https://example.org/graph/wd", store=own_store)
    assert result.code == 0, result.err
    ask = ("ASK { GRAPH <https://example.org/graph/wd> { ?s "
           "<http://www.w3.org/2000/01/rdf-schema#comment> \"från Wikidata\"@sv } }")
    assert run_cli("query", ask, store=own_store).out.strip() == "true"
    assert run_cli("build", SEEDS, store=own_store).code == 0
    assert run_cli("query", ask, store=own_store).out.strip() == "true"


def extra_valid(tmp_path: Path) -> Path:
    path = tmp_path / "extra.ttl"
    path.write_text(f'<{KIL}> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@sv .\n', "utf-8")
    return path


def test_load_refuses_invalid_and_unparsable_rdf(own_store: Path, tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.ttl"
    invalid.write_text("<urn:x> a <https://w3id.org/demograph/def/Commitment> .\n", "utf-8")
    result = run_cli("load", invalid, store=own_store)
    assert result.code == 1 and "Nothing loaded" in result.err
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:x> <urn:y> .\n", "utf-8")
    result = run_cli("load", broken, store=own_store)
    assert result.code == 1 and "not valid" in result.err
    into_built = run_cli("load", extra_valid(tmp_path), "--graph",
                         "https://w3id.org/demograph/graph/reference", store=own_store)
    assert into_built.code == 2 and "built from data/" in into_built.err


@pytest.mark.parametrize("fmt,rdf_format", [("nq", ox.RdfFormat.N_QUADS), ("ttl", ox.RdfFormat.TURTLE),
                                            ("nt", ox.RdfFormat.N_TRIPLES),
                                            ("jsonld", ox.RdfFormat.JSON_LD)])
def test_export_parses_back(seed_store: Path, tmp_path: Path, fmt: str,
                            rdf_format: ox.RdfFormat) -> None:
    out = tmp_path / f"dump.{fmt}.gz"
    result = run_cli("export", "--format", fmt, "-o", out, store=seed_store)
    assert result.code == 0, result.err
    statements = list(ox.parse(gzip.decompress(out.read_bytes()), format=rdf_format))
    commitments = {s.subject for s in statements if s.predicate.value == str(RDF.type)
                   and s.object.value == str(DG.Commitment)}
    assert len(commitments) == 35  # 5 + 5 + 5 + 9 + 11 commitments in the seeds
    if rdf_format.supports_datasets:  # the named graphs survive: one per source, plus 3
        assert len({s.graph_name for s in statements}) == 5 + 3


def _statements(dump: bytes) -> list[bytes]:
    """N-Quads lines with blank-node labels made equal (only the ontology's OWL lists use
    blank nodes; their labels are new on every parse)."""
    return sorted(re.sub(rb"_:[A-Za-z0-9]+", b"_:b", line) for line in dump.splitlines())


def test_rebuild_gives_the_same_graph(own_store: Path, seed_store: Path) -> None:
    first = run_cli("export", "--format", "nq", store=seed_store).raw
    assert run_cli("build", SEEDS, store=own_store).code == 0
    second = run_cli("export", "--format", "nq", store=own_store).raw
    assert _statements(first) == _statements(second)
    assert len(first.splitlines()) > 10_000


def test_readme_documents_every_setting_and_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for setting in SETTINGS:
        assert setting.env in readme, f"{setting.env} is not in the README"
    for command in ("make run", "make test", "demograph build", "demograph query",
                    "demograph extract", "demograph validate", "demograph load", "demograph export"):
        assert command in readme, f"{command!r} is not in the README"


def test_readme_command_table_lists_exactly_each_commands_options() -> None:
    """Every option of every command is in its README row, and the row names no other."""
    import click

    from demograph.cli import cli

    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in cli.commands.items():
        rows = [line for line in readme.splitlines() if line.startswith(f"| `demograph {name} ")
                or line.startswith(f"| `demograph {name}`")]
        assert len(rows) == 1, f"README: no single table row for `demograph {name}`"
        usage = rows[0].split("`")[1]
        documented = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage))
        options = [p.opts for p in command.params if isinstance(p, click.Option) and p.name != "help"]
        for spellings in options:  # -f or --file: either spelling will do
            assert documented & set(spellings), f"README: `demograph {name}` row lacks {spellings}"
        real = {opt for spellings in options for opt in spellings}
        assert documented <= real, f"README: `demograph {name}` row names {documented - real}"


def test_a_statement_several_texts_make_is_counted_once(seed_store: Path) -> None:
    """The default graph is the merge of the named graphs: the Demokrativecka that three
    Värmland texts describe has one start date, not three."""
    event = "https://w3id.org/demograph/id/event/2021/demokrativecka-varmland"
    result = run_cli("query", f"SELECT ?d WHERE {{ <{event}> <https://schema.org/startDate> ?d }}",
                     "--format", "csv", store=seed_store)
    assert result.out.split() == ["d", "2021-09-01"]
    described_in = run_cli("query", f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{event}> ?p ?o }} }}",
                           "--format", "csv", store=seed_store)
    assert len(described_in.out.split()) - 1 == 3  # the named graphs keep who said it


@pytest.mark.parametrize("args", [("validate",), ("load", "DATA")])
def test_commands_for_the_embedded_store_refuse_a_remote_one(args: tuple[str, ...], own_store: Path,
                                                             tmp_path: Path) -> None:
    """With DEMOGRAPH_STORE_URL set, `validate` and `load` must not quietly work on the
    local store instead: they say they are for the embedded store and change nothing."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(f"<{KIL}> <http://www.w3.org/2000/01/rdf-schema#comment> \"x\" .\n")
    before = _count(own_store), sorted(p.name for p in own_store.iterdir())
    argv = [extra if a == "DATA" else a for a in args]
    result = run_cli(*argv, store=own_store, env={"DEMOGRAPH_STORE_URL": "http://127.0.0.1:9/query"})
    assert result.code == 2, result.out + result.err
    assert f"demograph {args[0]}" in result.err and "embedded store only" in result.err
    assert "DEMOGRAPH_STORE_URL" in result.err and "Traceback" not in result.err
    assert result.out == ""
    assert (_count(own_store), sorted(p.name for p in own_store.iterdir())) == before


def test_validating_files_needs_no_store_even_with_a_remote_one_set(tmp_path: Path) -> None:
    """`validate FILES` reads only the files, so a configured remote store does not matter."""
    ttl = tmp_path / "one.ttl"
    ttl.write_text("<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\"@sv .\n")
    result = run_cli("validate", ttl, env={"DEMOGRAPH_STORE_URL": "http://127.0.0.1:9/query"})
    assert result.code in (0, 1), result.err
    assert "embedded store only" not in result.err


def test_query_and_export_on_an_unreachable_remote_store_fail_clearly(seed_store: Path) -> None:
    """Named, the remote store is used — an unreachable one is an error, never the local
    store's answer."""
    url = "http://127.0.0.1:9/query"
    for args in (("query", COUNT_COMMITMENTS), ("export", "--format", "nt")):
        result = run_cli(*args, store=seed_store, env={"DEMOGRAPH_STORE_URL": url}, timeout=60)
        assert result.code == 2, result.out[:200] + result.err
        assert f"the store at {url} is not reachable" in result.err
        assert result.out == "" and "Traceback" not in result.err
