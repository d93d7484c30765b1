"""One factory that builds the engine's parts for the CLI, both front ends and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from assistant.matching import ClauseMatcher, load_matcher
from assistant.storage import Store
from dialogues.loader import Dialogues, load_dialogues
from knowledge.base import KnowledgeBase
from knowledge.loader import load_knowledge_base


@dataclass
class Services:
    kb: KnowledgeBase
    dialogues: Dialogues
    matcher: ClauseMatcher
    store: Store


class LazyMatcher:
    """Stands in for the matcher until something is matched, then loads it (from cache, or builds it).

    `report`, `sessions` and a read-only coverage view never match anything, so
    they never pay for loading, let alone building, the index.
    """

    def __init__(self, kb_path: Path | None, kb: KnowledgeBase) -> None:
        self._kb_path, self._kb = kb_path, kb
        self._matcher: ClauseMatcher | None = None

    def loaded(self) -> ClauseMatcher:
        if self._matcher is None:
            self._matcher = load_matcher(self._kb_path, kb=self._kb)
        return self._matcher

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loaded(), name)


def build_services(kb_path: Path | None = None, db_path: Path | None = None) -> Services:
    """Load the knowledge base and questions, open the database; the matcher loads when first used."""
    from assistant.paths import default_db

    kb = load_knowledge_base(kb_path)
    dialogues = load_dialogues(kb, strict=kb_path is None)
    matcher = cast(ClauseMatcher, LazyMatcher(kb_path, kb))
    store = Store(db_path or default_db())
    return Services(kb, dialogues, matcher, store)
