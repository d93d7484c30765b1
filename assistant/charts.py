"""A results measure drawn as an inline SVG line chart: no script, no image, no font file.

The HTML export embeds one per measure so that a report opened from a USB stick, or
printed, shows the trend without anything to load. The measure is a solid line with
its values at the points; each comparison (行业平均, 标杆, 目标 …) is a flat dashed
line named at its right end. The chart carries a <title> and a <desc> that reads out
every value, and is announced as one image (`role="img"`).
"""

from __future__ import annotations

import html
import math

from assistant.escaping import xml_text
from assistant.i18n import pick
from assistant.measures import finite, measure_title, number, with_unit
from assistant.reportdata import MeasureTable

WIDTH, HEIGHT = 640, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 170, 56, 50
_INSET = 32  # pixels between the y axis (or the right edge) and the first (last) period
_LINE = "#1f5fa8"
_REFERENCE_COLOURS = ("#c0504d", "#4f8a3c", "#8064a2", "#d08a1c", "#4a7f8c")
_LABEL_GAP = 13  # pixels between two reference labels at the right edge


def _esc(text: str) -> str:
    return html.escape(xml_text(text), quote=True)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values (1, 2, 2.5 or 5 × 10ⁿ apart) that span `low`…`high`.

    The number of ticks is worked out before any is made: adding a step too small to change
    a float (a flat series at 1e-10) would otherwise never reach `high`.
    """
    if high < low:
        low, high = high, low
    if not math.isfinite(high - low):
        return [low, high]  # no round step spans it; /data refuses such values (measures.MAX_ABS)
    if high - low <= abs(high) * 1e-9:  # one value, or values the axis cannot tell apart
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)
    digits = max(0, 2 - math.floor(math.log10(step)))  # enough decimals for 2.5 × 10ⁿ
    first = math.floor(low / step) * step
    n = max(1, math.ceil((high - first) / step - 1e-9))
    return [float(round(first + i * step, digits)) for i in range(n + 1)]


def line_chart_svg(measure: MeasureTable, *, chart_id: str, lang: str) -> str:
    """The measure over its periods with its comparisons, as a standalone <svg> element."""
    m = finite(measure)
    title = measure_title(m, lang)
    values = [v for _, v in m.periods] + [v for _, v in m.comparisons]
    ticks = nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    low, high = ticks[0], ticks[-1]
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM

    def y_of(value: float) -> float:
        return _TOP + plot_h - (value - low) / (high - low) * plot_h

    n = len(m.periods)
    span = plot_w - 2 * _INSET
    xs = [_LEFT + plot_w / 2] if n == 1 else [_LEFT + _INSET + span * i / (n - 1) for i in range(n)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="12" style="max-width:100%;height:auto">',
        f'<title id="{chart_id}-title">{_esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{_esc(_description(m, lang))}</desc>',
        f'<text x="{_LEFT}" y="22" font-size="15" font-weight="bold" fill="#222">{_esc(title)}</text>',
    ]
    for tick in ticks:  # grid and y axis labels
        y = y_of(tick)
        parts.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + plot_w}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(
            f'<text x="{_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_esc(number(tick))}</text>'
        )
    parts.append(
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_LEFT + plot_w}" y2="{_TOP + plot_h}" stroke="#888"/>'
    )
    for x, (period, _) in zip(xs, m.periods, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{_TOP + plot_h + 20}" text-anchor="middle" fill="#333">{_esc(period)}</text>'
        )
    labels: list[tuple[float, str, str]] = []
    for index, (name, value) in enumerate(m.comparisons):
        colour = _REFERENCE_COLOURS[index % len(_REFERENCE_COLOURS)]
        y = y_of(value)
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_LEFT + plot_w}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        labels.append((y, f"{name} {with_unit(value, m.unit, lang)}", colour))
    for y, text, colour in _spread(labels):
        parts.append(f'<text x="{_LEFT + plot_w + 8}" y="{y + 4:.1f}" fill="{colour}">{_esc(text)}</text>')
    points = [(x, y_of(v)) for x, (_, v) in zip(xs, m.periods, strict=True)]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{_LINE}" stroke-width="2.5"/>')
    for (x, y), (_, value) in zip(points, m.periods, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{_LINE}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" fill="{_LINE}">{_esc(number(value))}</text>'
        )
    if not points:
        parts.append(
            f'<text x="{_LEFT + plot_w / 2}" y="{_TOP + plot_h / 2}" text-anchor="middle" fill="#888">'
            f"{_esc(pick(lang, '尚无各期数据', 'no values by period yet'))}</text>"
        )
    legend_y = HEIGHT - 10
    parts.append(
        f'<line x1="{_LEFT}" y1="{legend_y - 4}" x2="{_LEFT + 24}" y2="{legend_y - 4}" stroke="{_LINE}" stroke-width="2.5"/>'
    )
    parts.append(f'<text x="{_LEFT + 30}" y="{legend_y}" fill="#333">{_esc(m.measure)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _spread(labels: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """Reference labels moved apart vertically so that close values do not print on each other."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(labels):
        if placed and y - placed[-1][0] < _LABEL_GAP:
            y = placed[-1][0] + _LABEL_GAP
        placed.append((y, text, colour))
    return placed


def _description(m: MeasureTable, lang: str) -> str:
    values = pick(lang, ";", "; ").join(f"{p}: {with_unit(v, m.unit, lang)}" for p, v in m.periods)
    refs = pick(lang, ";", "; ").join(f"{c}: {with_unit(v, m.unit, lang)}" for c, v in m.comparisons)
    text = pick(
        lang, f"{m.measure}各期数值:{values or '无'}。", f"{m.measure} by period: {values or 'none'}."
    )
    if refs:
        text += pick(lang, f"对比:{refs}。", f" References: {refs}.")
    return text
