"""Faults a public endpoint must survive: a build killed with SIGKILL, a full disk, a query
worker killed under its query, a client that hangs up, a store that is missing or corrupted.
Each with real processes: `demograph build` and `demograph serve` as executables, SIGKILL
as the kernel sends it, a real (tmpfs) disk that fills up."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import DEMOGRAPH, SEEDS, Server, run_cli, start_server, stop_server
from .test_hostile import ask, request

SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # minutes on the seed store


def cli_env(store: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    environment["DEMOGRAPH_STORE"] = str(store)
    return environment


def store_state(store: Path) -> tuple[str, bytes]:
    current = (store / "current").resolve()
    return current.name, (current / "manifest.json").read_bytes()


def health(server: Server) -> dict[str, object]:
    status, _, body, _ = request(server, "GET", "/health")
    assert status == 200
    return dict(json.loads(body))


def count_commitments(server: Server) -> int:
    """Counted by a query worker: the comment nonce makes each text new to the result cache."""
    status, _, body, _ = ask(server, "SELECT (COUNT(?c) AS ?n) { ?c a "
                                     "<https://w3id.org/demograph/def/Commitment> } # "
                                     + str(time.time_ns()))
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def query_workers(server: Server) -> set[int]:
    """The pids of the server's query worker processes (descendants running the worker)."""
    parents: dict[int, int] = {}
    commands: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def descends(pid: int) -> bool:
        while pid > 1:
            if pid == server.process.pid:
                return True
            pid = parents.get(pid, 0)
        return False

    return {pid for pid, cmd in commands.items()
            if b"demograph.web.worker" in cmd and descends(pid)}


@pytest.fixture
def one_worker(seed_store: Path, tmp_path: Path) -> Iterator[Server]:
    """A server with a single query worker and a long time limit: a busy or lost worker shows."""
    running = start_server(seed_store, tmp_path / "serve.log", rate_limit="0", query_workers="1",
                           query_timeout="120")
    yield running
    stop_server(running)


# --- builds -----------------------------------------------------------------------------------
def test_kill_9_during_a_build_leaves_the_previous_store_intact_and_served(
        own_store: Path, tmp_path: Path) -> None:
    served = start_server(own_store, tmp_path / "serve.log", rate_limit="0")
    try:
        before, commitments = health(served), count_commitments(served)
        state = store_state(own_store)
        existing = set((own_store / "snapshots").iterdir())
        build = subprocess.Popen([str(DEMOGRAPH), "build", str(SEEDS)],
                                 env=cli_env(own_store), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        # kill it once it has begun writing its new snapshot: the worst moment
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and build.poll() is None:
            if set((own_store / "snapshots").iterdir()) - existing:
                break
            time.sleep(0.02)
        build.send_signal(signal.SIGKILL)
        assert build.wait(30) == -signal.SIGKILL, "the build finished before it could be killed"

        assert store_state(own_store) == state
        after = health(served)
        assert (after["snapshot"], after["triples"]) == (before["snapshot"], before["triples"])
        assert count_commitments(served) == commitments

        # the lock died with the process: the next build runs, publishes and clears the leftover
        result = run_cli("build", SEEDS, store=own_store)
        assert result.code == 0, result.err
        assert set((own_store / "snapshots").iterdir()) <= existing | {(own_store / "current").resolve()}
        assert health(served)["snapshot"] != before["snapshot"]
        assert count_commitments(served) == commitments
    finally:
        stop_server(served)


@pytest.fixture
def small_disk(tmp_path: Path, own_store: Path) -> Iterator[tuple[Path, object]]:
    """The store on a disk with a few MB free: a tmpfs where mounting is allowed (root), else
    the same limit as RLIMIT_FSIZE in the build process (writes then fail with EFBIG)."""
    used = sum(p.stat().st_size for p in own_store.rglob("*") if p.is_file())
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={used + 4 * 1024**2}", "tmpfs", str(mount)],
        capture_output=True).returncode == 0
    store = mount / "store"
    shutil.copytree(own_store, store, symlinks=True)

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    yield store, (None if mounted else limit_file_size)
    if mounted:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_disk_during_a_build_fails_cleanly(small_disk: tuple[Path, object]) -> None:
    store, preexec = small_disk
    state = store_state(store)
    existing = set((store / "snapshots").iterdir())
    build = subprocess.run([str(DEMOGRAPH), "build", str(SEEDS)], env=cli_env(store),
                           capture_output=True, timeout=300, preexec_fn=preexec)  # type: ignore[arg-type]
    err = build.stderr.decode("utf-8", "replace")
    assert build.returncode == 2, err
    assert "could not write its snapshot, nothing was published" in err
    assert ("No space left on device" if preexec is None else "File too large") in err
    assert "Traceback" not in err and "internal error" not in err
    assert store_state(store) == state
    assert set((store / "snapshots").iterdir()) == existing  # the half-written one is gone
    result = run_cli("query", "ASK { ?c a <https://w3id.org/demograph/def/Commitment> }",
                     "--format", "json", store=store)
    assert result.code == 0 and json.loads(result.out)["boolean"] is True


# --- a store that is missing or broken, found at start ----------------------------------------
def _break(store: Path, how: str) -> str:
    current = (store / "current").resolve()
    if how == "missing":
        shutil.rmtree(store)
        return "no store at"
    if how == "dangling":
        shutil.rmtree(current)
        return "'current' points at a missing snapshot"
    if how == "no-database":
        shutil.rmtree(current / "db")
        return "is incomplete"
    if how == "manifest":
        (current / "manifest.json").write_text("{ not json", "utf-8")
        return "unreadable manifest"
    for path in (current / "db").iterdir():  # RocksDB's CURRENT names the live MANIFEST
        if path.name == "CURRENT":
            path.write_text("MANIFEST-999999\n")
    return "cannot be opened"


@pytest.mark.parametrize("how", ["missing", "dangling", "no-database", "manifest", "corrupted"])
def test_a_missing_or_broken_store_is_reported_at_start(own_store: Path, how: str) -> None:
    expected = _break(own_store, how)
    for command in (("serve", "--port", "9"), ("query", "ASK {}")):
        result = run_cli(*command, store=own_store, timeout=60)
        assert result.code == 2, (command, result.err)
        assert expected in result.err, (command, result.err)
        assert "Traceback" not in result.err


# --- query workers ----------------------------------------------------------------------------
def test_a_worker_killed_mid_query_is_replaced_and_the_client_told(one_worker: Server) -> None:
    assert count_commitments(one_worker) > 0  # the pool is up
    [worker] = query_workers(one_worker)
    answer: list[tuple[int, dict[str, str], bytes, float]] = []
    client = threading.Thread(target=lambda: answer.append(ask(one_worker, SLOW, accept="text/csv")))
    client.start()
    time.sleep(1.0)  # the query is running in the worker
    os.kill(worker, signal.SIGKILL)
    client.join(60)
    [(status, headers, body, _)] = answer
    assert status == 503 and b"query worker stopped unexpectedly" in body, body
    assert headers["Retry-After"] == "1"
    assert count_commitments(one_worker) > 0
    assert query_workers(one_worker) - {worker}, "no new worker replaced the killed one"


def test_a_worker_killed_while_idle_costs_no_query(one_worker: Server) -> None:
    commitments = count_commitments(one_worker)
    assert commitments > 0
    [worker] = query_workers(one_worker)
    os.kill(worker, signal.SIGKILL)
    time.sleep(0.2)
    # a query text the cache has not seen, so it must go to a worker: the dead one is
    # replaced before the query is given to it, and the answer is whole
    assert count_commitments(one_worker) == commitments
    [replacement] = query_workers(one_worker)
    assert replacement != worker


def test_a_client_that_disconnects_mid_query_frees_its_worker(one_worker: Server) -> None:
    assert count_commitments(one_worker) > 0
    [worker] = query_workers(one_worker)
    host, port = one_worker.url.removeprefix("http://").split(":")
    body = SLOW.encode()
    with socket.create_connection((host, int(port))) as client:
        client.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n"
                       b"Content-Type: application/sparql-query\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(1.0)
    # the only worker was busy with a query of minutes under a limit of 120 s; a query no
    # cache can answer is answered now, by a new worker, because the old one was freed when
    # its client left
    status, _, answer, _ = ask(one_worker, "ASK { ?s ?p ?o } # " + str(time.time_ns()))
    assert status == 200 and json.loads(answer)["boolean"] is True
    assert worker not in query_workers(one_worker)
    # gunicorn's access log, which flushes each line: the abandoned request, as 499
    assert b'"POST /sparql HTTP/1.1" 499' in Path(one_worker.log.name).read_bytes()
