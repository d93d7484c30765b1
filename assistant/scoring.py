"""Item scores: the assessor's percentage, its band descriptor, points and the total.

The bands (GB/Z 19579) live in `knowledge/bands.yaml`: process items are judged
on approach, deployment, learning and integration, results items on levels,
trends, comparisons and integration. Percentages go in steps of 5.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from knowledge.errors import UserError

STEP = 5


class ScoreError(UserError, ValueError):
    """A percentage that is not 0–100 in steps of 5."""


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    zh: str
    en: str

    def label(self) -> str:
        return f"{self.low}–{self.high}%"

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@lru_cache(maxsize=1)
def bands() -> dict[str, tuple[Band, ...]]:
    """The scoring bands per kind, validated: contiguous from 0 to 100."""
    path = Path(str(resources.files("knowledge") / "bands.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[Band, ...]] = {}
    for kind in ("process", "results"):
        rows = tuple(Band(int(r["low"]), int(r["high"]), str(r["zh"]), str(r["en"])) for r in data[kind])
        if rows[0].low != 0 or rows[-1].high != 100:
            raise ValueError(f"{path}: {kind} bands must run from 0 to 100")
        for a, b in itertools.pairwise(rows):
            if b.low != a.high + STEP:
                raise ValueError(f"{path}: {kind} band {b.label()} does not follow {a.label()}")
        out[kind] = rows
    return out


def check_percent(value: int | float | str) -> int:
    """Parse and check a percentage: an integer 0–100 in steps of 5."""
    try:
        number = float(str(value).strip().rstrip("%％"))
    except ValueError as exc:
        raise ScoreError(f"{value!r} is not a number") from exc
    if not number.is_integer() or not 0 <= number <= 100 or int(number) % STEP:
        raise ScoreError(f"{value!r}: give 0–100 in steps of {STEP} (e.g. 35, 60)")
    return int(number)


def band_for(kind: str, percent: int) -> Band:
    for band in bands()["results" if kind == "results" else "process"]:
        if band.low <= percent <= band.high:
            return band
    raise ScoreError(f"no band holds {percent}%")


def item_points(points: int, percent: int | None) -> float:
    """Points earned: percentage × the item's points (0 when unscored)."""
    return round(points * (percent or 0) / 100, 1)


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    points: int
    percent: int | None
    earned: float
    band: Band | None
    coverage: float | None
    #: Scored at 50% or more while most of its leaves have no evidence.
    over_scored: bool


def score_item(
    item_id: str, kind: str, points: int, percent: int | None, coverage: float | None
) -> ItemScore:
    band = band_for(kind, percent) if percent is not None else None
    over = percent is not None and percent >= 50 and coverage is not None and coverage < 0.5
    return ItemScore(item_id, points, percent, item_points(points, percent), band, coverage, over)
