"""What `Interview` provides to the mixins it is built from (findings, results data, history).

An empty class at run time; under type checking it declares the engine's state and the
few methods the mixins call, so each mixin is checked against one description of its host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.coverage import LeafCoverage
    from assistant.replies import Question
    from assistant.storage import SessionRow, Store
    from knowledge.base import KnowledgeBase
    from knowledge.models import Lang, Node


class EngineHost:
    if TYPE_CHECKING:  # what Interview provides
        kb: KnowledgeBase
        store: Store
        session: SessionRow
        lang: Lang

        def coverage(self) -> dict[str, LeafCoverage]: ...
        def current_question(self) -> Question | None: ...
        def resolve(self, ref: str) -> Node: ...
        def _leaf(self, ref: str) -> Node: ...
        def _step(self, conn: Any, action: str, payload: dict[str, Any]) -> None: ...
        def _writable(self) -> None: ...
