"""Runners for the W3C SPARQL 1.1 test suites (a copy lives under /work/shared/w3c/rdf-tests).

``manifest``  reads the suites' manifests (rdflib) into plain records;
``results``   parses and compares SPARQL results (SRX, SRJ, TSV, CSV, RDF result sets, graphs);
``http``      sends one raw HTTP request exactly as a manifest describes it;
``query``     evaluates a query-suite test directly with pyoxigraph and through a live endpoint.

The test modules are tests/test_w3c_protocol.py and tests/test_w3c_query.py.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT.parent / "shared" / "w3c" / "rdf-tests" / "sparql" / "sparql11"
ARTIFACTS = ROOT / "tests" / "artifacts"
