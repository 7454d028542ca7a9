"""Reading bytes as a declaration text: encodings, headers, and precise refusals."""

from __future__ import annotations

import pytest

from demograph.errors import InputError
from demograph.ingest.segment import segment
from demograph.ingest.text import decode


def test_utf8_with_bom_and_crlf_is_normalised() -> None:
    src = decode("\ufeffKils kommun\r\nåtar sig".encode("utf-8"))
    assert src.text == "Kils kommun\nåtar sig" and src.encoding == "utf-8" and not src.warnings


def test_decomposed_text_is_nfc() -> None:
    src = decode("Ha\u030abo kommun".encode("utf-8"))  # "å" as a + combining ring
    assert src.text == "Håbo kommun"


def test_utf16_with_bom() -> None:
    assert decode("Örnsköldsviks kommun".encode("utf-16")).text == "Örnsköldsviks kommun"


def test_latin1_is_read_with_a_warning() -> None:
    src = decode("Örnsköldsviks kommun åtar sig att".encode("latin-1"))
    assert src.text.startswith("Örnsköldsviks") and src.encoding == "windows-1252"
    assert src.warnings


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"  \n\t\n", "empty"), (b"\x00\x01\x02\x03text", "binary"),
    (bytes(range(1, 32)) * 10, "binary"), (b"x" * 2_000_001, "too large"),
])
def test_refusals_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode(data)


def test_harvest_header_is_split_off_and_offsets_stay_in_the_whole_text() -> None:
    raw = "url: https://example.org/x\nactor: Kils kommun\n---\nKils kommun undertecknar\n"
    src = decode(raw.encode())
    assert src.header == {"url": "https://example.org/x", "actor": "Kils kommun"}
    assert src.text[src.body_start:].startswith("Kils kommun undertecknar")
    blocks = segment(src.text, src.body_start)
    assert [src.text[b.start:b.end] for b in blocks] == ["Kils kommun undertecknar"]


def test_segment_classifies_real_page_debris() -> None:
    text = ("- Startsida\n- Kommun & politik\nDela via\n\nKopiera länk\n\nFoto: Kommunen\n"
            "## **Region Värmlands åtaganden**\n\n  • verka för X\n    o underpunkt\n")
    kinds = [(b.kind, b.text) for b in segment(text)]
    assert ("noise", "Startsida") in kinds and ("noise", "Dela via") in kinds
    assert ("noise", "Kopiera länk") in kinds and ("noise", "Foto: Kommunen") in kinds
    assert ("heading", "Region Värmlands åtaganden") in kinds
    items = [b for b in segment(text) if b.kind == "item"]
    assert [(b.text, b.level) for b in items][-2:] == [("verka för X", 1), ("underpunkt", 2)]


def test_bold_lines_are_headings_and_footnotes_are_noise() -> None:
    text = "**Externa åtaganden**\n\n* en punkt i en lista\n\n¹ En fotnot\n"
    assert [(b.kind, b.text) for b in segment(text)] == [
        ("heading", "Externa åtaganden"), ("item", "en punkt i en lista"), ("noise", "¹ En fotnot")]
