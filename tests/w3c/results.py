"""SPARQL results as plain Python values, parsed from every format the W3C suites use, and
compared the way the suites mean it.

A term is a tuple:

    ("iri", value)  ("bnode", label)  ("literal", lexical, datatype, language)
    ("triple", s, p, o)  ("csv", text) — a CSV cell, which says nothing about its term type

A simple literal has datatype xsd:string; a language-tagged one rdf:langString and its tag in
lower case. Solutions compare as multisets — order is ignored, also under ORDER BY — with
blank nodes equal up to one consistent renaming, and literals by value: numeric and boolean
literals are put in canonical lexical form first, so ``"1.0"^^xsd:decimal`` equals
``"1"^^xsd:decimal`` but never ``"1"^^xsd:integer``. Graphs compare by isomorphism
(rdflib.compare) after the same canonicalisation of their literals.

>>> canonical(("literal", "01.50", XSD + "decimal", ""))
('literal', '1.5', 'http://www.w3.org/2001/XMLSchema#decimal', '')
>>> canonical(("literal", "1.0E0", XSD + "double", "")) == canonical(("literal", "1", XSD + "double", ""))
True
>>> compare_solutions(Solutions(["x"], [{"x": ("bnode", "a")}, {"x": ("bnode", "b")}]),
...                   Solutions(["x"], [{"x": ("bnode", "c")}, {"x": ("bnode", "d")}]))
>>> compare_solutions(Solutions(["x", "y"], [{"x": ("bnode", "a"), "y": ("bnode", "a")}]),
...                   Solutions(["x", "y"], [{"x": ("bnode", "a"), "y": ("bnode", "b")}]))
'blank nodes cannot be renamed consistently to match the expected solutions'
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Union

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Term = tuple  # see the module docstring
Row = dict[str, Term]

_INTEGERS = {XSD + t for t in (
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger")}
_FLOATS = {XSD + "double", XSD + "float"}


@dataclass
class Solutions:
    variables: list[str]
    rows: list[Row]


@dataclass
class Boolean:
    value: bool


@dataclass
class GraphResult:
    graph: Graph = field(default_factory=Graph)


Result = Union[Solutions, Boolean, GraphResult]


# terms ------------------------------------------------------------------------------------
def literal(lexical: str, datatype: str | None = None, language: str | None = None) -> Term:
    if language:
        return ("literal", lexical, RDF_LANG_STRING, language.lower())
    return ("literal", lexical, datatype or XSD_STRING, "")


def canonical(term: Term) -> Term:
    """Numeric and boolean literals in one lexical form per value; other terms unchanged."""
    if term[0] == "triple":
        return ("triple", canonical(term[1]), canonical(term[2]), canonical(term[3]))
    if term[0] != "literal":
        return term
    _, lexical, datatype, language = term
    text = lexical.strip()
    try:
        if datatype in _INTEGERS:
            return ("literal", str(int(text)), datatype, language)
        if datatype == XSD + "decimal":
            value = Decimal(text)
            if not value.is_finite():
                return term
            if value == value.to_integral_value():
                return ("literal", str(int(value)), datatype, language)
            return ("literal", format(value.normalize(), "f"), datatype, language)
        if datatype in _FLOATS:
            number = float(text.replace("INF", "inf"))
            return ("literal", "NaN" if math.isnan(number) else repr(number), datatype, language)
        if datatype == XSD + "boolean" and text in ("true", "false", "1", "0"):
            return ("literal", "true" if text in ("true", "1") else "false", datatype, language)
    except (ValueError, InvalidOperation):
        return term  # an ill-typed literal is compared as written
    return term


def from_oxigraph(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.Triple):
        return ("triple", from_oxigraph(term.subject), from_oxigraph(term.predicate),
                from_oxigraph(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


def from_rdflib(node: object) -> Term:
    if isinstance(node, URIRef):
        return ("iri", str(node))
    if isinstance(node, BNode):
        return ("bnode", str(node))
    if isinstance(node, Literal):
        return literal(str(node), str(node.datatype) if node.datatype else None, node.language)
    raise TypeError(f"not an RDF term: {node!r}")


def show(term: Term | None) -> str:
    """A term in N-Triples-like notation, for reports."""
    if term is None:
        return "UNDEF"
    if term[0] == "iri":
        return f"<{term[1]}>"
    if term[0] == "bnode":
        return f"_:{term[1]}"
    if term[0] == "csv":
        return json.dumps(term[1], ensure_ascii=False)
    if term[0] == "triple":
        return f"<< {show(term[1])} {show(term[2])} {show(term[3])} >>"
    _, lexical, datatype, language = term
    text = json.dumps(lexical, ensure_ascii=False)
    if language:
        return f"{text}@{language}"
    if datatype != XSD_STRING:
        short = "xsd:" + datatype[len(XSD):] if datatype.startswith(XSD) else f"<{datatype}>"
        return f"{text}^^{short}"
    return text


def show_row(row: Row) -> str:
    return "{" + ", ".join(f"?{v}={show(row[v])}" for v in sorted(row)) + "}"


# parsers ----------------------------------------------------------------------------------
def parse_srx(data: bytes) -> Solutions | Boolean:
    root = ET.fromstring(data)
    boolean = root.find(f"{SRX}boolean")
    if boolean is not None:
        return Boolean((boolean.text or "").strip() == "true")
    variables = [v.get("name", "") for v in root.iter(f"{SRX}variable")]
    rows = []
    results = root.find(f"{SRX}results")
    for result in (results if results is not None else []):
        row: Row = {}
        for binding in result.findall(f"{SRX}binding"):
            row[binding.get("name", "")] = _srx_term(binding[0])
        rows.append(row)
    return Solutions(variables, rows)


def _srx_term(element: ET.Element) -> Term:
    tag = element.tag.replace(SRX, "")
    if tag == "uri":
        return ("iri", (element.text or "").strip())
    if tag == "bnode":
        return ("bnode", (element.text or "").strip())
    if tag == "literal":
        return literal(element.text or "", element.get("datatype"), element.get(XML_LANG))
    if tag == "triple":
        parts = {child.tag.replace(SRX, ""): _srx_term(child[0]) for child in element}
        return ("triple", parts["subject"], parts["predicate"], parts["object"])
    raise ValueError(f"unknown SRX term <{tag}>")


def parse_srj(data: bytes) -> Solutions | Boolean:
    document = json.loads(data.decode("utf-8"))
    if "boolean" in document:
        return Boolean(bool(document["boolean"]))
    variables = list(document.get("head", {}).get("vars", []))
    rows = [{name: _srj_term(value) for name, value in binding.items()}
            for binding in document.get("results", {}).get("bindings", [])]
    return Solutions(variables, rows)


def _srj_term(value: dict) -> Term:
    kind = value["type"]
    if kind == "uri":
        return ("iri", value["value"])
    if kind == "bnode":
        return ("bnode", value["value"])
    if kind in ("literal", "typed-literal"):
        return literal(value["value"], value.get("datatype"), value.get("xml:lang"))
    if kind == "triple":
        inner = value["value"]
        return ("triple", _srj_term(inner["subject"]), _srj_term(inner["predicate"]),
                _srj_term(inner["object"]))
    raise ValueError(f"unknown SRJ term type {kind!r}")


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_NUMBER = re.compile(r"^[+-]?(?:(\d+)|(\d*\.\d+)|((?:\d+\.?\d*|\.\d+)[eE][+-]?\d+))$")
_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"(.*)$', re.DOTALL)


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = text[i + 1]
        if code == "u":
            out.append(chr(int(text[i + 2:i + 6], 16)))
            i += 6
        elif code == "U":
            out.append(chr(int(text[i + 2:i + 10], 16)))
            i += 10
        else:
            out.append(_ESCAPES.get(code, code))
            i += 2
    return "".join(out)


def parse_tsv_term(cell: str) -> Term | None:
    """One TSV cell: a term in Turtle syntax (numbers and booleans may be bare), or unbound."""
    cell = cell.strip()
    if not cell:
        return None
    if cell.startswith("<") and cell.endswith(">"):
        return ("iri", _unescape(cell[1:-1]))
    if cell.startswith("_:"):
        return ("bnode", cell[2:])
    if cell in ("true", "false"):
        return literal(cell, XSD + "boolean")
    number = _NUMBER.match(cell)
    if number:
        kind = "integer" if number.group(1) is not None else (
            "decimal" if number.group(2) is not None else "double")
        return literal(cell, XSD + kind)
    string = _STRING.match(cell)
    if string:
        lexical, rest = _unescape(string.group(1)), string.group(2)
        if rest.startswith("@"):
            return literal(lexical, language=rest[1:])
        if rest.startswith("^^<") and rest.endswith(">"):
            return literal(lexical, rest[3:-1])
        if not rest:
            return literal(lexical)
    raise ValueError(f"not a TSV term: {cell!r}")


def parse_tsv(data: bytes) -> Solutions:
    lines = data.decode("utf-8").replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = [h.strip() for h in lines[0].split("\t")] if lines and lines[0] else []
    variables = [h[1:] if h[:1] in "?$" else h for h in header]
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        row: Row = {}
        for name, cell in zip(variables, cells):
            term = parse_tsv_term(cell)
            if term is not None:
                row[name] = term
        rows.append(row)
    return Solutions(variables, rows)


def parse_csv(data: bytes) -> Solutions:
    """CSV keeps only strings: cells become ("csv", text), and "_:x" a blank node."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    records = list(reader)
    variables = records[0] if records else []
    rows = []
    for record in records[1:]:
        row: Row = {}
        for name, cell in zip(variables, record):
            if cell == "":
                continue  # unbound (CSV cannot tell it from an empty string)
            row[name] = ("bnode", cell[2:]) if cell.startswith("_:") else ("csv", cell)
        rows.append(row)
    return Solutions(variables, rows)


def parse_rdf_results(graph: Graph) -> Result:
    """A graph that holds an rs:ResultSet is SELECT/ASK results; any other is a graph result."""
    result_set = next(iter(graph.subjects(RDF.type, URIRef(RS + "ResultSet"))), None)
    if result_set is None:
        return GraphResult(graph)
    boolean = graph.value(result_set, URIRef(RS + "boolean"))
    if boolean is not None:
        return Boolean(bool(boolean.toPython()))
    variables = [str(v) for v in graph.objects(result_set, URIRef(RS + "resultVariable"))]
    rows = []
    for solution in graph.objects(result_set, URIRef(RS + "solution")):
        row: Row = {}
        for binding in graph.objects(solution, URIRef(RS + "binding")):
            name = graph.value(binding, URIRef(RS + "variable"))
            value = graph.value(binding, URIRef(RS + "value"))
            if name is not None and value is not None:
                row[str(name)] = from_rdflib(value)
        rows.append(row)
    return Solutions(variables, rows)


def graph_from_ntriples(data: bytes) -> Graph:
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def from_oxigraph_result(result: object) -> Result:
    if isinstance(result, ox.QueryBoolean):
        return Boolean(bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append({v: from_oxigraph(solution[v]) for v in variables if solution[v] is not None})
        return Solutions(variables, rows)
    triples = list(result)  # type: ignore[call-overload]
    return GraphResult(graph_from_ntriples(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""))


# comparison -------------------------------------------------------------------------------
def compare(expected: Result, actual: Result) -> str | None:
    """None when the results agree, else why not (one line, for the report)."""
    if isinstance(expected, Boolean):
        if not isinstance(actual, Boolean):
            return f"expected a boolean, got {_kind(actual)}"
        return None if expected.value == actual.value else \
            f"expected {str(expected.value).lower()}, got {str(actual.value).lower()}"
    if isinstance(expected, GraphResult):
        if not isinstance(actual, GraphResult):
            return f"expected a graph, got {_kind(actual)}"
        return compare_graphs(expected.graph, actual.graph)
    if not isinstance(actual, Solutions):
        return f"expected solutions, got {_kind(actual)}"
    return compare_solutions(expected, actual)


def _kind(result: Result) -> str:
    return {Solutions: "solutions", Boolean: "a boolean", GraphResult: "a graph"}[type(result)]


def compare_solutions(expected: Solutions, actual: Solutions, limit: int = 200_000) -> str | None:
    if set(expected.variables) != set(actual.variables):
        return (f"variables differ: expected {sorted(expected.variables)}, "
                f"got {sorted(actual.variables)}")
    wanted = [{k: canonical(v) for k, v in row.items()} for row in expected.rows]
    got = [{k: canonical(v) for k, v in row.items()} for row in actual.rows]
    shape_wanted, shape_got = Counter(map(_shape, wanted)), Counter(map(_shape, got))
    if shape_wanted != shape_got:
        missing = list((shape_wanted - shape_got).elements())
        extra = list((shape_got - shape_wanted).elements())
        parts = [f"{len(wanted)} solutions expected, {len(got)} returned"]
        if missing:
            parts.append("missing " + "; ".join(_show_shape(s) for s in missing[:3])
                         + (" …" if len(missing) > 3 else ""))
        if extra:
            parts.append("unexpected " + "; ".join(_show_shape(s) for s in extra[:3])
                         + (" …" if len(extra) > 3 else ""))
        return ", ".join(parts)
    if not any(t[0] == "bnode" for row in wanted for t in _terms(row)):
        return None
    found = _match(wanted, got, limit)
    if found is None:
        return f"blank-node matching gave up after {limit} steps"
    return None if found else "blank nodes cannot be renamed consistently to match the expected solutions"


def _terms(row: Row) -> Iterator[Term]:
    for term in row.values():
        yield from _flatten(term)


def _flatten(term: Term) -> Iterator[Term]:
    if term[0] == "triple":
        for part in term[1:]:
            yield from _flatten(part)
    else:
        yield term


def _blank(term: Term) -> Term:
    if term[0] == "bnode":
        return ("bnode",)
    if term[0] == "triple":
        return ("triple", _blank(term[1]), _blank(term[2]), _blank(term[3]))
    return term


def _shape(row: Row) -> tuple:
    """The row with every blank node label forgotten."""
    return tuple(sorted((k, _blank(v)) for k, v in row.items()))


def _show_shape(shape: tuple) -> str:
    return "{" + ", ".join(f"?{k}={'_:*' if v == ('bnode',) else show(v)}" for k, v in shape) + "}"


def _match(wanted: list[Row], got: list[Row], limit: int) -> bool | None:
    """A bijection of blank-node labels under which the two multisets of rows are equal.
    Depth-first over the expected rows, the most constrained first; None if over the limit."""
    by_shape: dict[tuple, list[int]] = {}
    for index, row in enumerate(got):
        by_shape.setdefault(_shape(row), []).append(index)
    order = sorted(range(len(wanted)), key=lambda i: len(by_shape[_shape(wanted[i])]))
    used = [False] * len(got)
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    steps = [0]

    def bind(a: Term, b: Term, added: list[str]) -> bool:
        if a[0] == "triple":
            return all(bind(x, y, added) for x, y in zip(a[1:], b[1:]))
        if a[0] != "bnode":
            return True
        if a[1] in forward:
            return forward[a[1]] == b[1]
        if b[1] in backward:
            return False
        forward[a[1]], backward[b[1]] = b[1], a[1]
        added.append(a[1])
        return True

    def search(position: int) -> bool | None:
        if position == len(order):
            return True
        row = wanted[order[position]]
        for candidate in by_shape[_shape(row)]:
            if used[candidate]:
                continue
            steps[0] += 1
            if steps[0] > limit:
                return None
            added: list[str] = []
            if all(bind(row[k], got[candidate][k], added) for k in row):
                used[candidate] = True
                outcome = search(position + 1)
                if outcome is not False:
                    return outcome
                used[candidate] = False
            for label in added:
                del backward[forward.pop(label)]
        return False

    return search(0)


def canonical_graph(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal):
            term = canonical(from_rdflib(o))
            o = Literal(term[1], lang=term[3] or None,
                        datatype=None if term[3] or term[2] == XSD_STRING else URIRef(term[2]))
        out.add((s, p, o))
    return out


def compare_graphs(expected: Graph, actual: Graph) -> str | None:
    a, b = canonical_graph(expected), canonical_graph(actual)
    if isomorphic(a, b):
        return None
    if len(a) != len(b):
        return f"graphs differ: {len(a)} triples expected, {len(b)} returned"
    return "graphs with the same number of triples are not isomorphic"


def parse_result_file(data: bytes, suffix: str) -> Solutions | Boolean:
    """Results in a SPARQL results format, by file suffix (.srx .srj .tsv .csv)."""
    if suffix == ".srx":
        return parse_srx(data)
    if suffix == ".srj":
        return parse_srj(data)
    if suffix == ".tsv":
        return parse_tsv(data)
    if suffix == ".csv":
        return parse_csv(data)
    raise ValueError(f"unknown results format {suffix}")

