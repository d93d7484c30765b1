"""Guiding questions (openings, probes, follow-ups) and demo dialogues as data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dialogues.loader import Dialogues, load_dialogues

__all__ = ["Dialogues", "load_dialogues"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dialogues import loader

        return getattr(loader, name)
    raise AttributeError(name)
