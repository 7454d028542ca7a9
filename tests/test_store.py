"""The store's promises: atomic swaps, old snapshots readable, clear errors when broken."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from demograph.errors import StoreError
from demograph.store import Store
from demograph.store.oxigraph import Manifest, SnapshotDir, open_write

from .conftest import run_cli


def _snapshot(snapshots: SnapshotDir, value: str) -> Path:
    path = snapshots.new_snapshot()
    db = open_write(path)
    db.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(value)))
    db.flush()
    del db
    return path


def _value(store: Store) -> str:
    return next(iter(store.query("SELECT ?o { <urn:s> <urn:p> ?o }")))["o"].value


def test_a_reader_keeps_its_snapshot_across_a_swap(tmp_path: Path) -> None:
    snapshots = SnapshotDir(tmp_path)
    with snapshots.lock():
        snapshots.publish(_snapshot(snapshots, "old"), Manifest("t0", "b"))
    reader = Store(tmp_path)
    assert _value(reader) == "old"
    with snapshots.lock():
        snapshots.publish(_snapshot(snapshots, "new"), Manifest("t1", "b"))
    assert _value(reader) == "old"  # the open reader still sees its snapshot
    assert _value(Store(tmp_path)) == "new"  # a new reader sees the new one


def test_old_snapshots_are_pruned_but_the_previous_is_kept(tmp_path: Path) -> None:
    snapshots = SnapshotDir(tmp_path)
    for value in ("a", "b", "c", "d"):
        with snapshots.lock():
            snapshots.publish(_snapshot(snapshots, value), Manifest(value, "b"))
    assert len(list((tmp_path / "snapshots").iterdir())) == 2


def test_a_half_written_snapshot_is_never_published(tmp_path: Path) -> None:
    snapshots = SnapshotDir(tmp_path)
    with snapshots.lock():
        snapshots.publish(_snapshot(snapshots, "good"), Manifest("t0", "b"))
    _snapshot(snapshots, "abandoned")  # a build that died before publishing
    assert _value(Store(tmp_path)) == "good"


def test_second_writer_is_refused(tmp_path: Path) -> None:
    snapshots = SnapshotDir(tmp_path)
    with snapshots.lock():
        with pytest.raises(StoreError, match="another process"):
            with snapshots.lock():
                pass


def test_missing_or_broken_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "nothing").db
    snapshots = SnapshotDir(tmp_path / "s")
    with snapshots.lock():
        snapshots.publish(_snapshot(snapshots, "x"), Manifest("t", "b"))
    current = snapshots.current()
    assert current is not None
    (current / "manifest.json").unlink()
    with pytest.raises(StoreError, match="incomplete"):
        Store(tmp_path / "s").db
    os.rename(current, current.with_name("gone"))
    with pytest.raises(StoreError, match="missing snapshot"):
        Store(tmp_path / "s").db


def test_cli_reports_a_broken_store_without_traceback(own_store: Path) -> None:
    current = (own_store / "current").resolve()
    for path in (current / "db").iterdir():
        if path.name.startswith("CURRENT"):
            path.write_text("garbage\n")
    result = run_cli("query", "ASK {}", store=own_store)
    assert result.code == 2
    assert "cannot be opened" in result.err and "Traceback" not in result.err
