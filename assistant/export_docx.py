"""The DOCX export: the skeleton of a 自评报告 that a team writes the report in.

It opens in Word, WPS and LibreOffice as a report, not as a transcript: a cover page,
a table of contents (a TOC field that Word fills in when the file opens), the
组织概述, a chapter per category and a section per item with a subsection per
scoring dimension (方法-展开-学习-整合, or 水平-趋势-对比-整合 for results), the
evidence as bullet points under the dimension it shows, results data as tables, a
【待补充】 marker wherever a dimension still has nothing, a score summary table, and
an appendix of 优势 and 改进机会 per item.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from assistant.escaping import display_width, plain, xml_text
from assistant.i18n import pick
from assistant.measure_layout import (
    comparison_columns,
    comparison_sentence,
    measure_row,
    period_columns,
    trend_sentence,
)
from assistant.measures import measure_title
from assistant.reportdata import CategorySection, Feedback, ItemSection, LeafSection, ReportData
from assistant.reportlabels import (
    PENDING,
    dimension_hint,
    dimension_id,
    dimension_label,
    dimension_order,
    leaf_dims,
    title,
)

TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
_DOCX_BREAK = re.compile(r"([\t\r\n])")
_GREY = "595959"
_TEXT_WIDTH_CM = 15.4  # A4 less the margins set in _page_setup
#: the children of w:settings that must follow w:updateFields, in schema order
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points
    highlight: str | None = None  # a WD_COLOR_INDEX value, e.g. "yellow"
    color: str | None = None  # RRGGBB


class _DocxBody:
    """Appends paragraphs to a python-docx document in constant time each.

    python-docx's `add_paragraph` finds the body's closing `w:sectPr` by scanning every
    child, and writes run text one character at a time, so a 10k-answer report took
    time quadratic in its length. Here the styles are resolved once and each paragraph
    is built as XML (the same XML python-docx writes) and put before the `w:sectPr`.
    """

    def __init__(self, doc: Any) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self._styles = {0: doc.styles["Title"].style_id} | {
            level: doc.styles[f"Heading {level}"].style_id for level in (1, 2, 3)
        }
        self._named = {name: doc.styles[name].style_id for name in ("List Bullet", "TOC Heading", "Caption")}
        body = doc.element.body
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is None:
            sect_pr = body.makeelement(qn("w:sectPr"), {})
            body.append(sect_pr)
        self._end = sect_pr

    def heading(self, text: str, level: int, *, page_break: bool = False, align: str | None = None) -> None:
        self._add(self._styles[level], (_Run(text),), page_break=page_break, align=align)

    def paragraph(
        self,
        *runs: str | _Run,
        align: str | None = None,
        space_before: int | None = None,
        style: str | None = None,
        page_break: bool = False,
    ) -> None:
        """A paragraph of runs; `space_before` in twentieths of a point, `style` a style's name."""
        self._add(
            self._named[style] if style else None,
            tuple(r if isinstance(r, _Run) else _Run(r) for r in runs),
            align=align,
            space_before=space_before,
            page_break=page_break,
        )

    def bullet(self, *runs: str | _Run) -> None:
        self.paragraph(*runs, style="List Bullet")

    def toc(self, placeholder: str) -> None:
        """A table-of-contents field over headings 1–3; `placeholder` shows until it is updated."""
        qn, sub = self._qn, self._end.makeelement
        p = sub(qn("w:p"), {})
        begin = sub(qn("w:r"), {})
        begin.append(sub(qn("w:fldChar"), {qn("w:fldCharType"): "begin", qn("w:dirty"): "true"}))
        instr = sub(qn("w:r"), {})
        text = sub(qn("w:instrText"), {qn("xml:space"): "preserve"})
        text.text = TOC_INSTRUCTION
        instr.append(text)
        separate = sub(qn("w:r"), {})
        separate.append(sub(qn("w:fldChar"), {qn("w:fldCharType"): "separate"}))
        end = sub(qn("w:r"), {})
        end.append(sub(qn("w:fldChar"), {qn("w:fldCharType"): "end"}))
        p.extend([begin, instr, separate, self._run(_Run(placeholder, italic=True, color=_GREY)), end])
        self._end.addprevious(p)

    def _add(
        self,
        style_id: str | None,
        runs: tuple[_Run, ...],
        *,
        page_break: bool = False,
        align: str | None = None,
        space_before: int | None = None,
    ) -> None:
        qn, sub = self._qn, self._end.makeelement
        p = sub(qn("w:p"), {})
        # pPr children in schema order: pStyle, pageBreakBefore, spacing, jc
        props = [sub(qn("w:pStyle"), {qn("w:val"): style_id})] if style_id is not None else []
        if page_break:
            props.append(sub(qn("w:pageBreakBefore"), {}))
        if space_before is not None:
            props.append(sub(qn("w:spacing"), {qn("w:before"): str(space_before)}))
        if align is not None:
            props.append(sub(qn("w:jc"), {qn("w:val"): align}))
        if props:
            p_pr = sub(qn("w:pPr"), {})
            p_pr.extend(props)
            p.append(p_pr)
        for run in runs:
            if run.text:
                p.append(self._run(run))
        self._end.addprevious(p)

    def _run(self, run: _Run) -> Any:
        qn, sub = self._qn, self._end.makeelement
        r = sub(qn("w:r"), {})
        # rPr children in schema order: b, i, color, sz, highlight
        props = [sub(qn("w:b"), {})] if run.bold else []
        if run.italic:
            props.append(sub(qn("w:i"), {}))
        if run.color is not None:
            props.append(sub(qn("w:color"), {qn("w:val"): run.color}))
        if run.size is not None:
            props.append(sub(qn("w:sz"), {qn("w:val"): str(round(run.size * 2))}))
        if run.highlight is not None:
            props.append(sub(qn("w:highlight"), {qn("w:val"): run.highlight}))
        if props:
            r_pr = sub(qn("w:rPr"), {})
            r_pr.extend(props)
            r.append(r_pr)
        # as python-docx writes run text: a tab is w:tab, a line break w:br
        for index, piece in enumerate(_DOCX_BREAK.split(xml_text(run.text))):
            if index % 2:
                r.append(sub(qn("w:tab" if piece == "\t" else "w:br"), {}))
            elif piece:
                t = sub(qn("w:t"), {})
                t.text = piece
                if len(piece.strip()) < len(piece):
                    t.set(qn("xml:space"), "preserve")
                r.append(t)
        return r


def to_docx(data: ReportData, *, today: date | None = None) -> bytes:
    """The report skeleton; `today` is the date on the cover (default: today)."""
    from docx import Document

    day = today or date.today()
    doc = Document()
    _page_setup(doc)
    _cjk_fonts(doc)
    _ask_to_update_fields(doc)
    _properties(doc, data, day)
    report = _Report(doc, data)
    report.cover(day)
    report.contents()
    report.profile()
    for category in data.outline:
        report.category(category)
    report.score_summary()
    report.appendix()
    report.consensus()
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


class _Report:
    """Writes the report's parts in order; holds the document, its body and the table count."""

    def __init__(self, doc: Any, data: ReportData) -> None:
        self.doc = doc
        self.data = data
        self.lang = data.lang
        self.body = _DocxBody(doc)
        self.tables = 0

    def t(self, zh: str, en: str) -> str:
        return pick(self.lang, zh, en)

    # --- front matter -------------------------------------------------------------------------------

    def cover(self, day: date) -> None:
        data, body, t = self.data, self.body, self.t
        body.paragraph(
            _Run(data.company or data.session, bold=True, size=22), align="center", space_before=3600
        )
        body.heading(
            t("卓越绩效自评报告", "Performance Excellence Self-Assessment Report"), level=0, align="center"
        )
        body.paragraph(
            _Run(t(f"评价准则:{data.framework}", f"Framework: {data.framework}"), size=14), align="center"
        )
        when = (
            f"{day.year}年{day.month}月{day.day}日"
            if self.lang == "zh"
            else day.strftime("%d %B %Y").lstrip("0")
        )
        body.paragraph(_Run(t(f"日期:{when}", f"Date: {when}"), size=12), align="center", space_before=4800)
        body.paragraph(
            _Run(t(f"自评会话:{data.session}", f"Session: {data.session}"), size=12), align="center"
        )
        standing = t(f"覆盖率 {data.coverage:.0%} · 总分 {data.total_points:g} / 1000",
                     f"Coverage {data.coverage:.0%} · total {data.total_points:g} / 1000")  # fmt: skip
        body.paragraph(_Run(standing, size=10, color=_GREY), align="center")

    def contents(self) -> None:
        body, t = self.body, self.t
        body.paragraph(t("目录", "Contents"), style="TOC Heading", page_break=True)
        body.toc(
            t(
                "目录在 Word 或 WPS 中打开时生成。若仍显示本行,请右键单击此处并选择“更新域”"
                "(LibreOffice:工具 › 更新 › 全部更新)。",
                "The table of contents is built when Word or WPS opens the file. If this line still shows, "
                "right-click it and choose Update Field (LibreOffice: Tools › Update › Update All).",
            )
        )

    def profile(self) -> None:
        body, t = self.body, self.t
        body.heading(t("组织概述", "Organisational profile"), level=1, page_break=True)
        table = self.data.table("profile")
        if table is None or not table.rows:
            self.pending(t("介绍组织的环境、关系和面临的挑战(B.1 组织描述、B.2 组织面临的挑战)。",
                           "Describe the organisation's environment, relationships and challenges "
                           "(B.1 description, B.2 challenges)."))  # fmt: skip
            return
        for node_id, name, text in table.rows:
            body.heading(f"{node_id} {name}", level=2)
            for line in str(text).split("\n"):
                if line.strip():
                    body.paragraph(line)

    # --- the chapters -------------------------------------------------------------------------------

    def category(self, category: CategorySection) -> None:
        heading = self.t(f"{category.category_id} {category.title}({category.points}分)",
                         f"{category.category_id} {category.title} ({category.points} points)")  # fmt: skip
        self.body.heading(heading, level=1, page_break=True)
        for item in category.items:
            self.item(item)

    def item(self, item: ItemSection) -> None:
        body, t = self.body, self.t
        body.heading(t(f"{item.item_id} {item.title}({item.points}分)",
                       f"{item.item_id} {item.title} ({item.points} points)"), level=2)  # fmt: skip
        body.paragraph(_Run(self.item_status(item), size=9, color=_GREY))
        order = dimension_order(item)
        for dimension in order:
            body.heading(dimension_label(dimension, self.lang), level=3)
            self.dimension(item, dimension, first=dimension == order[0])
        admitted = [(leaf, text) for leaf in item.leaves for text in leaf.admitted]
        for leaf, text in admitted:
            body.paragraph(
                _Run(t("已确认的不足", "Admitted gap") + f" {leaf.leaf_id} {leaf.title}:", bold=True), text
            )
        for leaf in item.leaves:
            if leaf.status == "na":
                reason = (
                    leaf.reason
                    if leaf.reason.startswith(leaf.status_label)
                    else f"{leaf.status_label}:{leaf.reason}"
                )
                body.paragraph(_Run(f"{leaf.leaf_id} {leaf.title} — {reason}", size=9, color=_GREY))

    def item_status(self, item: ItemSection) -> str:
        t = self.t
        if item.score_percent is None:
            score = t("自评:未评分", "Score: not scored")
        else:
            score = t(f"自评:{item.score_percent}%({item.score_points:g} 分)",
                      f"Score: {item.score_percent}% ({item.score_points:g} points)")  # fmt: skip
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for leaf in item.leaves:
            counts[leaf.status] = counts.get(leaf.status, 0) + 1
            labels[leaf.status] = leaf.status_label
        order = ("covered", "partial", "uncovered", "na")
        coverage = t("、", ", ").join(
            f"{labels[s]} {counts[s]}"
            for s in sorted(counts, key=lambda s: order.index(s) if s in order else 9)
        )
        parts = [score, t(f"条款:{coverage}", f"Clauses: {coverage}")]
        if item.suggested_band is not None:
            band = item.suggested_band
            reason = t(f"({band.reason})", f" ({band.reason})") if band.reason else ""
            parts.append(t(f"建议区间:{band.range}%{reason}", f"Suggested band: {band.range}%{reason}"))
        return " · ".join(parts)

    def dimension(self, item: ItemSection, dimension: str, *, first: bool) -> None:
        """The subsection of one dimension: evidence by leaf, tables, and what is still missing."""
        body, t = self.body, self.t
        wrote = False
        if first:
            for leaf in item.leaves:
                if leaf.data:
                    self.measure_table(leaf)
                    wrote = True
        missing: list[LeafSection] = []
        for leaf in item.leaves:
            sentences = list(dict.fromkeys(_sentences(leaf, dimension, first=first)))
            sentences += [s for s in _data_sentences(leaf, dimension, self.lang) if s not in sentences]
            if sentences:
                body.paragraph(_Run(f"{leaf.leaf_id} {leaf.title}", bold=True, size=10))
                for sentence in sentences:
                    body.bullet(sentence)
                wrote = True
            elif _lacks(leaf, first=first):
                missing.append(leaf)
        if not wrote:
            self.pending(dimension_hint(dimension, self.lang))
            if first:
                for leaf in missing:
                    question = leaf.questions[0] if leaf.questions else ""
                    body.paragraph(_Run(f"{leaf.leaf_id} {leaf.title}", bold=True, size=9),
                                   _Run(t(":", ": ") + f"{question}{_plan(leaf, self.lang)}", italic=True, size=9))  # fmt: skip
        elif missing:
            names = t(";", "; ").join(
                f"{leaf.leaf_id} {leaf.title}{_plan(leaf, self.lang)}" for leaf in missing
            )
            self.pending(t(f"尚缺:{names}", f"still missing for: {names}"))

    def pending(self, text: str) -> None:
        """The 【待补充】 marker, highlighted so that it is found by eye and by search."""
        self.body.paragraph(
            _Run(PENDING[self.lang], bold=True, highlight="yellow"), f" {text}" if text else ""
        )

    def measure_table(self, leaf: LeafSection) -> None:
        self.tables += 1
        measures = leaf.data
        periods, references = period_columns(measures), comparison_columns(measures)
        self.body.paragraph(
            self.t(
                f"表{self.tables} {leaf.leaf_id} {leaf.title}",
                f"Table {self.tables}. {leaf.leaf_id} {leaf.title}",
            ),
            style="Caption",
        )
        header = (self.t("指标", "Measure"), *periods, *references)
        rows = [(measure_title(m, self.lang), *measure_row(m, periods, references)) for m in measures]
        _table(self.doc, header, rows)
        self.body.paragraph()  # a table runs into the next paragraph otherwise

    # --- back matter --------------------------------------------------------------------------------

    def score_summary(self) -> None:
        data, t = self.data, self.t
        self.body.heading(t("评分汇总", "Score summary"), level=1, page_break=True)
        coverage = _coverage_by_id(data)
        header = tuple(t(*p) for p in (("评分项", "Item"), ("名称", "Title"), ("分值", "Points"), ("覆盖率", "Coverage"),
                                       ("自评%", "Score %"), ("得分", "Points earned"), ("建议区间", "Suggested band")))  # fmt: skip
        rows: list[tuple[Any, ...]] = []
        bold: set[int] = set()
        for category in data.outline:
            bold.add(len(rows))
            earned = sum(i.score_points for i in category.items)
            rows.append((category.category_id, category.title, category.points,
                         _percent(coverage.get(category.category_id)), "", round(earned, 1), ""))  # fmt: skip
            for item in category.items:
                band = item.suggested_band.range + "%" if item.suggested_band else ""
                rows.append((item.item_id, item.title, item.points, _percent(coverage.get(item.item_id)),
                             "" if item.score_percent is None else f"{item.score_percent}%", item.score_points, band))  # fmt: skip
        bold.add(len(rows))
        total_points = sum(c.points for c in data.outline)
        rows.append(
            (
                "",
                t("合计", "Total"),
                total_points,
                _percent(round(data.coverage * 100)),
                "",
                data.total_points,
                "",
            )
        )
        _table(self.doc, header, rows, bold_rows=bold)

    def appendix(self) -> None:
        body, t = self.body, self.t
        body.heading(t("附录 优势与改进机会", "Appendix: strengths and opportunities for improvement"),
                     level=1, page_break=True)  # fmt: skip
        wrote = False
        for category in self.data.outline:
            for item in category.items:
                opportunities = item.opportunities
                if not item.strengths and not opportunities:
                    continue
                wrote = True
                body.heading(f"{item.item_id} {item.title}", level=2)
                for label, feedback in ((t("优势", "Strengths"), item.strengths),
                                        (t("改进机会", "Opportunities for improvement"), opportunities)):  # fmt: skip
                    if feedback:
                        body.paragraph(_Run(label, bold=True))
                        for f in feedback:
                            body.bullet(f.text, _Run(self.feedback_note(f), size=8, color=_GREY))
        if not wrote:
            body.paragraph(t("尚无记录的优势和改进机会。", "No strengths or opportunities recorded yet."))

    def feedback_note(self, feedback: Feedback) -> str:
        """The clause, the dimensions and whether it is a draft, each only if the text does not say it."""
        notes = [feedback.leaf] if feedback.leaf and feedback.leaf not in feedback.text else []
        labels = (
            dimension_label(dimension_id(d), self.lang) for d in feedback.dimension.split(",") if d.strip()
        )
        notes += [label for label in labels if label.lower() not in feedback.text.lower()]
        if feedback.source in ("draft", "admitted"):  # drafted by the assistant, not yet the assessor's word
            notes.append(self.t("草拟,待确认", "draft, to confirm"))
        return self.t(f" 〔{' · '.join(notes)}〕", f" [{' · '.join(notes)}]") if notes else ""

    def consensus(self) -> None:
        table = self.data.table("consensus")
        if table is not None:
            self.body.heading(table.title, level=1, page_break=True)
            _table(self.doc, table.header, table.rows)


def _sentences(leaf: LeafSection, dimension: str, *, first: bool) -> tuple[str, ...]:
    """The leaf's evidence for `dimension`; a leaf not yet sorted by dimension has all of it
    under the first dimension (方法, 水平)."""
    dims = leaf_dims(leaf)
    if any(dims.values()):
        return dims.get(dimension, ())
    return tuple(text for _, text in leaf.evidence) if first else ()


def _lacks(leaf: LeafSection, *, first: bool) -> bool:
    """Whether to name the leaf as still missing a dimension it has nothing for: under the first
    dimension every applicable leaf without evidence or measures; under the others only leaves
    with evidence sorted by dimension (a leaf with nothing at all is named once, under the first)."""
    if leaf.status == "na":
        return False
    if first:
        return not leaf.data
    return any(leaf_dims(leaf).values())


def _data_sentences(leaf: LeafSection, dimension: str, lang: str) -> list[str]:
    if dimension == "trend":
        found = [trend_sentence(m, lang) for m in leaf.data]
    elif dimension == "comparison":
        found = [comparison_sentence(m, lang) for m in leaf.data]
    else:
        return []
    return [s for s in found if s]


def _plan(leaf: LeafSection, lang: str) -> str:
    parts = []
    if leaf.owner:
        parts.append(pick(lang, f"负责人:{leaf.owner}", f"owner: {leaf.owner}"))
    if leaf.due:
        parts.append(pick(lang, f"完成时间:{leaf.due}", f"due: {leaf.due}"))
    return pick(lang, f"({','.join(parts)})", f" ({', '.join(parts)})") if parts else ""


def _coverage_by_id(data: ReportData) -> dict[str, Any]:
    """Coverage % of each item and category, from the tables that state it (one rule, one place)."""
    out: dict[str, Any] = {}
    for key in ("items", "categories"):
        table = data.table(key)
        if table is not None:
            out.update({row[0]: row[3] for row in table.rows})
    return out


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value}%"


def _table(doc: Any, header: tuple[str, ...], rows: Any, *, bold_rows: set[int] | None = None) -> None:
    """A grid table after the last paragraph: columns as wide as their text reads, the header
    row bold and repeated on each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rows = [tuple(plain(v) for v in row) for row in rows]
    widths = _column_widths(header, rows)
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    head = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)
    for cell, text, width in zip(head.cells, header, widths, strict=True):
        cell.text = xml_text(text)
        cell.width = width
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for index, row in enumerate(rows):
        cells = grid.add_row().cells
        for cell, value, width in zip(cells, row, widths, strict=True):
            cell.text = value
            cell.width = width  # Word reads the cell's width, LibreOffice the grid's
            if bold_rows and index in bold_rows:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _column_widths(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[Any]:
    """The text width of the page shared in proportion to what each column holds (capped, so
    that one long title does not squeeze the figures)."""
    from docx.shared import Cm

    need = [min(display_width(xml_text(h)), 40) + 2 for h in header]  # + the cell's padding
    for row in rows:
        need = [max(n, min(display_width(v), 40) + 2) for n, v in zip(need, row, strict=True)]
    need = [max(n, 6) for n in need]
    total = sum(need)
    return [Cm(round(_TEXT_WIDTH_CM * n / total, 2)) for n in need]


def _page_setup(doc: Any) -> None:
    """A4 with the margins Chinese reports use, and the page number centred in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin = section.right_margin = Cm(2.8)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _cjk_fonts(doc: Any) -> None:
    """Chinese text in 宋体 and headings in 黑体, the faces Word and WPS have on a Chinese system
    (LibreOffice substitutes its own CJK faces); the template's theme would pick a Latin face."""
    from docx.oxml.ns import qn

    for name, face in (("Normal", "宋体"), ("Title", "黑体"), ("Heading 1", "黑体"), ("Heading 2", "黑体"),
                       ("Heading 3", "黑体")):  # fmt: skip
        fonts = doc.styles[name].element.get_or_add_rPr().get_or_add_rFonts()
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        fonts.set(qn("w:eastAsia"), face)


def _ask_to_update_fields(doc: Any) -> None:
    """`w:updateFields` makes Word fill in the table of contents when it opens the file."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    flag = OxmlElement("w:updateFields")
    flag.set(qn("w:val"), "true")
    successor = next(
        (el for tag in _AFTER_UPDATE_FIELDS if (el := settings.find(qn(f"w:{tag}"))) is not None), None
    )
    if successor is not None:
        successor.addprevious(flag)
    else:
        settings.append(flag)


def _properties(doc: Any, data: ReportData, day: date) -> None:
    props = doc.core_properties
    props.title = title(data)
    props.subject = xml_text(data.framework)
    props.author = props.last_modified_by = "zhuoyue"
    props.created = props.modified = datetime(day.year, day.month, day.day, tzinfo=UTC)
    props.revision = 1
