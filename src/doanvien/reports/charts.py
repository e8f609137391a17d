"""Charts of the yearly report as inline SVG, drawn on the server: no JavaScript, no library, so
the same markup works in the page, the printed page and a PDF (WeasyPrint renders inline SVG).

Each function takes report rows and returns one <svg> string. Every text is escaped; only the
finished string is marked safe. The drawing is in viewBox units: the page scales it to its width
(see .chart in app.css)."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from doanvien.core import numbers
from doanvien.training.progress import children_progress

from .selectors import LEVELS, ReportRow

# A colour-blind-friendly diverging palette (ColorBrewer PiYG ends, PRGn greens), with the text
# colour readable on each (contrast 4.5:1 or more).
COLOURS = {
    "excellent": ("#1b7837", "#ffffff"),
    "good": ("#7fbf7b", "#1d2433"),
    "complete": ("#f1b6da", "#1d2433"),
    "incomplete": ("#c51b7d", "#ffffff"),
}
EMPTY_FILL, EMPTY_TEXT = "#e5e7eb", "#374151"
TRACK_FILL = "#e5e7eb"
INK, MUTED = "#1d2433", "#4b5563"
PROGRESS_COLOURS = {"registration": "#2166ac", "assessment": "#e08214"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"

WIDTH = 480  # viewBox width of a legend by default
ROWS_WIDTH = 320  # viewBox width of the charts with a row per child unit: a phone's width
ROW_NAME_CHARS = 46  # a child's name above its bar is cut after this many characters
LEVELS_WIDTH = 360  # viewBox width of the one-bar chart: narrower, so its legend stays readable
MAX_CHILDREN = 60  # children drawn, then "and n more"
CHAR_WIDTH = 0.56  # average glyph width in em, to place legend items without measuring text


def level_names() -> dict[str, str]:
    return {
        "excellent": _("Excellent"),
        "good": _("Good"),
        "complete": _("Complete"),
        "incomplete": _("Incomplete"),
    }


def _num(value, decimals: int | None = None) -> str:
    return numbers.grouped(value, decimals)


def _pct(value, decimals: int) -> str:
    return numbers.percent(value, decimals)


def _f(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _truncate(name: str, limit: int = ROW_NAME_CHARS) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _svg(
    height: float, title: str, body: list[str], css_class: str, width: int = WIDTH
) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {css_class}" role="img" '
        f'tabindex="0" '
        f'viewBox="0 0 {width} {_f(height)}" width="{width}" height="{_f(height)}" '
        f'font-family="{FONT}" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x, y, text, *, size=12, fill=INK, anchor="start", weight=None, extra="") -> str:
    weight_attr = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{weight_attr}{extra}>{escape(text)}</text>'
    )


def _segments(row: ReportRow, x: float, y: float, width: float, height: float) -> list[str]:
    """The four levels side by side, widths proportional to the shares. Edges are placed on the
    running total of the shares, so the widths add up to `width` exactly and leave no gap."""
    parts, running, start = [], Decimal(0), x
    names = level_names()
    for level, data in row.levels.items():
        running += data["share"]
        end = x + width * float(running) / 100
        if data["count"] and end > start:
            fill = COLOURS[level][0]
            parts.append(
                f'<rect class="seg seg-{level}" x="{_f(start)}" y="{_f(y)}" '
                f'width="{_f(end - start)}" height="{_f(height)}" fill="{fill}">'
                f"<title>{escape(names[level])}: {escape(_num(data['count']))} "
                f"({escape(_pct(data['share'], 2))})</title></rect>"
            )
        start = end
    return parts


def _empty_bar(x, y, width, height, size=12) -> list[str]:
    return [
        f'<rect class="empty-bar" x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" '
        f'height="{_f(height)}" fill="{EMPTY_FILL}"/>',
        _text(
            x + width / 2,
            y + height / 2 + size * 0.35,
            _("No classified members"),
            size=size,
            fill=EMPTY_TEXT,
            anchor="middle",
        ),
    ]


def _summary(row: ReportRow) -> str:
    """The row in words, for the <title> of a bar (what a screen reader or a tooltip gives)."""
    if not _classified(row):
        return f"{row.unit.name}: {_('No classified members')}"
    names = level_names()
    levels = "; ".join(
        f"{names[level]} {_num(d['count'])} ({_pct(d['share'], 2)})"
        for level, d in row.levels.items()
    )
    return f"{row.unit.name}: {levels}"


def _classified(row: ReportRow) -> int:
    return sum(row.counts.get(level, 0) for level in LEVELS)


def _legend(
    y: float, items: list[tuple[str, str]], size: int = 12, width: int = WIDTH
) -> tuple[list[str], float]:
    """Swatches and labels placed left to right, wrapping to a new line when the next one would
    not fit; returns the markup and the y below the legend."""
    parts, x, line = [], 0.0, size + 8
    for fill, label in items:
        item_w = 14 + len(label) * size * CHAR_WIDTH + 14
        if x and x + item_w > width:
            x, y = 0.0, y + line
        parts.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="10" height="10" fill="{fill}"/>'
            + _text(x + 14, y + 9.5, label, size=size)
        )
        x += item_w
    return parts, y + line


def level_distribution(row: ReportRow) -> SafeString:
    """One 100 % stacked bar of the four levels of `row`, each share printed in its segment when
    it fits, and a legend with the count and share of each level."""
    width, bar_h, y = LEVELS_WIDTH, 32, 4
    if not _classified(row):
        body = _empty_bar(0, y, width, bar_h, size=13)
        return _svg(y + bar_h + 4, _summary(row), body, "chart-levels", width)
    body = _segments(row, 0, y, width, bar_h)
    # The share inside its segment, when the segment is wide enough for it.
    running, start = Decimal(0), 0.0
    for level, data in row.levels.items():
        running += data["share"]
        end = width * float(running) / 100
        label = _pct(data["share"], 2)
        if data["count"] and end - start >= len(label) * 12 * CHAR_WIDTH + 8:
            body.append(
                _text(
                    (start + end) / 2,
                    y + bar_h / 2 + 4.5,
                    label,
                    size=12,
                    fill=COLOURS[level][1],
                    anchor="middle",
                    extra=' aria-hidden="true"',
                )
            )
        start = end
    names = level_names()
    y += bar_h + 12
    for level, data in row.levels.items():
        body.append(
            f'<rect x="0" y="{_f(y)}" width="12" height="12" fill="{COLOURS[level][0]}"/>'
            + _text(18, y + 10.5, names[level], size=13)
            + _text(
                width,
                y + 10.5,
                f"{_num(data['count'])} · {_pct(data['share'], 2)}",
                size=13,
                anchor="end",
            )
        )
        y += 20
    return _svg(y, _summary(row), body, "chart-levels", width)


def children_bars(rows: list[ReportRow]) -> SafeString:
    """One stacked bar per child (at most MAX_CHILDREN), drawn phone first: its name above it
    (cut after ROW_NAME_CHARS characters, the full name in the row's <title>), the bar as long as
    its classified members are many next to the largest child's (the levels side by side in it,
    as wide as their shares), and the number printed at its end. The height grows with the
    number of children."""
    names = level_names()
    body, y = _legend(
        0, [(COLOURS[level][0], names[level]) for level in LEVELS], size=12, width=ROWS_WIDTH
    )
    body.append(_text(0, y + 8, _("Classified"), size=10, fill=MUTED))
    y += 14
    count_w, bar_h, row_h = 52, 12, 36
    track_w = ROWS_WIDTH - count_w
    shown = rows[:MAX_CHILDREN]
    largest = max((_classified(row) for row in shown), default=0)
    for row in shown:
        classified = _classified(row)
        bar_y = y + 16
        body.append(f'<g class="child"><title>{escape(_summary(row))}</title>')
        body.append(_text(0, y + 12, _truncate(row.unit.name, ROW_NAME_CHARS)))
        if classified:
            length = track_w * classified / largest
            body.append(
                f'<rect class="track" x="0" y="{_f(bar_y)}" width="{_f(track_w)}" '
                f'height="{bar_h}" fill="{TRACK_FILL}" opacity="0.5"/>'
            )
            body.extend(_segments(row, 0, bar_y, length, bar_h))
            body.append(
                _text(
                    length + 4,
                    bar_y + bar_h - 2,
                    _num(classified),
                    weight="600",
                    extra=' class="value"',
                )
            )
        else:
            body.extend(_empty_bar(0, bar_y, track_w, bar_h, size=10))
        body.append("</g>")
        y += row_h
    if len(rows) > len(shown):
        more = _("and %(n)s more") % {"n": _num(len(rows) - len(shown))}
        body.append(_text(0, y + 14, more, fill=MUTED, extra=' font-style="italic"'))
        y += 20
    title = "; ".join(_summary(row) for row in shown)
    return _svg(y + 2, title, body, "chart-children", ROWS_WIDTH)


def progress_bars(rows) -> SafeString:
    """For UnitProgress rows, drawn phone first: per child unit, its name, then two bars on a
    0–100 % track, the registration rate and the assessment rate, each with its percentage at
    the end of the track."""
    registered, assessed = _("Registered"), _("Assessed")
    body, y = _legend(
        0,
        [
            (PROGRESS_COLOURS["registration"], registered),
            (PROGRESS_COLOURS["assessment"], assessed),
        ],
        size=11,
        width=ROWS_WIDTH,
    )
    y += 2
    pct_w, bar_h, gap, row_h = 48, 8, 3, 42
    bar_w = ROWS_WIDTH - pct_w
    shown = rows[:MAX_CHILDREN]
    titles = []
    for row in shown:
        rates = (
            ("registration", registered, row.registration_rate),
            ("assessment", assessed, row.assessment_rate),
        )
        title = f"{row.unit.name}: " + "; ".join(
            f"{label} {_pct(rate, 1)}" for _kind, label, rate in rates
        )
        titles.append(title)
        body.append(f'<g class="child"><title>{escape(title)}</title>')
        body.append(_text(0, y + 12, _truncate(row.unit.name, ROW_NAME_CHARS)))
        top = y + 16
        for i, (kind, _label, rate) in enumerate(rates):
            bar_y = top + i * (bar_h + gap)
            share = min(max(float(rate), 0.0), 100.0)
            body.append(
                f'<rect x="0" y="{_f(bar_y)}" width="{_f(bar_w)}" '
                f'height="{bar_h}" fill="{TRACK_FILL}"/>'
            )
            if share:
                body.append(
                    f'<rect class="rate rate-{kind}" x="0" y="{_f(bar_y)}" '
                    f'width="{_f(bar_w * share / 100)}" height="{bar_h}" '
                    f'fill="{PROGRESS_COLOURS[kind]}"/>'
                )
            body.append(
                _text(ROWS_WIDTH, bar_y + bar_h, _pct(rate, 1), size=11, fill=INK, anchor="end")
            )
        body.append("</g>")
        y += row_h
    if len(rows) > len(shown):
        more = _("and %(n)s more") % {"n": _num(len(rows) - len(shown))}
        body.append(_text(0, y + 14, more, fill=MUTED, extra=' font-style="italic"'))
        y += 20
    return _svg(y + 2, "; ".join(titles), body, "chart-progress", ROWS_WIDTH)


def progress_chart(unit, year: int) -> SafeString:
    """progress_bars() for the units directly under `unit` (read from their roll-up rows), or
    an empty string when it has none."""
    rows = children_progress(unit, year)
    return progress_bars(rows) if rows else mark_safe("")
