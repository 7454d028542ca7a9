"""Pictures drawn on the server as SVG: a heat table, a timeline and a tile map of the län.

Server-side SVG needs no script, prints, and is part of the HTML a test (or a screen reader
skipping it) can read; every picture has the table of its numbers beside it on the page. The
functions are pure: rows in, markup out, everything interpolated escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

# The 21 län on a tile grid (column, row) that keeps their rough places: Norrbotten top right,
# Skåne bottom left, Gotland off the east coast. A real boundary map needs boundary data under
# an open licence, which no package on the registries this project uses provides (README).
TILES: dict[str, tuple[int, int]] = {
    "25": (2, 0), "24": (1, 1), "23": (0, 2), "22": (1, 2), "20": (0, 3), "21": (1, 3),
    "17": (0, 4), "18": (1, 4), "19": (2, 4), "03": (3, 4), "14": (0, 5), "05": (2, 5),
    "04": (3, 5), "01": (4, 5), "13": (0, 6), "06": (1, 6), "08": (2, 6), "09": (4, 6),
    "12": (0, 7), "07": (1, 7), "10": (2, 7),
}
LETTERS = {"01": "AB", "03": "C", "04": "D", "05": "E", "06": "F", "07": "G", "08": "H",
           "09": "I", "10": "K", "12": "M", "13": "N", "14": "O", "17": "S", "18": "T",
           "19": "U", "20": "W", "21": "X", "22": "Y", "23": "Z", "24": "AC", "25": "BD"}


@dataclass(frozen=True)
class Cell:
    row: str
    column: str
    value: int


def shade(value: int, top: int) -> str:
    """A blue from pale (few) to deep (most); 0 stays white so absence is visible."""
    if value <= 0 or top <= 0:
        return "#ffffff"
    strength = 0.15 + 0.85 * value / top
    channel = lambda full, light: round(light + (full - light) * strength)  # noqa: E731
    return f"#{channel(11, 235):02x}{channel(92, 242):02x}{channel(173, 250):02x}"


def ink(value: int, top: int) -> str:
    return "#ffffff" if top and value / top > 0.55 else "#1b1b1f"


def heat_table(cells: list[Cell], title: str) -> Markup:
    """Rows × columns, each cell shaded by its value and labelled with it."""
    rows = sorted({c.row for c in cells}, key=lambda r: (-sum(c.value for c in cells
                                                               if c.row == r), r))
    columns = sorted({c.column for c in cells})
    values = {(c.row, c.column): c.value for c in cells}
    top = max((c.value for c in cells), default=0)
    left, cell_w, cell_h, head = 210, 92, 24, 70
    width, height = left + cell_w * len(columns) + 10, head + cell_h * len(rows) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
             f"<title>{escape(title)}</title>"]
    for j, column in enumerate(columns):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x}" y="{head - 8}" text-anchor="end" font-size="12" '
                     f'transform="rotate(-30 {x} {head - 8})">{escape(column)}</text>')
    for i, row in enumerate(rows):
        y = head + i * cell_h
        parts.append(f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
                     f"{escape(row)}</text>")
        for j, column in enumerate(columns):
            value = values.get((row, column), 0)
            x = left + j * cell_w
            parts.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                         f'fill="{shade(value, top)}" stroke="#dde2ea"/>')
            if value:
                parts.append(f'<text x="{x + cell_w / 2}" y="{y + 16}" text-anchor="middle" '
                             f'font-size="12" fill="{ink(value, top)}">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Span:
    label: str
    start: date
    end: date
    detail: str
    href: str | None


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def timeline(spans: list[Span], title: str, month_names: list[str]) -> Markup:
    """One bar per span on a month axis from the first start to the last end."""
    if not spans:
        return Markup("")
    first = min(_month(s.start) for s in spans)
    last = max(_month(s.end) for s in spans) + 1
    left, top, bar_h, width = 300, 36, 22, 980
    scale = (width - left - 20) / max(last - first, 1)
    height = top + bar_h * len(spans) + 12

    def x_of(day: date, end: bool = False) -> float:
        months = _month(day) - first
        # within a month, by day: a one-day event (the election) is a thin mark, not a month
        fraction = (day.day - (0 if end else 1)) / 31
        return left + (months + fraction) * scale

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
             f"<title>{escape(title)}</title>"]
    for month in range(first, last):
        x = left + (month - first) * scale
        year, index = divmod(month, 12)
        label = f"{month_names[index]} {year}" if index == 0 or month == first else month_names[index]
        parts.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 8}" stroke="#e3e6eb"/>'
                     f'<text x="{x + 2}" y="{top - 12}" font-size="10">{escape(label)}</text>')
    for i, span in enumerate(spans):
        y = top + i * bar_h
        x0, x1 = x_of(span.start), x_of(span.end, end=True)
        bar = (f'<rect x="{x0}" y="{y + 3}" width="{max(x1 - x0, 3)}" height="{bar_h - 8}" '
               f'fill="#0b5cad" rx="3"><title>{escape(span.detail)}</title></rect>')
        text = (f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12">'
                f"{escape(span.label)}</text>")
        if span.href:
            parts.append(f'<a href="{escape(span.href)}">{text}{bar}</a>')
        else:
            parts.append(text + bar)
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Tile:
    code: str  # länskod
    name: str
    value: int
    href: str | None


def tile_map(tiles: list[Tile], title: str, unit: str) -> Markup:
    """The län as squares on :data:`TILES`, shaded by value (a choropleth without borders)."""
    size, gap = 78, 6
    top = max((t.value for t in tiles), default=0)
    columns = max(c for c, _ in TILES.values()) + 1
    rows = max(r for _, r in TILES.values()) + 1
    width, height = columns * (size + gap), rows * (size + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
             f"<title>{escape(title)}</title>"]
    for tile in tiles:
        if tile.code not in TILES:
            continue
        column, row = TILES[tile.code]
        x, y = column * (size + gap), row * (size + gap)
        colour, text = shade(tile.value, top), ink(tile.value, top)
        body = (f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="6" fill="{colour}" '
                f'stroke="#8a9bb0"><title>{escape(tile.name)}: {tile.value} {escape(unit)}</title>'
                f'</rect><text x="{x + size / 2}" y="{y + 30}" text-anchor="middle" '
                f'font-size="15" font-weight="700" fill="{text}">{LETTERS.get(tile.code, tile.code)}'
                f'</text><text x="{x + size / 2}" y="{y + 54}" text-anchor="middle" '
                f'font-size="15" fill="{text}">{tile.value}</text>')
        parts.append(f'<a href="{escape(tile.href)}">{body}</a>' if tile.href else body)
    parts.append("</svg>")
    return Markup("".join(parts))
