"""Page views per day as inline SVG drawn here (no script, no outside request): the site's
daily total as a line with a labelled point per day, the ten most-read articles as labelled
bars. Every figure is also written as text (labels, and a data table beside each chart), so
nothing depends on colour.

Each chart is drawn twice, at two widths: the page shows the wide one and, on a phone, the
narrow one (static/css/admin_desk_together.css), whose text is then as large as the wide
one's on a desktop. Scaled down instead, its text was too small to read, and kept at its
width it had to be scrolled sideways."""

from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, NARROW, HEIGHT = 720, 360, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
LABEL_CHARACTERS = {WIDTH: 90, NARROW: 45}  # a headline beside its bar, cut to fit


@dataclass(frozen=True)
class Day:
    day: date
    views: int


def _n(value):
    return formats.number_format(value, force_grouping=True)


def _nice_max(value):
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(int(value))) - 1)
    return -(-value // magnitude) * magnitude


def line(days, title, width=WIDTH):
    """The site's views per day: axis, gridlines with numbers, one marked point per day."""
    top = _nice_max(max((d.views for d in days), default=0))
    plot_w, plot_h = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(days) - 1, 1)

    def xy(i, views):
        return LEFT + i * step, TOP + plot_h - (views / top) * plot_h

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="desk-chart__grid"/>'
        '<text x="{}" y="{}" class="desk-chart__tick" text-anchor="end">{}</text>',
        (
            (LEFT, width - RIGHT, f"{y:.1f}", f"{y:.1f}", LEFT - 6, f"{y + 4:.1f}", _n(v))
            for v in (0, top // 2, top)
            for y in [TOP + plot_h - (v / top) * plot_h]
        ),
    )
    points = [xy(i, d.views) for i, d in enumerate(days)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    marks = format_html_join(
        "",
        '<rect x="{}" y="{}" width="6" height="6" class="desk-chart__point">'
        "<title>{}: {}</title></rect>",
        (
            (
                f"{x - 3:.1f}",
                f"{y - 3:.1f}",
                formats.date_format(d.day, "SHORT_DATE_FORMAT"),
                _n(d.views),
            )
            for (x, y), d in zip(points, days, strict=True)
        ),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" class="desk-chart__tick" text-anchor="middle">{}</text>',
        (
            (f"{points[i][0]:.1f}", HEIGHT - BOTTOM + 18, formats.date_format(days[i].day, "M j"))
            for i in range(0, len(days), 7)
        ),
    )
    return format_html(
        '<svg class="desk-chart desk-chart--{w}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="desk-chart-line-title-{w}">'
        '<title id="desk-chart-line-title-{w}">{title}</title>{grid}'
        '<polyline points="{path}" class="desk-chart__line" fill="none"/>{marks}{labels}</svg>',
        w=width,
        h=HEIGHT,
        title=title,
        grid=grid,
        path=path,
        marks=marks,
        labels=labels,
    )


def bars(rows, title, width=WIDTH):
    """Horizontal bars, each with its headline and number written beside it."""
    if not rows:
        return mark_safe("")
    top = max(views for _label, views in rows) or 1
    row_h, bar_w = 28, width - 120
    cut = LABEL_CHARACTERS[width]
    height = row_h * len(rows) + 8
    items = format_html_join(
        "",
        '<g><text x="0" y="{}" class="desk-chart__label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="8" class="desk-chart__bar"/>'
        '<text x="{}" y="{}" class="desk-chart__value">{}</text></g>',
        (
            (
                i * row_h + 12,
                label if len(label) <= cut else label[: cut - 1] + "…",
                0,
                i * row_h + 16,
                f"{max(2, views / top * bar_w):.1f}",
                f"{max(2, views / top * bar_w) + 6:.1f}",
                i * row_h + 24,
                _n(views),
            )
            for i, (label, views) in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="desk-chart desk-chart--bars desk-chart--{w}" viewBox="0 0 {w} {h}" '
        'role="img" aria-labelledby="desk-chart-bars-title-{w}">'
        '<title id="desk-chart-bars-title-{w}">{title}</title>{items}</svg>',
        w=width,
        h=height,
        title=title,
        items=items,
    )


def both_widths(draw, *args):
    """A chart drawn wide and narrow, one after the other (the page's style shows one)."""
    return draw(*args) + draw(*args, width=NARROW)


def totals_caption(days):
    total = sum(d.views for d in days)
    return _("%(total)s views in %(days)d days") % {
        "total": _n(total),
        "days": len(days),
    }
