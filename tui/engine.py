"""The one thread that owns the engine, and the snapshots of it that the screen draws.

The interview, its matcher and its SQLite connection are used from a single
worker thread. The app hands every call to it (`ZhuoyueApp.engine_call`); calls
run one at a time in the order they were made, and each result comes back to
the UI thread. A key pressed while an answer is being matched therefore waits
its turn instead of opening a second transaction on the same connection.

What the screen shows is read on that thread too, into frozen snapshots
(`Views`, `ClauseDetail`, `Outcome`): widgets render them and never call the
engine themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from assistant.coverage import LeafCoverage
from assistant.feedback import SuggestedBand
from assistant.interview import Gap, Interview, ItemSummary, Question, Reply
from assistant.measures import Measure
from assistant.worklist import WorkRow, work_rows

P = ParamSpec("P")
T = TypeVar("T")

#: The name of the engine's thread, as it shows in a traceback or a thread dump.
THREAD_NAME = "zhuoyue-engine"


class EngineThread:
    """A single worker thread fed by a queue: calls run in the order they were submitted."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=THREAD_NAME)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue one call; the future holds its result or its exception."""
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self) -> None:
        """Let the calls already queued finish, then stop the thread."""
        self._pool.shutdown(wait=True)


@dataclass(frozen=True)
class Views:
    """Everything the tree, the gap list and the score panel draw, read at one moment."""

    lang: str
    coverage: dict[str, LeafCoverage]
    items: list[ItemSummary]
    gaps: list[Gap]
    total: float
    overall: float
    #: the gap tab's rows (gaps with their plan, and the open to-dos) and each item's suggested band
    work: list[WorkRow] = field(default_factory=list)
    suggested: dict[str, SuggestedBand | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ClauseDetail:
    """What the detail pane shows of one clause beyond the knowledge base's own text.

    `coverage` is None for a category, an item or a point of the 组织概述, which
    have no status, evidence or question of their own.
    """

    node_id: str
    lang: str
    coverage: LeafCoverage | None = None
    evidence: tuple[Any, ...] = ()
    measures: tuple[Measure, ...] = ()
    next_question: Question | None = None


@dataclass(frozen=True)
class Outcome:
    """One step's reply with the screen as it stands after it."""

    reply: Reply
    views: Views
    detail: ClauseDetail | None  # of the first clause the reply recorded evidence for


def read_views(interview: Interview) -> Views:
    """Coverage, item roll-ups, gaps and totals, reading the evidence once."""
    cov = interview.coverage()
    items = interview.items(cov)
    gaps = interview.gaps(cov=cov)
    suggested = {item_id: found.suggested for item_id, found in interview.findings(cov).items()}
    return Views(
        interview.lang, cov, items, gaps, interview.total_points(items),
        interview.overall_coverage(items), work_rows(interview, cov, gaps), suggested,
    )  # fmt: skip


def read_detail(interview: Interview, node_id: str) -> ClauseDetail:
    node = interview.kb.get(node_id)
    if node is None or not node.is_leaf or node.kind == "profile":
        return ClauseDetail(node_id, interview.lang)
    cov = interview.coverage()
    measures = tuple(interview.measures(node_id)) if node.kind == "results" else ()
    return ClauseDetail(
        node_id, interview.lang, cov[node_id], tuple(interview.evidence_for(node_id)), measures,
        interview.next_question(node_id, cov),
    )  # fmt: skip


def outcome(interview: Interview, reply: Reply) -> Outcome:
    """The reply and what the screen shows after it (run on the engine's thread, after the step)."""
    detail = read_detail(interview, reply.attached[0]) if reply.attached else None
    return Outcome(reply, read_views(interview), detail)
