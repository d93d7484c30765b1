"""One factory that builds the engine's parts for the CLI, both front ends and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def build_services(kb_path: Path | None = None, db_path: Path | None = None) -> Services:
    """Load the knowledge base, questions and matcher, and open the database."""
    from assistant.paths import default_db

    kb = load_knowledge_base(kb_path)
    dialogues = load_dialogues(kb, strict=kb_path is None)
    matcher = load_matcher(kb_path, kb=kb)
    store = Store(db_path or default_db())
    return Services(kb, dialogues, matcher, store)
