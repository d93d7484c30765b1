"""The score tab: each item's points, coverage, score, band and the band the evidence suggests, and the total.

The table is drawn to fit its pane: every column but the title keeps its full text
(a ⚠ beside a score set high on little evidence included), and the titles are cut
to the room left. Under the table, the highlighted item's band descriptor and what
drives the suggested band; Enter opens the score dialog (tui.findings.ScoreDialog).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from assistant.feedback import SuggestedBand
from assistant.i18n import pick
from assistant.interview import ItemSummary
from assistant.linebreak import display_width
from assistant.texttable import clip
from tui.widgets import Prose

COLUMNS = (
    ("id", "评分项", "Item"),
    ("title", "名称", "Title"),
    ("pts", "分值", "Pts"),
    ("cov", "覆盖", "Cov."),
    ("pct", "评分", "Score"),
    ("earned", "得分", "Earned"),
    ("band", "评分档", "Band"),
    ("suggested", "建议档", "Sugg."),
)
#: Room a column takes besides its text (DataTable's cell padding), and the table's focus edge.
CELL_PADDING = 2
FOCUS_EDGE = 1
MIN_TITLE = 6


@dataclass(frozen=True)
class ScoreRow:
    """One item as the table shows it, with what the line under the table says about it."""

    item_id: str
    title: str
    cells: tuple[str, ...]  # every column but the title, in COLUMNS order
    band: str  # the assessor's band: its range and descriptor, "" when unscored
    suggested: str  # the suggested band and why, "" when no clause of the item applies


def score_rows(items: list[ItemSummary], suggested: Mapping[str, SuggestedBand | None], lang: str) -> list[ScoreRow]:
    rows = []
    for s in items:
        pct = "—" if s.score.percent is None else f"{s.score.percent}%"
        flag = " ⚠" if s.score.over_scored else ""
        band = s.score.band
        hint = suggested.get(s.item.id)
        rows.append(
            ScoreRow(
                s.item.id,
                s.item.title.get(lang),  # type: ignore[arg-type]
                (
                    s.item.id,
                    str(s.item.points),
                    "—" if s.coverage is None else f"{s.coverage:.0%}",
                    pct + flag,
                    f"{s.score.earned:g}",
                    f"{band.low}–{band.high}" if band else "—",
                    hint.range if hint else "—",
                ),
                f"{band.label()} {band.text(lang)}" if band else "",
                f"{hint.range}%" + pick(lang, ":", ": ") + hint.reason if hint else "",
            )
        )
    return rows


class ScorePanel(Vertical):
    """Each item's percentage, band and points, and the total out of 1000."""

    class Chosen(Message):
        def __init__(self, item_id: str) -> None:
            self.item_id = item_id
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[ScoreRow] = []
        self.lang = "zh"
        self._header: tuple[str, int] = ("", 0)  # the language and title width the columns were laid out for

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", id="score-table")
        yield Static(id="score-band")
        yield Static(id="score-total")

    def show(
        self, items: list[ItemSummary], total: float, coverage: float, lang: str,
        suggested: Mapping[str, SuggestedBand | None] | None = None,
    ) -> None:  # fmt: skip
        self.rows, self.lang = score_rows(items, suggested or {}, lang), lang
        self._fill()
        total_line = pick(lang, f"总分 {total:g} / 1000 · 覆盖率 {coverage:.0%}", f"Total {total:g} / 1000 · coverage {coverage:.0%}")
        self.query_one("#score-total", Static).update(Text(total_line, style="bold"))

    def _title_width(self) -> int:
        """The room the titles have once every other column is drawn whole."""
        table = self.query_one(DataTable)
        width = table.size.width or self.size.width
        if width <= 0:
            return 14
        # the vertical scrollbar, and the edge the table draws on its left while it has the focus
        used = table.styles.scrollbar_size_vertical + FOCUS_EDGE + CELL_PADDING * len(COLUMNS)
        for index, (key, zh, en) in enumerate(COLUMNS):
            if key == "title":
                continue
            at = index if index < 1 else index - 1  # cells hold every column but the title
            used += max([display_width(pick(self.lang, zh, en)), *(display_width(r.cells[at]) for r in self.rows)])
        return max(MIN_TITLE, width - used)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        title_width = self._title_width()
        keep = table.cursor_row
        if self._header != (self.lang, title_width):
            self._header = (self.lang, title_width)
            table.clear(columns=True)
            for key, zh, en in COLUMNS:
                table.add_column(pick(self.lang, zh, en), key=key)
        else:
            table.clear()
        for row in self.rows:
            cells = list(row.cells)
            cells.insert(1, clip(row.title, title_width))
            table.add_row(*cells, key=row.item_id)
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        self._describe(table.cursor_row)

    def _describe(self, index: int) -> None:
        """Under the table: the highlighted item's band descriptor and the suggestion, in full."""
        if not 0 <= index < len(self.rows):
            self.query_one("#score-band", Static).update("")
            return
        row = self.rows[index]
        lines = [f"{row.item_id} {row.title}"]
        lines.append(pick(self.lang, "评分档:", "Band: ") + (row.band or pick(self.lang, "未评分", "not scored")))
        if row.suggested:
            lines.append(pick(self.lang, "建议档:", "Suggested: ") + row.suggested)
        self.query_one("#score-band", Static).update(Prose("\n".join(lines), "dim"))

    def on_resize(self, event: events.Resize) -> None:
        if self.rows:
            self._fill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._describe(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(self.Chosen(event.row_key.value))
