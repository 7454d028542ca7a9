"""Bytes → one NFC string, with a precise error for what is not a declaration text.

Offsets everywhere in demograph are code points into the string this module returns, so
it is the only place that decodes or normalises.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError

MAX_TEXT_BYTES = 2_000_000  # declarations are 2–20 kB; anything this large is not one

_HEADER_LINE = re.compile(r"^([a-z_]{2,20}):[ \t]*(.*)$")


@dataclass(frozen=True)
class SourceText:
    """A decoded, NFC-normalised text and what was learnt while reading it."""

    text: str
    sha256: str
    encoding: str
    header: dict[str, str] = field(default_factory=dict)
    body_start: int = 0  # offset where the declaration text begins (after a metadata header)
    warnings: tuple[str, ...] = ()


def decode(data: bytes, *, max_bytes: int = MAX_TEXT_BYTES) -> SourceText:
    """Decode a declaration text.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; other bytes that are
    not UTF-8 but are plainly Windows-1252/Latin-1 text are read as that, with a warning.
    Empty, binary and oversized input raise :class:`InputError` with the reason.

    >>> decode("Kils kommun åtar sig".encode("latin-1")).encoding
    'windows-1252'
    >>> decode(b"\\x00\\x01\\x02binary")
    Traceback (most recent call last):
    ...
    demograph.errors.InputError: binary data, not a text (NUL bytes at offset 0)
    """
    if len(data) > max_bytes:
        raise InputError(f"{len(data) / 1_000_000:.1f} MB is too large for a declaration text "
                         f"(limit {max_bytes / 1_000_000:.1f} MB)")
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            encoding, raw = "utf-16", data.decode("utf-16", errors="strict")
        except UnicodeDecodeError as exc:  # cut mid-character, or a lone surrogate
            raise InputError(f"not valid UTF-16 (byte {exc.start}: {exc.reason})") from None
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(f"binary data, not a text (NUL bytes at offset {nul})")
        try:
            raw = data.decode("utf-8-sig")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            raw = _decode_legacy(data, exc)
            encoding = "windows-1252"
            warnings.append("not UTF-8: read as Windows-1252/Latin-1")
    if _control_ratio(raw) > 0.01:
        raise InputError("binary data, not a text (control characters)")
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise InputError("empty text")
    header, body_start = _split_header(text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceText(text, digest, encoding, header, body_start, tuple(warnings))


def _decode_legacy(data: bytes, exc: UnicodeDecodeError) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    letters = sum(c.isalpha() for c in text)
    if letters < 0.5 * len(text.strip() or "x"):
        raise InputError(f"not a text: invalid UTF-8 at byte {exc.start} and mostly non-letters")
    return text


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t\r\f")
    return controls / len(text)


def _split_header(text: str) -> tuple[dict[str, str], int]:
    """A block of ``key: value`` lines closed by ``---`` (web-harvest metadata), if any."""
    header: dict[str, str] = {}
    offset = 0
    for line in text.split("\n"):
        if line.strip() == "---" and header:
            return header, offset + len(line) + 1
        match = _HEADER_LINE.match(line)
        if not match:
            return {}, 0
        header[match.group(1)] = match.group(2).strip()
        offset += len(line) + 1
    return {}, 0
