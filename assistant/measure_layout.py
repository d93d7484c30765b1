"""Results measures laid out for a report: shared columns, a trend line and a comparison line.

A leaf's measures come with their own periods and references; a report shows
several side by side, so their periods are merged into one row of columns here,
once, for the DOCX tables, the XLSX sheet and the HTML charts alike. The sentences
say which way a measure moved and what it is set against, never whether that is
good: for some measures (PPM, complaints) lower is better.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.i18n import pick
from assistant.measures import TREND_PERIODS, finite, number, period_key, with_unit
from assistant.reportdata import ItemSection, LeafSection, MeasureTable


def period_columns(measures: Iterable[MeasureTable]) -> tuple[str, ...]:
    """Every period of the measures once: in time order when each label reads as a period
    (2021, 2023H1, 2023年第二季度 …), else in the order they first appear."""
    seen = dict.fromkeys(p for m in measures for p, _ in m.periods)
    keys = {label: period_key(label) for label in seen}
    if all(key is not None for key in keys.values()):
        return tuple(sorted(seen, key=lambda label: keys[label] or (0, 0)))
    return tuple(seen)


def comparison_columns(measures: Iterable[MeasureTable]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for m in measures for c, _ in m.comparisons))


def measure_row(
    measure: MeasureTable, periods: tuple[str, ...], comparisons: tuple[str, ...]
) -> tuple[str, ...]:
    """The measure's values under the given columns; "" where it has none."""
    m = finite(measure)
    by_period, by_reference = dict(m.periods), dict(m.comparisons)
    return tuple(number(by_period[p]) if p in by_period else "" for p in periods) + tuple(
        number(by_reference[c]) if c in by_reference else "" for c in comparisons
    )


def trend_sentence(measure: MeasureTable, lang: str) -> str | None:
    """ "顾客满意度:2021 86.2分 → 2023 91.3分,上升" from TREND_PERIODS periods on (the number the
    coverage rule counts as a trend), else None."""
    m = finite(measure)
    if len(m.periods) < TREND_PERIODS:
        return None
    steps = " → ".join(f"{p} {with_unit(v, m.unit, lang)}" for p, v in m.periods)
    first, last = m.periods[0][1], m.periods[-1][1]
    if last > first:
        way = pick(lang, "上升", "rising")
    elif last < first:
        way = pick(lang, "下降", "falling")
    else:
        way = pick(lang, "持平", "flat")
    return pick(lang, f"{m.measure}:{steps},{way}", f"{m.measure}: {steps}, {way}")


def comparison_sentence(measure: MeasureTable, lang: str) -> str | None:
    """The latest value beside each reference, or None without a reference."""
    m = finite(measure)
    if not m.comparisons:
        return None
    refs = pick(lang, ",", ", ").join(f"{name} {with_unit(v, m.unit, lang)}" for name, v in m.comparisons)
    if not m.periods:
        return pick(lang, f"{m.measure}的对比值:{refs}", f"{m.measure}, references: {refs}")
    period, value = m.periods[-1]
    return pick(
        lang,
        f"{m.measure}:{period} {with_unit(value, m.unit, lang)};对比 {refs}",
        f"{m.measure}: {with_unit(value, m.unit, lang)} in {period}; against {refs}",
    )


def all_measures(items: Iterable[ItemSection]) -> list[tuple[LeafSection, MeasureTable]]:
    """Every measure of the items' leaves with its leaf, in clause order."""
    return [(leaf, m) for item in items for leaf in item.leaves for m in leaf.data]
