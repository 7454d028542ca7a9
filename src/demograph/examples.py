"""The example questions: named SPARQL queries with a title and a description in Swedish and
English, shown in the query workbench, listed on the home page and run by
``demograph query --example NAME``.

Each lives in ``queries/examples/NAME.rq``: a header of comment lines ``# key@lang: text``
(``title`` and ``description``, in ``sv`` and ``en``), then the query, runnable as pasted —
the header is a SPARQL comment, so the whole file is the query a user copies. Keeping the
texts in the file, not in Python, means adding an example is adding a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .prefixes import DEFAULT_BASE

FOLDER = Path(__file__).resolve().parent / "queries" / "examples"
HEADER = re.compile(r"^#\s*(title|description)@(sv|en)\s*:\s*(.*?)\s*$")
FIELDS = ("title_sv", "title_en", "description_sv", "description_en")


class UnknownExample(LookupError):
    """No example has that name; the message lists the names there are."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"no example named {name!r}; the examples are: {', '.join(known)}")


@dataclass(frozen=True)
class Example:
    name: str
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    query: str  # the whole file: header comments, PREFIX lines, the query

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_sv

    def description(self, language: str) -> str:
        return self.description_en if language == "en" else self.description_sv


def parse(name: str, text: str) -> Example:
    """An example from the text of its ``.rq`` file; a missing title or description is an
    error, because every list that shows examples shows both, in both languages.

    >>> parse("x", "# title@sv: Hej\\n# title@en: Hi\\n# description@sv: Svar\\n"
    ...            "# description@en: Answer\\nASK {}\\n").title("en")
    'Hi'
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if match:
            key = f"{match[1]}_{match[2]}"
            # A long description may continue on a second `# description@xx:` line.
            found[key] = f"{found[key]} {match[3]}" if key in found else match[3]
    missing = [field for field in FIELDS if not found.get(field)]
    if missing:
        raise ValueError(f"example {name!r} lacks {', '.join(missing)} in its header")
    return Example(name=name, query=text, **{field: found[field] for field in FIELDS})


@cache
def _load() -> tuple[Example, ...]:
    return tuple(parse(path.stem, path.read_text(encoding="utf-8"))
                 for path in sorted(FOLDER.glob("*.rq")))


def load_examples() -> list[Example]:
    """Every example, in name order (read once; the files ship with the package)."""
    return list(_load())


def names() -> list[str]:
    return [item.name for item in load_examples()]


def example(name: str) -> Example:
    """The example ``name``; :class:`UnknownExample` (listing the names) if there is none."""
    for item in load_examples():
        if item.name == name:
            return item
    raise UnknownExample(name, names())


def for_base(query: str, base: str) -> str:
    """``query`` for a store minted under ``base``: the examples are written against the
    default base (so they read as the README's IRIs), and an instance IRI they name — a
    county, a länsstyrelse — must be the one the store actually holds.

    >>> for_base("<https://w3id.org/demograph/id/org/region/17>", "http://x.example/")
    '<http://x.example/id/org/region/17>'
    """
    if base == DEFAULT_BASE:
        return query
    return query.replace(f"<{DEFAULT_BASE}id/", f"<{base}id/")
