"""Extraction cases: one folder per case under tests/cases/, no Python per case.

    case.json      {"input": "input.txt" (default) or a path from the repository root,
                    "signatories": [IRI tails], "commitments": {actor tail: count},
                    "types": {commitment tail: type}, "fails": "NothingRecognised",
                    "xfail": "why the reader gets this wrong today" (strict: a fix must remove it)}
    expected.ttl   triples the output must contain (prefix id: is the instance base)
    absent.ttl     triples the output must not contain

IRI tails are relative to {base}id/ ("org/kommun/1715").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from demograph.errors import DemographError
from demograph.knowledge import Knowledge
from demograph.namespaces import DG
from demograph.pipeline import extract_bytes, standalone
from demograph.prefixes import DEFAULT_BASE, PREFIXES

from .conftest import ROOT

CASES = sorted(p for p in (ROOT / "tests" / "cases").iterdir() if (p / "case.json").is_file())
ID = DEFAULT_BASE + "id/"
PROLOGUE = "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items()) + f"@prefix id: <{ID}> .\n"


def _input(case: Path, spec: dict) -> tuple[bytes, str]:
    path = (ROOT / spec["input"]) if "input" in spec else case / "input.txt"
    return path.read_bytes(), path.name


_PATH_NAME = re.compile(r"(?<![\w<#\"])(id|dgc):([\w\-./]*[\w\-])")


def _turtle(path: Path) -> Graph:
    """Turtle with path-like prefixed names ("id:org/kommun/1715"), which Turtle itself does
    not allow, expanded to full IRIs first."""
    namespaces = {"id": ID, "dgc": PREFIXES["dgc"]}
    text = _PATH_NAME.sub(lambda m: f"<{namespaces[m.group(1)]}{m.group(2)}>", path.read_text("utf-8"))
    return Graph().parse(data=PROLOGUE + text, format="turtle")


def _tail(node: URIRef) -> str:
    return str(node)[len(ID):]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_extraction_case(case: Path, knowledge: Knowledge, request: pytest.FixtureRequest) -> None:
    spec = json.loads((case / "case.json").read_text("utf-8"))
    if "xfail" in spec:
        request.applymarker(pytest.mark.xfail(reason=spec["xfail"], strict=True))
    data, name = _input(case, spec)
    if "fails" in spec:
        with pytest.raises(DemographError) as caught:
            extract_bytes(data, name, knowledge)
        assert type(caught.value).__name__ == spec["fails"]
        return
    extraction = extract_bytes(data, name, knowledge)
    graph = standalone(extraction, knowledge)

    if "signatories" in spec:
        assert sorted(_tail(a) for a in extraction.signatories) == sorted(spec["signatories"])
    if "commitments" in spec:
        counts = Counter(_tail(c.actor) for c in extraction.commitments)
        assert dict(counts) == spec["commitments"]
    for tail, ctype in spec.get("types", {}).items():
        found = graph.value(URIRef(ID + tail), DG.commitmentType)
        assert found is not None, f"no commitment {tail}"
        assert str(found).rsplit("/", 1)[-1] == ctype, f"{tail}: {found}"
    if (case / "expected.ttl").exists():
        missing = [t for t in _turtle(case / "expected.ttl") if t not in graph]
        assert not missing, "missing triples:\n" + "\n".join(" ".join(x.n3() for x in t) for t in missing)
    if (case / "absent.ttl").exists():
        present = [t for t in _turtle(case / "absent.ttl") if t in graph]
        assert not present, "unexpected triples:\n" + "\n".join(" ".join(x.n3() for x in t) for t in present)
