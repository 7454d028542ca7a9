"""A text → blocks (headings, paragraphs, list items, page noise) and sentences, with offsets.

Declaration texts arrive as plain text or light markdown harvested from web pages: one block
per line, bullets in many styles ("- ", "• ", "  o "), numbered items, markdown and plain
headings, and the debris of the page around them (breadcrumbs, share buttons, photo
captions). Everything here is position-preserving: each block and sentence carries its
code-point span in the full text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^([ \t\u00a0]*)([-*•·▪◦‣–]|o(?=[ \t]))[ \t\u00a0]+(?=\S)")
_NUMBERED = re.compile(r"^([ \t\u00a0]*)(\d{1,2}[.)]|[a-h]\))[ \t\u00a0]+(?=\S)")
_MD_HEADING = re.compile(r"^[ \t]*(#{1,6})[ \t]+")
_EMPHASIS = re.compile(r"^\*{1,2}(.+?)\*{1,2}$")
_TERMINAL = ".!?;,"

# Page furniture that is never part of a declaration. Anchored: the whole block must match.
_NOISE = re.compile(
    r"""^(?:
      dela(?:\s+(?:sidan|via|på\s+sociala\s+medier)).*|dela|kopiera(?:\s+länk)?|
      leave\s+a\s+reply|your\s+email\s+address\s+will\s+not\s+be\s+published.*|
      gå\s+(?:direkt\s+)?till\s+(?:innehåll|huvudinnehåll)|hoppa\s+till\s+\w*innehåll|
      tillbaka|startsida|till\s+startsidan|meny|sök|kontakt(?:information)?|
      publiceringsdatum:?.*|publicerad:?\s.*|senast\s+uppdaterad:?.*|uppdaterad:?\s.*|
      informationsägare:?.*|se\s+även:?|relaterat:?|
      läs\s+(?:mer|hela|åtagandena|rapportens|deras|aktörernas|om|deklarationen).*|
      här\s+(?:kan\s+du\s+läsa|kan\s+deras|hittar\s+du|finns)\b.*|ta\s+del\s+av\s+hela.*|
      syntolkning:.*|foto:.*|bild:.*|fotograf:.*|
      (?:från\s+vänster|på\s+bilden|i\s+mitten|bilden\s+visar)\b.*|
      javascript\s+är\s+avstängt.*|du\s+är\s+här:.*|
      pressmeddelande\s*[-–]?|nyhet\s+\d{1,2}\s+\w+\s+\d{4}:?|
      .{0,60}\bstartsida|.{0,40}\blogo(?:type)?|
      kopiera\s+länk.*|skriv\s+ut|prenumerera.*|cookies?.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION_FOLLOWER = re.compile(r"^(?:foto|bild|fotograf)\s*:", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹]+")  # "¹ Krisberedskapsveckan är …"

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = ("t.ex.", "bl.a.", "t.o.m.", "m.fl.", "m.m.", "ca.", "kl.", "s.k.", "dvs.",
                  "osv.", "fr.o.m.", "resp.", "jfr.", "nr.", "st.", "p.g.a.", "pga.", "inkl.",
                  "kungl.", "bl. a.", "d.v.s.", "t. ex.")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])([”\"»]?)\s+(?=[A-ZÅÄÖÉ0-9”\"«–-])")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph" | "item" | "noise"
    start: int
    end: int
    text: str
    level: int = 0  # heading level (1 = title); indentation depth of an item
    marker: str = ""  # the bullet or number of an item
    line: int = 0  # 0-based line number

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    block: int  # index of its block


def segment(text: str, start: int = 0) -> list[Block]:
    """Split ``text[start:]`` into blocks, one per non-empty line, classified."""
    lines: list[tuple[int, str, int]] = []
    offset = start
    for number, line in enumerate(text[start:].split("\n")):
        lines.append((offset, line, number))
        offset += len(line) + 1
    raw: list[Block] = []
    previous_blank = True
    for line_start, line, number in lines:
        if not line.strip():
            previous_blank = True
            continue
        if raw and not previous_blank and _continues(raw[-1], line):
            last = raw[-1]
            end = line_start + len(line.rstrip())
            raw[-1] = Block(last.kind, last.start, end, text[last.start:end], last.level,
                            last.marker, last.line)
        else:
            raw.append(_classify(line_start, line, number))
        previous_blank = False
    return _nest_items(_mark_captions(raw))


def _nest_items(blocks: list[Block]) -> list[Block]:
    """Item levels relative to their own list: the least indented items are level 1."""
    out = list(blocks)
    run: list[int] = []
    for i, block in enumerate(blocks + [Block("paragraph", 0, 0, "")]):
        if block.kind == "item":
            run.append(i)
            continue
        if block.kind == "noise" and run:
            continue
        if run:
            # an item is a sub-item only under a less indented item before it
            smallest = None
            for j in run:
                b = blocks[j]
                level = 2 if smallest is not None and b.level > smallest else 1
                smallest = b.level if smallest is None else min(smallest, b.level)
                out[j] = Block(b.kind, b.start, b.end, b.text, level, b.marker, b.line)
            run = []
    return out


def _continues(block: Block, line: str) -> bool:
    """A hard-wrapped line: the block stops mid-sentence and the line goes on in lower case."""
    stripped = line.strip()
    return (block.kind in ("paragraph", "item") and block.text[-1:] not in ".!?:;"
            and stripped[:1].islower() and not _BULLET.match(line) and not _NUMBERED.match(line))


def _classify(line_start: int, line: str, number: int) -> Block:
    for pattern in (_BULLET, _NUMBERED):
        match = pattern.match(line)
        if match:
            indent = len(match.group(1).expandtabs(4))
            content_start = line_start + match.end()
            content = line[match.end():].rstrip()
            level = indent + (8 if match.group(2) == "o" else 0)  # made relative in _nest_items
            kind = "noise" if _NOISE.match(content.strip()) else "item"
            return Block(kind, content_start, content_start + len(content), content, level,
                         match.group(2), number)
    heading = _MD_HEADING.match(line)
    stripped_start = line_start + (len(line) - len(line.lstrip()))
    content = line.strip()
    if heading:
        level = len(heading.group(1))
        inner_start = line_start + heading.end()
        inner = line[heading.end():].rstrip()
        emphasis = _EMPHASIS.match(inner)
        if emphasis:
            inner_start += emphasis.start(1)
            inner = emphasis.group(1)
        return Block("heading", inner_start, inner_start + len(inner), inner, level, "", number)
    if _NOISE.match(content) or _FOOTNOTE.match(content):
        return Block("noise", stripped_start, stripped_start + len(content), content, 0, "", number)
    emphasis = _EMPHASIS.match(content)
    if emphasis and len(content.split()) <= 16:
        inner_start = stripped_start + emphasis.start(1)
        return Block("heading", inner_start, inner_start + len(emphasis.group(1)),
                     emphasis.group(1), 2, "", number)
    if _looks_like_heading(content):
        return Block("heading", stripped_start, stripped_start + len(content), content, 3, "", number)
    return Block("paragraph", stripped_start, stripped_start + len(content), content, 0, "", number)


def _looks_like_heading(content: str) -> bool:
    """Short, unpunctuated, capitalised: how web headings look once the markup is gone."""
    words = content.split()
    if not words or len(words) > 12 or len(content) > 110:
        return False
    if content[-1] in _TERMINAL or content[0] in "”\"«(":
        return False
    if content.endswith(":"):
        return len(words) <= 6
    return content[0].isupper() or content[0].isdigit()


def _mark_captions(blocks: list[Block]) -> list[Block]:
    """A line directly followed by "Foto: …" is the caption of a picture, not text."""
    out = list(blocks)
    for i, block in enumerate(blocks[:-1]):
        if block.kind in ("paragraph", "heading") and _CAPTION_FOLLOWER.match(blocks[i + 1].text):
            out[i] = Block("noise", block.start, block.end, block.text, 0, "", block.line)
    return out


def sentences(text: str, blocks: list[Block]) -> list[Sentence]:
    """Sentences of every non-noise block, each within its block."""
    out: list[Sentence] = []
    for index, block in enumerate(blocks):
        if block.kind == "noise":
            continue
        for start, end in split_sentences(text, block.start, block.end):
            out.append(Sentence(start, end, text[start:end], index))
    return out


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, not split after common abbreviations.

    >>> s = "Vi ska bl.a. samverka. Kommunen ska informera. 2021 åtar sig X att"
    >>> [s[a:b] for a, b in split_sentences(s, 0, len(s))]
    ['Vi ska bl.a. samverka.', 'Kommunen ska informera.', '2021 åtar sig X att']
    """
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_BREAK.finditer(text, start, end):
        sentence_end = match.start() + len(match.group(1))
        before = text[cursor:match.start()]
        if before.lower().endswith(_ABBREVIATIONS) or re.search(r"(?:^|\s)\d{1,2}\.$", before):
            continue
        if before.strip():
            spans.append(_trim(text, cursor, sentence_end))
        cursor = match.end()
    if text[cursor:end].strip():
        spans.append(_trim(text, cursor, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
