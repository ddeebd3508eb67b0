"""Small charts drawn on the server as inline SVG: no charting JavaScript, a few hundred
bytes each, and the same numbers always in a table beside them."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 320, 124, 14
AXIS = HEIGHT - 14  # the x axis; the weeks' labels sit below it


def weekly_line(weeks: list[tuple[object, int | None]], label: str, week_label=str) -> Markup:
    """A line of active leaders per week, broken where a week's count is hidden (None); the
    first, middle and last weeks named below it by ``week_label`` (the reader's date)."""
    if not weeks:
        return Markup("")
    top = max((count for _, count in weeks if count is not None), default=0) or 1
    span = max(len(weeks) - 1, 1)
    lines, points = [], []
    for i, (_, count) in enumerate(weeks + [(None, None)]):
        if count is None:
            if points:
                lines.append(" ".join(points))
            points = []
            continue
        points.append(
            f"{PAD + i * (WIDTH - 2 * PAD) / span:.1f},{AXIS - count * (AXIS - PAD) / top:.1f}"
        )
    ticks = sorted({0, (len(weeks) - 1) // 2, len(weeks) - 1})
    anchors = {0: "start", len(weeks) - 1: "end"}
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f'<path fill="none" stroke="#888" d="M{PAD} {PAD}V{AXIS}H{WIDTH - PAD}"/>'
        f'<text font-size="10" x="{PAD + 2}" y="{PAD - 3}">{top}</text>'
        + "".join(
            f'<polyline fill="none" stroke="currentColor" stroke-width="2" points="{line}"/>'
            for line in lines
        )
        + "".join(
            f'<text font-size="10" x="{PAD + i * (WIDTH - 2 * PAD) / span:.1f}" y="{HEIGHT - 2}" '
            f'text-anchor="{anchors.get(i, "middle")}">{escape(week_label(weeks[i][0]))}</text>'
            for i in ticks
        )
        + "</svg>"
    )


def growth_bars(items, label: str) -> Markup:
    """Two bars per competency: the first and the latest mean level (hidden ones left out)."""
    shown = [item for item in items if not item.hidden]
    if not shown:
        return Markup("")
    top = max(4.0, *(max(item.first, item.latest) for item in shown))
    row, left = 24, 56
    height = row * len(shown) + 4
    bars = []
    for i, item in enumerate(shown):
        y = 2 + i * row
        scale = (WIDTH - left - 8) / top
        bars.append(
            f'<text font-size="10" x="0" y="{y + 14}">{escape(item.code[:8])}</text>'
            f'<rect fill="#bbb" x="{left}" y="{y}" width="{item.first * scale:.1f}" height="9"/>'
            f'<rect fill="currentColor" x="{left}" y="{y + 10}" '
            f'width="{item.latest * scale:.1f}" height="9"/>'
        )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}">'
        + "".join(bars)
        + "</svg>"
    )
