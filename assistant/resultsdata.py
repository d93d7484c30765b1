"""The measure tables of results clauses (结果数据) in the interview: entering, listing, deleting, offering.

Mixed into `Interview`. A table is entered whole (`/data ID MEASURE UNIT
LABEL=VALUE …` replaces that measure on the clause) or deleted, each as one
transaction with its undo step. When an answer recorded for a results clause
holds figures, the reply proposes them as ready `/data` lines, so the numbers
said in passing become tables the report and the coverage rule can read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from assistant.coverage import DIM_NAME
from assistant.enginehost import EngineHost
from assistant.i18n import pick
from assistant.measures import (
    Measure,
    MeasureError,
    deletion,
    measure_text,
    offer_from_text,
    parse_measure,
    table_dimensions,
)
from assistant.replies import CoverageChange, InterviewError, Reply

if TYPE_CHECKING:
    from knowledge.models import Node

#: What a results table can show, in the order the reply names them.
_TABLE_DIMENSIONS = ("level", "trend", "comparison")


class ResultsData(EngineHost):
    """Mixed into `Interview`, whose state and storage these methods use."""

    # --- reading ------------------------------------------------------------------------------------

    def measures(self, leaf_id: str) -> list[Measure]:
        """The measure tables of one results clause, in the order they were entered."""
        leaf = self._results_leaf(leaf_id)
        return self.store.measures(self.session.id).get(leaf.id, [])

    def all_measures(self) -> dict[str, list[Measure]]:
        """Every results clause's tables, by clause id."""
        return self.store.measures(self.session.id)

    def data_dimensions(self) -> dict[str, dict[str, str]]:
        """Per results clause with tables, the dimensions they show and a quote for each (水平/趋势/对比)."""
        return {
            leaf_id: found
            for leaf_id, tables in self.store.measures(self.session.id).items()
            if (found := table_dimensions(tables, self.lang))
        }

    def data_listing(self, leaf_id: str) -> Reply:
        """`/data ID`: the clause's tables, one line each, and what they show."""
        leaf = self._results_leaf(leaf_id)
        tables = self.store.measures(self.session.id).get(leaf.id, [])
        head = f"{leaf.id} {leaf.title.get(self.lang)}"
        if not tables:
            lines = [pick(self.lang, f"{head}:还没有结果数据。录入:/data {leaf.id} 指标 单位 2021=… 2022=… 2023=… 行业平均=…",
                          f"{head}: no results data yet. Enter some: /data {leaf.id} MEASURE UNIT 2021=… 2022=… 2023=… industry=…")]  # fmt: skip
        else:
            lines = [pick(self.lang, f"{head} · 结果数据({len(tables)} 项)", f"{head} · results data ({len(tables)})")]
            lines += [f"  {measure_text(t, self.lang)}" for t in tables]
            lines.append(self._shows(table_dimensions(tables, self.lang)))
        return Reply("info", "\n".join(lines), self.current_question())

    # --- changing -----------------------------------------------------------------------------------

    def set_data(self, leaf_id: str, text_args: str) -> Reply:
        """`/data ID MEASURE UNIT LABEL=VALUE …` enters (or replaces) one measure; `MEASURE -` deletes it."""
        self._writable()
        leaf = self._results_leaf(leaf_id)
        try:
            gone = deletion(text_args, self.lang)
            if gone is not None:
                return self.delete_measure(leaf.id, gone)
            measure = parse_measure(text_args, self.lang)
        except MeasureError as exc:
            raise InterviewError(str(exc)) from exc
        return self.put_measure(leaf.id, measure)

    def put_measure(self, leaf_id: str, measure: Measure) -> Reply:
        """Save one measure table on a results clause (replacing one of the same name), with its undo step."""
        self._writable()
        leaf = self._results_leaf(leaf_id)
        existing = self.store.measures(self.session.id).get(leaf.id, [])
        previous = next((m for m in existing if m.measure == measure.measure), None)
        before = self.coverage()[leaf.id].status
        with self.store.transaction() as conn:
            self.store.set_measure(self.session.id, leaf.id, measure)
            self._step(conn, "data", {"leaf": leaf.id, "measure": measure.measure,
                                      "previous": previous.to_json() if previous else None})  # fmt: skip
        tables = self.store.measures(self.session.id).get(leaf.id, [])
        verb = pick(self.lang, "已更新" if previous else "已保存", "Updated" if previous else "Saved")
        lines = [
            pick(self.lang, f"{verb} {leaf.id} {leaf.title.zh} 的结果数据:", f"{verb} results data on {leaf.id} {leaf.title.en}:"),
            f"  {measure_text(measure, self.lang)}",
            self._shows(table_dimensions(tables, self.lang)),
        ]  # fmt: skip
        return self._data_reply(leaf.id, before, lines)

    def delete_measure(self, leaf_id: str, name: str) -> Reply:
        """Delete one measure table from a results clause, with its undo step."""
        self._writable()
        leaf = self._results_leaf(leaf_id)
        existing = self.store.measures(self.session.id).get(leaf.id, [])
        previous = next((m for m in existing if m.measure == name), None)
        if previous is None:
            names = "、".join(m.measure for m in existing) or pick(self.lang, "(无)", "(none)")
            raise InterviewError(pick(self.lang, f"{leaf.id} 没有名为“{name}”的指标;已有:{names}",
                                      f"{leaf.id} has no measure named {name!r}; it has: {names}"))  # fmt: skip
        before = self.coverage()[leaf.id].status
        with self.store.transaction() as conn:
            self.store.delete_measure(self.session.id, leaf.id, name)
            self._step(conn, "data", {"leaf": leaf.id, "measure": name, "previous": previous.to_json()})
        lines = [pick(self.lang, f"已删除 {leaf.id} 的指标“{name}”。", f"Deleted the measure {name!r} from {leaf.id}.")]
        return self._data_reply(leaf.id, before, lines)

    def _data_reply(self, leaf_id: str, before: str, lines: list[str]) -> Reply:
        after = self.coverage()[leaf_id].status
        changes = (CoverageChange(leaf_id, before, after),) if before != after else ()
        return Reply("info", "\n".join(line for line in lines if line), self.current_question(),
                     attached=(leaf_id,), changes=changes)  # fmt: skip

    # --- offering what an answer said -------------------------------------------------------------

    def _with_data_offer(self, message: str, asked_leaf: str | None, recorded: Iterable[str], text: str) -> str:
        """The reply to an answer, with its figures proposed as `/data` lines when it was recorded for a results clause."""
        recorded = list(recorded)
        results = [leaf for leaf in recorded if self._is_results_leaf(leaf)]
        if not results:
            return message
        leaf_id = asked_leaf if asked_leaf in results else results[0]
        node = self.kb.get(leaf_id)
        stored = self.store.measures(self.session.id).get(leaf_id, [])
        offers = [
            p for p in offer_from_text(text, fallback=pick(self.lang, "指标", "measure"))
            if p.measure not in stored
        ]
        if not offers:
            return message
        title = node.title.get(self.lang) if node else ""
        lines = [message, pick(self.lang, f"回答里有数据,可以存为 {leaf_id} {title} 的结果表(核对后发送这一行):",
                               f"The answer has figures; to keep them as tables on {leaf_id} {title}, check and send:")]  # fmt: skip
        for p in offers:
            lines.append(f"  {p.line(leaf_id)}")
            if p.assumed_periods:
                lines.append(pick(self.lang, "  (回答没有写明年份,上面的年份是推算的,请核对)",
                                  "  (the answer names no years; the years above are a guess, please check them)"))  # fmt: skip
        return "\n".join(lines)

    # --- helpers ------------------------------------------------------------------------------------

    def _is_results_leaf(self, leaf_id: str) -> bool:
        node = self.kb.get(leaf_id)
        return node is not None and node.is_leaf and node.kind == "results"

    def _results_leaf(self, ref: str) -> Node:
        node = self.resolve(ref)  # an unknown id is one line with the nearest ids
        if node.is_leaf and node.kind == "results":
            return node
        under = [leaf.id for leaf in self.kb.leaves_under(node.id) if leaf.kind == "results"]
        example = ", ".join((under or [leaf.id for leaf in self.kb.leaves() if leaf.kind == "results"])[:4])
        raise InterviewError(
            pick(self.lang, f"{node.id} 不是结果类条款;结果数据录在 4.7 下的最末级条款上,如 {example}",
                 f"{node.id} is not a results point; results data goes on the points under 4.7, e.g. {example}")
        )  # fmt: skip

    def _shows(self, found: dict[str, str]) -> str:
        if not found:
            return ""
        names = DIM_NAME["zh" if self.lang == "zh" else "en"]
        parts = [pick(self.lang, f"{names[d]}({quote})", f"{names[d]} ({quote})") for d, quote in found.items()]
        missing = [names[d] for d in _TABLE_DIMENSIONS if d not in found]
        line = pick(self.lang, "这些表显示了:", "These tables show: ") + pick(self.lang, ";", "; ").join(parts)
        if missing:
            line += pick(self.lang, f"。还缺:{'、'.join(missing)}", f". Still missing: {', '.join(missing)}")
        return line
