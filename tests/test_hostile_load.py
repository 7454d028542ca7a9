"""Hostile RDF given to ``demograph load`` (and ``validate``, which reads files the same way):
refused with exit code 1 and a reason, nothing fetched, no file read, no unbounded growth,
and the store as it was.

The real executable runs where the exit code and message are the point; the parser is
called in-process where only the refusal is."""

from __future__ import annotations

import gzip
import time
import uuid
from pathlib import Path

import pytest

from demograph.errors import RdfInputError
from demograph.load import MAX_GUNZIPPED_BYTES, parse_file

from .conftest import Listener, run_cli

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    marker = f"secret-{uuid.uuid4().hex}"
    path = tmp_path / "secret.txt"
    path.write_text(marker, "utf-8")
    return path, marker


def rdf_xml(doctype: str, value: str, about: str = "http://example.org/s") -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{doctype}\n]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://example.org/">\n'
            f'  <rdf:Description rdf:about="{about}"><ex:p>{value}</ex:p></rdf:Description>\n'
            '</rdf:RDF>\n')


def billion_laughs(levels: int = 9) -> str:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return rdf_xml("\n".join(entities), f"&l{levels};")


def store_state(store: Path) -> tuple[str, bytes]:
    """What a failed load must not change: the snapshot served and its manifest."""
    current = (store / "current").resolve()
    return current.name, (current / "manifest.json").read_bytes()


def test_billion_laughs_is_refused_before_it_expands(own_store: Path, tmp_path: Path) -> None:
    """Oxigraph expands nested internal entities: nine levels would be 3 GB of "lol"."""
    path = tmp_path / "laughs.rdf"
    path.write_text(billion_laughs(), "utf-8")
    before = store_state(own_store)
    started = time.monotonic()
    result = run_cli("load", path, store=own_store, timeout=60)
    assert result.code == 1, result.err
    assert "refers to other entities; nested entity expansion is refused" in result.err
    assert "Traceback" not in result.err
    assert time.monotonic() - started < 60
    assert store_state(own_store) == before


def test_quadratic_entity_blowup_is_refused(tmp_path: Path) -> None:
    """No nesting, but one long entity referenced many times: still refused past 16 MB."""
    path = tmp_path / "quadratic.rdf"
    path.write_text(rdf_xml(f'<!ENTITY big "{"x" * 20_000}">', "&big;" * 2_000), "utf-8")
    with pytest.raises(RdfInputError, match="would expand to more than 16 MB"):
        parse_file(path)


@pytest.mark.parametrize("declaration", [
    '<!ENTITY ext SYSTEM "{file}">',
    '<!ENTITY ext SYSTEM "{url}ext.xml">',
    '<!ENTITY ext PUBLIC "-//X//EN" "{url}ext.xml">',
    '<!ENTITY % ext SYSTEM "{url}dtd"> %ext;',
])
def test_external_entities_are_never_read(own_store: Path, tmp_path: Path, listener: Listener,
                                          secret: tuple[Path, str], declaration: str) -> None:
    file, marker = secret
    path = tmp_path / "external.rdf"
    path.write_text(rdf_xml(declaration.format(file=file.as_uri(), url=listener.url), "&ext;"),
                    "utf-8")
    before = store_state(own_store)
    result = run_cli("load", path, store=own_store)
    assert result.code == 1, result.err
    assert "external or parameter entities" in result.err
    assert marker not in result.out + result.err
    assert store_state(own_store) == before


def test_validate_reads_rdf_files_as_safely(tmp_path: Path, listener: Listener,
                                           secret: tuple[Path, str]) -> None:
    file, marker = secret
    path = tmp_path / "external.rdf"
    path.write_text(rdf_xml(f'<!ENTITY ext SYSTEM "{file.as_uri()}">', "&ext;"), "utf-8")
    result = run_cli("validate", path)
    assert result.code == 1 and "external or parameter entities" in result.err
    assert marker not in result.out + result.err


def test_entity_abbreviations_as_owl_files_use_them_still_load(tmp_path: Path) -> None:
    path = tmp_path / "owl.rdf"
    path.write_text(rdf_xml('<!ENTITY ex "http://example.org/">', "ok",
                            about="&ex;thing"), "utf-8")
    [quad] = parse_file(path)
    assert quad.subject.value == "http://example.org/thing" and quad.object.value == "ok"


@pytest.mark.parametrize("context", ['"{url}context.jsonld"', '"{file}"', '["{url}a", {{"x": "urn:x"}}]',
                                     '{{"@import": "{url}import"}}'])
def test_json_ld_remote_and_file_contexts_are_not_fetched(
        own_store: Path, tmp_path: Path, listener: Listener, secret: tuple[Path, str],
        context: str) -> None:
    file, marker = secret
    context = context.format(url=listener.url, file=file.as_uri())
    path = tmp_path / "remote.jsonld"
    path.write_text(f'{{"@context": {context}, "@id": "http://example.org/s", '
                    '"http://example.org/p": "x"}', "utf-8")
    before = store_state(own_store)
    result = run_cli("load", path, store=own_store)
    assert result.code == 1, result.err
    assert "not valid JSON-LD" in result.err
    assert "never fetched" in result.err or "@import" in result.err
    assert marker not in result.out + result.err
    assert store_state(own_store) == before


def test_turtle_nested_five_thousand_deep_loads_without_a_crash(own_store: Path,
                                                                tmp_path: Path) -> None:
    depth = 5000
    path = tmp_path / "deep.ttl"
    path.write_text("<http://example.org/s> <http://example.org/p> "
                    + "[ <http://example.org/p> " * depth + "<http://example.org/o>"
                    + " ]" * depth + " .\n", "utf-8")
    result = run_cli("load", path, "--graph", "http://example.org/deep", store=own_store)
    assert result.code == 0, result.err
    assert f"Loaded {depth + 1} triples into <http://example.org/deep>" in result.out
    collection = tmp_path / "deep-list.ttl"
    collection.write_text("<http://example.org/s> <http://example.org/p> " + "( " * depth
                          + "1" + " )" * depth + " .\n", "utf-8")
    assert len(parse_file(collection)) == 2 * depth + 1  # rdf:first/rest per level, and the link


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.nt.gz"
    member = gzip.compress(b"\n" * (16 * 1024**2), compresslevel=9)  # gzip members concatenate
    path.write_bytes(member * (MAX_GUNZIPPED_BYTES // (16 * 1024**2) + 1))
    assert path.stat().st_size < 2 * 1024**2  # small on disk, 528 MB inside
    with pytest.raises(RdfInputError, match="uncompresses to more than 512 MB"):
        parse_file(path)


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    whole = gzip.compress(b"<http://example.org/s> <http://example.org/p> 1 .\n" * 100)
    path = tmp_path / "cut.nt.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(RdfInputError, match="not valid gzip"):
        parse_file(path)
