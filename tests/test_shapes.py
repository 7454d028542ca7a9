"""The SHACL shapes and demograph.validate, driven by the Turtle cases in tests/shapes/.

Every case is validated together with ``conforming/minimal.ttl`` (the minimal valid graph), so a
case file holds only what it adds. Its header comments say what it must produce:

    # expect: <Constraint> <focus IRI tail>    a violation
    # warn: <Constraint> <focus IRI tail>      a warning

and nothing else may be reported. Files under ``conforming/`` have no ``expect`` lines. Adding a
case means adding a file.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from demograph.validate import Finding, ValidationReport, load_shapes, validate

CASES = Path(__file__).parent / "shapes"
MINIMAL = CASES / "conforming" / "minimal.ttl"
ID = Namespace("https://data.example.org/kg/id/")
DG = Namespace("https://w3id.org/demograph/def/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
EX = Namespace("https://example.org/other-vocabulary/")

_HEADER = re.compile(r"^# (expect|warn): (\S+) (\S+)\s*$")


def _expectations(case: Path) -> dict[str, set[tuple[str, str]]]:
    wanted: dict[str, set[tuple[str, str]]] = {"expect": set(), "warn": set()}
    for line in case.read_text(encoding="utf-8").splitlines():
        if match := _HEADER.match(line):
            wanted[match[1]].add((match[2], match[3]))
    return wanted


def _with_minimal(case: Path) -> Graph:
    graph = Graph().parse(MINIMAL)
    return graph.parse(case) if case != MINIMAL else graph


def _unexplained(found: tuple[Finding, ...], wanted: set[tuple[str, str]]) -> list[Finding]:
    return [
        f for f in found if not any(f.constraint == c and f.focus.endswith(t) for c, t in wanted)
    ]


def _missing(found: tuple[Finding, ...], wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(c, t) for c, t in wanted if not any(f.constraint == c and f.focus.endswith(t) for f in found)}


def _cases(folder: str) -> list[Path]:
    return sorted((CASES / folder).glob("*.ttl"))


@pytest.mark.parametrize("case", _cases("conforming"), ids=lambda p: p.stem)
def test_conforming_case_conforms(case: Path) -> None:
    wanted = _expectations(case)
    assert not wanted["expect"], "a conforming case expects no violations"

    report = validate(_with_minimal(case))

    assert report.conforms, report.format_text()
    warnings = tuple(f for f in report.findings if f.severity == "Warning")
    assert not _missing(warnings, wanted["warn"]), report.format_text()
    assert not _unexplained(report.findings, wanted["warn"]), report.format_text()


@pytest.mark.parametrize("case", _cases("nonconforming"), ids=lambda p: p.stem)
def test_nonconforming_case_gives_exactly_its_violations(case: Path) -> None:
    wanted = _expectations(case)
    assert wanted["expect"], f"{case.name} names no '# expect:' violation"

    report = validate(_with_minimal(case))

    assert not report.conforms
    assert not _missing(report.violations(), wanted["expect"]), report.format_text()
    unexplained = _unexplained(report.findings, wanted["expect"] | wanted["warn"])
    assert not unexplained, report.format_text()


def test_minimal_graph_has_no_findings_at_all() -> None:
    assert validate(Graph().parse(MINIMAL)) == ValidationReport(conforms=True, findings=())


def test_every_constraint_has_a_swedish_and_an_english_message() -> None:
    shapes = load_shapes()
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    targeted = {s for t in targets for s in shapes.subjects(t, None)}
    # shapes used only through sh:node report with the message of the shape that uses them
    reporting = {p for s in targeted for p in shapes.objects(s, SH.property)}
    reporting |= {c for s in targeted for c in shapes.objects(s, SH.sparql)}
    lacking = [
        str(node)
        for node in reporting
        if sorted(m.language for m in shapes.objects(node, SH.message) if isinstance(m, Literal)) != ["en", "sv"]
    ]
    assert len(reporting) > 60
    assert not lacking


def test_a_warning_alone_does_not_block_publishing() -> None:
    report = validate(_with_minimal(CASES / "conforming" / "commitment-without-theme.ttl"))

    assert report.conforms
    assert report.violations() == ()
    assert [(f.severity, f.constraint, f.path) for f in report.findings] == [
        ("Warning", "MinCount", "http://purl.org/dc/terms/subject")
    ]


def test_finding_carries_focus_path_value_shape_and_both_messages() -> None:
    report = validate(_with_minimal(CASES / "nonconforming" / "commitment-ordinal-zero.ttl"))

    (finding,) = report.violations()
    assert finding == Finding(
        focus=str(ID["commitment/kommun-1715/0"]),
        path=str(DG.ordinal),
        value='"0"^^<http://www.w3.org/2001/XMLSchema#integer>',
        constraint="MinInclusive",
        severity="Violation",
        message_sv="Ett åtagande ska ha exakt ett ordningsnummer (dg:ordinal): ett heltal (xsd:integer) från 1.",
        message_en="A commitment must have exactly one ordinal (dg:ordinal): an integer (xsd:integer) from 1.",
        shape="https://w3id.org/demograph/shapes/CommitmentShape",
    )


def test_sparql_finding_keeps_its_message_languages_and_complex_path() -> None:
    report = validate(_with_minimal(CASES / "nonconforming" / "selector-beyond-text.ttl"))

    (finding,) = report.violations()
    assert finding.constraint == "SelectorWithinText"
    assert finding.focus.endswith("/id/source/9d4e42481408a346")
    assert finding.value.endswith("/annotation/216-250-kommun-1715-2")  # the annotation at fault
    assert finding.message_sv.startswith("En annotering av dokumentet har en positionsväljare")
    assert finding.message_en.startswith("An annotation of this document has a position selector")
    assert finding.shape == "https://w3id.org/demograph/shapes/SourceDocumentShape"


def test_complex_result_path_is_written_as_a_sparql_property_path() -> None:
    graph = _with_minimal(CASES / "nonconforming" / "commitment-without-annotation.ttl")

    (finding,) = validate(graph).violations()

    assert finding.path == "^<http://www.w3.org/ns/oa#hasBody>"


def test_format_text_shows_resource_rule_messages_and_counts() -> None:
    report = validate(_with_minimal(CASES / "nonconforming" / "event-date-plain-string.ttl"))

    text = report.format_text()

    assert text.splitlines()[0] == "[Violation] Datatype"
    assert f"  resource: {ID['event/2021/demokratidag-kil']}" in text
    assert "  property: schema:startDate" in text
    assert '  value:    "2021-09-01"' in text
    assert "  shape:    dgsh:EventShape" in text
    assert "  sv: Ett evenemang ska ha exakt ett startdatum (schema:startDate) av typen xsd:date." in text
    assert "  en: An event must have exactly one start date (schema:startDate), typed xsd:date." in text
    assert "[Violation] LessThanOrEquals" in text
    assert text.splitlines()[-1] == "Conforms: no — 2 violations, 0 warnings, 0 infos"


def test_format_text_stops_at_the_limit_and_says_how_many_more() -> None:
    report = validate(_with_minimal(CASES / "nonconforming" / "event-date-plain-string.ttl"))

    text = report.format_text(limit=1)

    assert "[Violation] Datatype" in text
    assert "[Violation] LessThanOrEquals" not in text
    assert "… and 1 more findings" in text
    assert text.endswith("2 violations, 0 warnings, 0 infos")


def test_to_json_is_serialisable_and_complete() -> None:
    report = validate(_with_minimal(CASES / "nonconforming" / "kommun-three-digit-code.ttl"))

    document = json.loads(json.dumps(report.to_json()))

    assert document["conforms"] is False
    assert document["counts"] == {"Violation": 1, "Warning": 0, "Info": 0}
    assert document["findings"] == [
        {
            "focus": str(ID["org/kommun/180"]),
            "path": "http://purl.org/dc/terms/identifier",
            "value": '"180"',
            "constraint": "Pattern",
            "severity": "Violation",
            "message_sv": "En kommun ska ha exakt en kommunkod (dcterms:identifier): fyra siffror som sträng, t.ex. \"1715\".",
            "message_en": "A kommun must have exactly one kommunkod (dcterms:identifier): four digits as a string, e.g. \"1715\".",
            "shape": "https://w3id.org/demograph/shapes/KommunShape",
        }
    ]


@pytest.mark.parametrize("minimal_in", [ID["graph/minimal"], None], ids=["named", "default"])
def test_dataset_is_validated_as_the_union_of_its_graphs(minimal_in: URIRef | None) -> None:
    dataset = Dataset()
    (dataset.graph(minimal_in) if minimal_in else dataset.default_graph).parse(MINIMAL)
    dataset.graph(ID["graph/case"]).parse(CASES / "nonconforming" / "signing-without-signatory.ttl")

    report = validate(dataset)

    assert [(f.constraint, f.focus) for f in report.violations()] == [
        ("MinCount", str(ID["signing/kommun-1780"]))
    ]


def test_validations_in_parallel_threads_agree() -> None:
    data = _with_minimal(CASES / "nonconforming" / "exact-not-the-passage.ttl")
    expected = validate(data)

    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: validate(data), range(8)))

    assert all(report == expected for report in reports)


def test_validation_leaves_the_data_graph_unchanged() -> None:
    data = _with_minimal(CASES / "nonconforming" / "commitment-two-types.ttl")
    before = Graph()
    for triple in data:
        before.add(triple)

    validate(data, ontology=Graph().add((EX.Thing, RDFS.subClassOf, FOAF.Group)))
    validate(data)

    assert isomorphic(data, before)


def test_ontology_class_hierarchy_counts_for_class_constraints() -> None:
    data = Graph().parse(MINIMAL)
    network = ID["group/demokratinatverket"]
    data.add((network, RDF.type, EX.Network))
    data.add((network, RDFS.label, Literal("Demokratinätverket", lang="sv")))
    data.add((network, FOAF.member, ID["org/kommun/1715"]))
    data.add((ID["commitment/kommun-1715/2"], DG.partner, network))
    ontology = Graph().add((EX.Network, RDFS.subClassOf, FOAF.Group))

    without = validate(data)
    with_ontology = validate(data, ontology=ontology)

    assert [(f.constraint, f.value) for f in without.violations()] == [("Or", str(network))]
    assert with_ontology.conforms, with_ontology.format_text()


def test_load_shapes_is_cached_and_other_shapes_can_be_used(tmp_path: Path) -> None:
    (tmp_path / "labels.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "[] a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;\n"
        '  sh:property [ sh:path rdfs:label ; sh:maxCount 1 ; sh:message "Högst en etikett."@sv ] .\n',
        encoding="utf-8",
    )

    report = validate(Graph().parse(MINIMAL), shapes=load_shapes(tmp_path))

    assert load_shapes() is load_shapes()
    assert load_shapes(tmp_path) is not load_shapes()
    (finding,) = report.findings
    assert (finding.focus, finding.constraint, finding.shape) == (str(ID["org/kommun/1715"]), "MaxCount", None)
    assert finding.message_sv == finding.message_en == "Högst en etikett."


def test_empty_shapes_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_shapes(tmp_path)


def test_shapes_do_not_depend_on_the_instance_base() -> None:
    moved = Graph()
    for triple in Graph().parse(MINIMAL) + Graph().parse(CASES / "nonconforming" / "actor-owl-sameas.ttl"):
        s, p, o = (_rebased(term) for term in triple)
        moved.add((s, p, o))

    (finding,) = validate(moved).violations()

    assert (finding.constraint, finding.focus) == ("MaxCount", "http://localhost:8000/id/org/kommun/1715")


def _rebased(term: Node) -> Node:
    if isinstance(term, URIRef) and term.startswith(str(ID)):
        return URIRef("http://localhost:8000/id/" + term[len(str(ID)) :])
    return term


def test_text_shapes_leave_out_only_the_reference_data_shapes() -> None:
    from demograph.validate import REFERENCE_DATA, SCOPE, load_shapes, text_shapes

    full, texts = load_shapes(), text_shapes()
    dgsh = "https://w3id.org/demograph/shapes/"
    scoped = {str(s)[len(dgsh):] for s in full.subjects(SCOPE, REFERENCE_DATA)}
    assert scoped == {"KommunShape", "RegionShape", "LansstyrelseShape", "PlaceShape",
                      "GroupShape", "ConceptShape", "DeclarationShape"}
    kept = {str(s)[len(dgsh):] for s in texts.subjects(RDF.type, SH.NodeShape)}
    assert {"ActorShape", "CommitmentShape", "AnnotationShape", "SourceDocumentShape",
            "EventShape", "SigningShape"} <= kept
    assert not kept & scoped
