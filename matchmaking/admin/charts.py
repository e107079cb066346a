"""Charts drawn on the server: the geometry of bar charts and their bars and texts as SVG
elements, which the template ``admin/matchmaking/includes/chart.html`` puts in an inline SVG with
its title (no script, no style attribute: colours come from the bar's class in
``static/css/control-room.css``). Every chart is shown with a table of the same numbers beside
it; each bar carries its number in ``data-value``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

LABEL_WIDTH = 230
BAR_AREA = 330
ROW_HEIGHT = 20
ROW_GAP = 6
COLUMN_WIDTH = 26
COLUMN_GAP = 14
COLUMN_AREA = 150
MAX_LABEL = 34


@dataclass(frozen=True)
class Bar:
    series: str  # the CSS class and the table's column it stands for
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"


BAR = (
    '<rect class="bar bar-{0}" x="{1}" y="{2}" width="{3}" height="{4}" data-series="{0}"'
    ' data-label="{5}" data-value="{6}"><title>{5}: {6}</title></rect>\n'
)
TEXT = '<text x="{}" y="{}" text-anchor="{}">{}</text>\n'


@dataclass(frozen=True)
class Chart:
    name: str
    width: float
    height: float
    bars: list[Bar]
    texts: list[Text]

    @property
    def marks(self) -> SafeString:
        """The bars and texts as SVG elements, written at once here: a bar per session of a
        big tour made the template engine write a thousand attributes one by one."""
        return format_html_join(
            "", BAR, ((b.series, b.x, b.y, b.width, b.height, b.label, b.value) for b in self.bars)
        ) + format_html_join("", TEXT, ((t.x, t.y, t.anchor, t.text) for t in self.texts))


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def horizontal(name: str, rows: list[tuple[str, str, int]], *, scale_to: int = 0) -> Chart:
    """One bar per row (series, label, value), longest value (or ``scale_to``) filling the area."""
    top = max([scale_to, *(value for _series, _label, value in rows)], default=0) or 1
    bars, texts = [], []
    for index, (series, label, value) in enumerate(rows):
        y = index * (ROW_HEIGHT + ROW_GAP) + ROW_GAP
        width = round(BAR_AREA * value / top, 2)
        bars.append(Bar(series, label, value, LABEL_WIDTH, y, width, ROW_HEIGHT))
        middle = y + ROW_HEIGHT * 0.7
        texts.append(Text(LABEL_WIDTH - 6, middle, _short(label), "end"))
        texts.append(Text(LABEL_WIDTH + width + 4, middle, str(value)))
    height = len(rows) * (ROW_HEIGHT + ROW_GAP) + ROW_GAP
    return Chart(name, LABEL_WIDTH + BAR_AREA + 50, height, bars, texts)


def stacked_columns(
    name: str, columns: list[tuple[str, list[tuple[str, int]]]], series_labels: dict[str, str]
) -> Chart:
    """One column per (label, [(series, value), …]), its parts stacked from the bottom."""
    top = max((sum(v for _s, v in parts) for _label, parts in columns), default=0) or 1
    left, base = 36, COLUMN_AREA + 10
    bars, texts = [], [Text(left - 4, 18, str(top), "end"), Text(left - 4, base, "0", "end")]
    for index, (label, parts) in enumerate(columns):
        x = left + index * (COLUMN_WIDTH + COLUMN_GAP) + COLUMN_GAP / 2
        y = base
        for series, value in parts:
            if not value:
                continue
            height = round(COLUMN_AREA * value / top, 2)
            y -= height
            bars.append(
                Bar(series, f"{label}: {series_labels[series]}", value, x, y, COLUMN_WIDTH, height)
            )
        texts.append(Text(x + COLUMN_WIDTH / 2, base + 16, label, "middle"))
    width = left + len(columns) * (COLUMN_WIDTH + COLUMN_GAP) + 20
    return Chart(name, max(width, 200), base + 26, bars, texts)
