"""Typed, immutable models of the clause tree's nodes.

Strict on purpose: an unknown field, a missing translation or an id that YAML
read as a number is an error, because a silently wrong clause tree would
mislead every match, question and score built on it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictStr, field_validator, model_validator

Level = Literal["category", "general", "item", "summary", "area", "point"]
Kind = Literal["process", "results", "profile"]
Lang = Literal["zh", "en"]

ID_PATTERN = re.compile(r"^(4(\.\d+){0,4}|B(\.\d+){1,3})$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Frozen):
    """A text in Chinese and English; both are required and non-blank."""

    zh: StrictStr
    en: StrictStr

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Terms(_Frozen):
    """Lists of short strings per language (keywords, guidance lines, examples)."""

    zh: tuple[StrictStr, ...] = ()
    en: tuple[StrictStr, ...] = ()

    def get(self, lang: Lang) -> tuple[str, ...]:
        return self.zh if lang == "zh" else self.en

    def __bool__(self) -> bool:
        return bool(self.zh or self.en)


class Node(_Frozen):
    """One node of the clause tree: a category, item, sub-area or lettered point."""

    id: StrictStr
    parent: StrictStr | None
    level: Level
    kind: Kind
    points: int | None = None
    confidence: Literal["confirmed", "check"] = "confirmed"
    title: Bilingual
    text: Bilingual
    keywords: Terms = Terms()
    synonyms: Terms = Terms()
    guidance: Terms = Terms()
    examples: Terms = Terms()
    notes: Terms = Terms()

    @field_validator("id", "parent")
    @classmethod
    def _dotted_id(cls, value: str | None) -> str | None:
        if value is not None and not ID_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a clause id like '4.3.2.2.1' or 'B.1.1'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Node:
        scored = self.level in ("category", "item") and self.kind != "profile"
        if scored and self.points is None:
            raise ValueError(f"a {self.level} needs points")
        if not scored and self.points is not None:
            raise ValueError(f"a {self.level} carries no points")
        if self.points is not None and not 0 < self.points <= 1000:
            raise ValueError(f"points {self.points} out of range 1..1000")
        if (self.level == "category") != (self.parent is None):
            raise ValueError("categories, and only categories, have no parent")
        for name in ("guidance", "notes"):
            terms: Terms = getattr(self, name)
            if len(terms.zh) != len(terms.en):
                raise ValueError(f"{name} has {len(terms.zh)} zh lines but {len(terms.en)} en lines")
        if self.level == "point":
            for name in ("keywords", "guidance"):
                terms = getattr(self, name)
                if not terms.zh or not terms.en:
                    raise ValueError(f"a leaf needs {name} in both zh and en")
        return self

    @property
    def is_leaf(self) -> bool:
        return self.level == "point"

    @property
    def sort_key(self) -> tuple[int, ...]:
        return id_sort_key(self.id)


def id_sort_key(node_id: str) -> tuple[int, ...]:
    """Clause order: 4.x numerically, the unscored profile (B.x) first."""
    head, *rest = node_id.split(".")
    return (0 if head == "B" else 1, *(int(p) for p in rest if p.isdigit()))
