"""Swedish date phrases → the interval they state (MODEL.md, "Event").

"januari 2022" is 2022-01-01..2022-01-31 (month), "hösten 2021" 2021-09-01..2021-11-30
(season), "2021" the whole year, "20–27 september 2021" those days. A phrase without a year
("i oktober") gets the year its context gives, and says so (``year_inferred``).

>>> [(p.text, p.start_date.isoformat(), p.end_date.isoformat(), p.precision)
...  for p in find_dates("en Demokrativecka under hösten 2021, före valen 2022", default_year=None)]
[('hösten 2021', '2021-09-01', '2021-11-30', 'season'), ('2022', '2022-01-01', '2022-12-31', 'year')]
>>> p = find_dates("Demokratistugan i oktober", default_year=2021)[0]
>>> (p.text, p.start_date.isoformat(), p.end_date.isoformat(), p.year_inferred)
('oktober', '2021-10-01', '2021-10-31', True)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_MONTH_ALIASES = {"jan": 1, "feb": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                  "sept": 9, "okt": 10, "nov": 11, "dec": 12}
SEASONS = {"våren": (3, 5), "vår": (3, 5), "sommaren": (6, 8), "hösten": (9, 11),
           "höst": (9, 11), "vintern": (12, 2)}
_MONTH = r"(?P<month>" + "|".join(list(MONTHS) + [a + r"\.?" for a in _MONTH_ALIASES]) + r")"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DASH = r"\s*[-–—]\s*"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b")),
    ("dayrange", re.compile(r"\b(?:mellan\s+)?(?:den\s+)?(?P<d1>[0-3]?\d)(?:" + _DASH
                            + r"|\s+och\s+(?:den\s+)?)(?P<d2>[0-3]?\d)\s+" + _MONTH
                            + r"(?:\s+" + _YEAR + r")?\b", re.IGNORECASE)),
    ("day", re.compile(r"\b(?P<d1>[0-3]?\d)(?::e|:a)?\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?\b",
                       re.IGNORECASE)),
    ("month", re.compile(r"\b" + _MONTH + r"(?:\s+(?:månad\s+)?" + _YEAR + r")?\b", re.IGNORECASE)),
    ("season", re.compile(r"\b(?P<season>våren|sommaren|hösten|vintern)(?:\s+" + _YEAR + r")?\b",
                          re.IGNORECASE)),
    ("yearrange", re.compile(r"\b(?P<y1>(?:19|20)\d\d)" + _DASH + r"(?P<y2>(?:19|20)\d\d)\b")),
    ("year", re.compile(r"(?<![\d-])" + _YEAR + r"(?![\d-])")),
]


@dataclass(frozen=True)
class DatePhrase:
    start: int
    end: int
    text: str
    start_date: date
    end_date: date
    precision: str  # "day" | "month" | "season" | "year"
    year_inferred: bool


def find_dates(text: str, default_year: int | None, start: int = 0,
               end: int | None = None) -> list[DatePhrase]:
    """Date phrases in ``text[start:end]``, longest first where they overlap, in text order."""
    end = len(text) if end is None else end
    found: list[DatePhrase] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text, start, end):
            if any(match.start() < p.end and p.start < match.end() for p in found):
                continue
            phrase = _interpret(kind, match, default_year)
            if phrase is not None:
                found.append(phrase)
    return sorted(found, key=lambda p: p.start)


def _month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or _MONTH_ALIASES[word]


def _interpret(kind: str, m: re.Match[str], default_year: int | None) -> DatePhrase | None:
    groups = m.groupdict()
    year_text = groups.get("year")
    year = int(year_text) if year_text else default_year
    inferred = not year_text and kind not in ("iso", "yearrange")
    try:
        if kind == "iso":
            day = date.fromisoformat(groups["iso"])
            return DatePhrase(m.start(), m.end(), m.group(0), day, day, "day", False)
        if kind == "yearrange":
            y1, y2 = int(groups["y1"]), int(groups["y2"])
            if y2 < y1:
                return None
            return DatePhrase(m.start(), m.end(), m.group(0), date(y1, 1, 1), date(y2, 12, 31),
                              "year", False)
        if year is None:
            return None
        if kind in ("dayrange", "day"):
            month = _month_number(groups["month"])
            d1 = int(groups["d1"])
            d2 = int(groups.get("d2") or d1)
            if d2 < d1:
                return None
            return DatePhrase(m.start(), m.end(), m.group(0), date(year, month, d1),
                              date(year, month, d2), "day", inferred)
        if kind == "month":
            if not year_text and groups["month"].lower().rstrip(".") in ("mars", "maj"):
                # "mars" and "maj" alone are too often other words (a name, "Maj") to date on.
                if m.group(0)[0].isupper():
                    return None
            month = _month_number(groups["month"])
            last = calendar.monthrange(year, month)[1]
            return DatePhrase(m.start(), m.end(), m.group(0), date(year, month, 1),
                              date(year, month, last), "month", inferred)
        if kind == "season":
            first, last_month = SEASONS[groups["season"].lower()]
            end_year = year + 1 if last_month < first else year
            last = calendar.monthrange(end_year, last_month)[1]
            return DatePhrase(m.start(), m.end(), m.group(0), date(year, first, 1),
                              date(end_year, last_month, last), "season", inferred)
        if kind == "year":
            return DatePhrase(m.start(), m.end(), m.group(0), date(year, 1, 1), date(year, 12, 31),
                              "year", False)
    except ValueError:  # "31 februari": not a date
        return None
    return None
