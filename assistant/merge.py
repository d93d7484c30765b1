"""Merge several assessors' sessions of one company into a consensus session.

The merged session holds the union of the evidence (each piece keeps its
assessor as author), every assessor's own item scores for the consensus view
(min, median, max, and a flag where they differ by 20 points or more), and as
its own item score the median rounded to a step of 5.

What was said that is not evidence comes along too, so the consensus gap list
still shows what each assessor heard admitted or left to check: the admitted
gaps, their plans, the to-dos (settled ones stay settled) and the 组织概述
answers. Results tables, and a leaf's owner and due date, are one value per
leaf: the first assessor who gave one stands, as for not-applicable marks.
Each assessor's own strengths and opportunities are carried; their edits to
drafted ones are not, because the merged session drafts afresh from the
union of the evidence.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from assistant.interview import FRAMEWORK
from assistant.scoring import STEP
from assistant.storage import SessionRow, StorageError, Store

DISAGREEMENT = 20


@dataclass(frozen=True)
class Spread:
    item_id: str
    scores: dict[str, int]
    low: int
    median: float
    high: int

    @property
    def flagged(self) -> bool:
        return self.high - self.low >= DISAGREEMENT


def merge_sessions(store: Store, names: list[str], into: str) -> SessionRow:
    """Create `into` from the named sessions in one transaction."""
    if len(names) < 2:
        raise StorageError("merge needs at least two sessions")
    if len(set(names)) != len(names):
        raise StorageError("a session is named twice")
    sources = [store.session(n) for n in names]
    if any(s.name == into for s in store.sessions()):
        raise StorageError(f"a session named {into!r} already exists")
    now = time.time()
    per_item: dict[str, dict[str, int]] = {}
    for source in sources:
        for item, percent in store.scores(source.id).items():
            per_item.setdefault(item, {})[source.name] = percent
        for item, per in store.assessor_scores(
            source.id
        ).items():  # merging merged sessions keeps their voices
            for author, percent in per.items():
                per_item.setdefault(item, {})[author] = percent
    with store.transaction():
        sid = store.new_session(into, company=sources[0].company, framework=FRAMEWORK, created=now)
        na: dict[str, str] = {}
        plan: dict[str, tuple[str, str]] = {}
        taken_measures: dict[str, set[str]] = {}
        for source in sources:
            answer_ids: dict[int, int] = {}
            for a in store.answers(source.id):
                answer_ids[a.id] = store.add_answer(
                    sid, a.asked, a.question, a.text, a.author or source.name, created=a.created
                )
            for e in store.evidence(source.id):
                store.add_evidence(
                    sid, answer_ids.get(e.answer_id or -1), e.leaf_id, e.text, e.score, e.source,
                    e.author or source.name, created=now,
                )  # fmt: skip
            closed_by: dict[int, list[int]] = {}
            for n in store.notes(source.id):
                note_id = store.add_note(
                    sid, answer_ids.get(n.answer_id or -1), n.leaf_id, n.kind, n.text, n.owner
                )
                if n.closed_by is not None and n.closed_by in answer_ids:
                    closed_by.setdefault(answer_ids[n.closed_by], []).append(note_id)
            for answer_id, note_ids in closed_by.items():
                store.set_closed_by(sid, answer_id, note_ids)
            for f in store.feedback(source.id):
                if not f.draft_key and not f.dropped:
                    store.add_feedback(sid, f.item_id, f.kind, f.text, leaf_id=f.leaf_id, created=f.created)
            for leaf_id, measures in store.measures(source.id).items():
                for m in measures:
                    if m.measure not in taken_measures.setdefault(leaf_id, set()):
                        taken_measures[leaf_id].add(m.measure)
                        store.set_measure(sid, leaf_id, m)
            for leaf_id, row in store.plan(source.id).items():
                plan.setdefault(leaf_id, (row.owner, row.due))
            for leaf_id, reason in store.na(source.id).items():
                na.setdefault(leaf_id, f"{reason} ({source.name})")  # the first assessor's reason stands
        for leaf_id, (owner, due) in plan.items():
            store.set_plan(sid, leaf_id, owner, due)
        for leaf_id, reason in na.items():
            store.set_na(sid, leaf_id, reason)
        for item, per in per_item.items():
            for author, percent in per.items():
                store.add_assessor_score(sid, item, author, percent)
            median = statistics.median(per.values())
            store.set_score(sid, item, int(STEP * round(median / STEP)), author="median")
    return store.session(into)


def spreads(store: Store, session_id: int) -> list[Spread]:
    out = []
    for item, per in sorted(store.assessor_scores(session_id).items()):
        values = list(per.values())
        out.append(Spread(item, dict(per), min(values), statistics.median(values), max(values)))
    return out
