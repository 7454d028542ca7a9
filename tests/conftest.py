"""Shared fixtures: the loaded knowledge (once per session), a store built from the seeds
(once per session, read-only for tests), and a runner for the real `demograph` executable."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from demograph.knowledge import Knowledge
from demograph.prefixes import DEFAULT_BASE

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "data" / "declarations"
DEMOGRAPH = Path(sys.executable).parent / "demograph"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.load(DEFAULT_BASE)


@dataclass
class Run:
    code: int
    out: str
    err: str
    raw: bytes


def run_cli(*args: str | Path, store: Path | None = None, stdin: bytes | None = None,
            env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    if store is not None:
        environment["DEMOGRAPH_STORE"] = str(store)
    environment.update(env or {})
    proc = subprocess.run([str(DEMOGRAPH), *map(str, args)], input=stdin, capture_output=True,
                          env=environment, timeout=timeout)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"), proc.stdout)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built from data/declarations by the real CLI; tests must not write to it."""
    store = tmp_path_factory.mktemp("seed-store") / "store"
    result = run_cli("build", SEEDS, store=store)
    assert result.code == 0, result.err
    return store


@pytest.fixture
def own_store(seed_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the seed store, for tests that build, load or break things."""
    target = tmp_path / "store"
    shutil.copytree(seed_store, target, symlinks=True)
    yield target


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    corpus = SHARED / "corpus" / "dev"
    if not corpus.is_dir():
        pytest.skip(f"the shared development corpus is not at {corpus}")
    return corpus


@dataclass
class Server:
    url: str  # the base, e.g. http://127.0.0.1:41234
    store: Path
    process: subprocess.Popen[bytes]
    log: Any  # the open log file, closed by stop_server

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def free_port() -> int:

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(store: Path, log: Path, **settings: str) -> Server:
    """`demograph serve` as a real process on 127.0.0.1; waits until /health answers."""
    import urllib.request

    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAPH_")}
    environment.update({"DEMOGRAPH_STORE": str(store), "DEMOGRAPH_HOST": "127.0.0.1",
                        "DEMOGRAPH_PORT": str(port), "DEMOGRAPH_WORKERS": "1"})
    environment.update({f"DEMOGRAPH_{k.upper()}": v for k, v in settings.items()})
    handle = open(log, "wb")
    process = subprocess.Popen([str(DEMOGRAPH), "serve"], env=environment, stdout=handle,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle.close()
            raise RuntimeError(f"demograph serve exited: {log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, store, process, handle)
        except OSError:
            time.sleep(0.2)
    process.kill()
    handle.close()
    raise RuntimeError(f"demograph serve did not answer in 30 s: {log.read_text(errors='replace')}")


def stop_process(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM, and SIGKILL if it has not ended within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def stop_server(server: Server) -> None:
    stop_process(server.process)
    server.log.close()


@pytest.fixture(scope="session")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seed store served for real; rate limit off so tests may send many requests."""
    running = start_server(seed_store, tmp_path_factory.mktemp("server") / "serve.log",
                           rate_limit="0", query_timeout="5", max_rows="1000")
    yield running
    stop_server(running)


# --- headless Chromium -------------------------------------------------------------------------
# The browser tests drive Debian's Chromium through Playwright (never a browser Playwright
# downloads). The flags keep Chromium off the network: this machine has none, and a test must
# not depend on one.
CHROMIUM = Path(os.environ.get("DEMOGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; a test opens its own page with ``browser.new_page()``."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install Debian's chromium package "
                    "(.ci/run does) or set DEMOGRAPH_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def screenshot(page: Any, name: str) -> Path:
    """Keep a screenshot of ``page`` as a test artifact (tests/artifacts/screenshots/)."""
    target = ARTIFACTS / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


# --- a trap for outbound connections -----------------------------------------------------------
class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.hits: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.hits.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    self.hits.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    time.sleep(0.2)  # a connection attempt made at the very end is still seen
    running.close()
    assert running.hits == [], f"an outbound connection reached the listener: {running.hits}"
