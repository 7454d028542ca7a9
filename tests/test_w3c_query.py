"""The W3C SPARQL 1.1 query suites, run directly with pyoxigraph and through a live
`demograph serve`, compared with the suites' expected results (see tests/w3c/query.py).

The promise checked is that the web layer loses nothing: every test pyoxigraph passes
directly also passes through the endpoint. Conformance of the engine itself is measured,
not asserted — the pass rates and every failure go to tests/artifacts/w3c-query-report.md.
"""

from __future__ import annotations

import time

import pytest

from demograph.store.oxigraph import Manifest, SnapshotDir, open_write

from .conftest import start_server, stop_server
from .w3c import ARTIFACTS, SUITES
from .w3c import report
from .w3c.manifest import QueryTest, query_manifests, query_tests
from .w3c.query import Endpoint, Verdict, run

TOP = [SUITES / "manifest-sparql11-query.ttl", SUITES / "manifest-sparql11-results.ttl"]
REPORT = ARTIFACTS / "w3c-query-report.md"
PRESENT = all(path.is_file() for path in TOP)
SKIP = pytest.mark.skipif(not PRESENT, reason=f"the W3C test suites are not at {SUITES}")

# Below this share of evaluation tests passing directly the runner itself is broken (a
# runner that fails everything would make "the endpoint loses nothing" true for nothing).
DIRECT_FLOOR = 0.8


def _tests() -> list[QueryTest]:
    if not PRESENT:
        return []
    return [t for top in TOP for manifest in query_manifests(top) for t in query_tests(manifest)]


TESTS = _tests()
SUITE_NAMES = list(dict.fromkeys(t.suite for t in TESTS))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> list[Verdict]:
    """Every test run both ways, with one server for the module; writes the report."""
    if not PRESENT:
        pytest.skip(f"the W3C test suites are not at {SUITES}")
    work = tmp_path_factory.mktemp("w3c-query")
    store = work / "store"
    snapshots = SnapshotDir(store)
    with snapshots.lock():  # an empty store to start from: each test publishes its own
        snapshot = snapshots.new_snapshot()
        db = open_write(snapshot)
        db.flush()
        del db
        snapshots.publish(snapshot, Manifest("start", "https://example.org/"))
    server = start_server(store, work / "serve.log", rate_limit="0", result_cache="0",
                          max_rows="0", query_timeout="10")
    started = time.monotonic()
    try:
        endpoint = Endpoint(server.url, server.sparql, store)
        results = [run(endpoint, test) for test in TESTS]
    finally:
        stop_server(server)
    report.write(REPORT, results, time.monotonic() - started, SUITES, endpoint.published)
    return results


@SKIP
def test_the_suites_were_read() -> None:
    assert len([t for t in TESTS if t.kind == "evaluation"]) >= 200
    assert {"aggregates", "functions", "property-path", "json-res", "csv-tsv-res"} <= set(SUITE_NAMES)


@SKIP
def test_the_runner_works(verdicts: list[Verdict]) -> None:
    evaluation = [v for v in verdicts if v.test.kind == "evaluation"]
    passed = sum(v.direct.passed for v in evaluation)
    assert passed >= DIRECT_FLOOR * len(evaluation), (
        f"only {passed} of {len(evaluation)} evaluation tests pass directly: the runner is "
        f"probably broken; see {REPORT}")


@SKIP
@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_the_endpoint_loses_nothing(verdicts: list[Verdict], suite: str) -> None:
    """The endpoint's pass set contains pyoxigraph's: the web layer loses no test."""
    lost = [v for v in verdicts if v.test.suite == suite and v.lost]
    assert not lost, "passed directly but not through the endpoint:\n" + "\n".join(
        f"  {v.test.id}: {v.endpoint.reason}" for v in lost)


@SKIP
def test_the_report_is_written(verdicts: list[Verdict]) -> None:
    text = REPORT.read_text("utf-8")
    direct, endpoint = report.rates(verdicts)
    assert direct in text and endpoint in text
    print(f"\nW3C query suites: direct {direct}, endpoint {endpoint}; report: {REPORT}")
