"""Shared fixtures: the loaded knowledge (once per session), a store built from the seeds
(once per session, read-only for tests), and a runner for the real `demograph` executable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
