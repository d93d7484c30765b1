"""Exports of a session: Markdown, CSV, XLSX, DOCX, HTML and JSON.

All formats are written from one `ReportData`. Files are written to a temporary
name and renamed into place, so a failure never leaves half a file; an existing
file is refused unless `force`.

Text is escaped for each medium on the way out, so that every export writes whatever
the session holds: Markdown cells carry `&`, `<` and `>` as entities (a viewer must not
run an answer's `<script>`); every CSV and XLSX cell, headers included, that a
spreadsheet would read as a formula (=, +, -, @, tab, carriage return) gets a leading
apostrophe; characters XML cannot hold (C0 controls, lone surrogates), which would
make openpyxl or lxml refuse the file, are dropped from every format.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.files import OutputError, check_output, write_output
from assistant.reportdata import STATUS_LABEL, ReportData, Table, build_report_data, report_json

if TYPE_CHECKING:
    from assistant.interview import Interview

FORMATS = ("md", "csv", "xlsx", "docx", "html", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
STATUS_FILL = {"covered": "C6EFCE", "partial": "FFEB9C", "uncovered": "FFC7CE", "na": "EDEDED"}
PENDING = {"zh": "【待补充】", "en": "[TO BE COMPLETED]"}
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DOCX_BREAK = re.compile(r"([\t\r\n])")


#: Unknown formats and unwritable paths are both output problems the user must see.
ExportError = OutputError


def xml_text(text: str) -> str:
    """`text` without the characters an XML file cannot hold; a lone surrogate becomes U+FFFD."""
    return _NOT_XML.sub("", _SURROGATE.sub("\ufffd", text))


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _sheet_cell(value: Any) -> Any:
    """A CSV or XLSX cell: numbers as they are, text writable and never a formula."""
    return safe_cell(xml_text(value)) if isinstance(value, str) else value


def format_of(path: Path, explicit: str | None = None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ExportError(
            f"unknown export format {fmt or '(no suffix)'!r}; choose one of {', '.join(FORMATS)}"
        )
    return fmt


def export_session(interview: Interview, path: Path, fmt: str | None = None, *, force: bool = False) -> Path:
    """Write the session's report to `path` in the format its suffix (or `fmt`) names."""
    fmt = format_of(path, fmt)
    check_output(path, force=force)  # before the work of building the report
    data = build_report_data(interview)
    if fmt == "json":
        payload: bytes = _utf8(json.dumps(report_json(interview), ensure_ascii=False, indent=1) + "\n")
    else:
        payload = WRITERS[fmt](data)
    return write_output(path, payload, force=force)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return xml_text(str(value))


def _utf8(text: str) -> bytes:
    return _SURROGATE.sub("\ufffd", text).encode()


def _title(data: ReportData) -> str:
    if data.lang == "zh":
        text = f"{data.company} 卓越绩效自评报告({data.framework})"
    else:
        text = f"{data.company}: self-assessment against {data.framework}"
    return xml_text(text)


def _summary(data: ReportData) -> str:
    if data.lang == "zh":
        text = f"会话:{data.session} · 覆盖率 {data.coverage:.0%} · 总分 {data.total_points:g} / 1000"
    else:
        text = f"Session: {data.session} · coverage {data.coverage:.0%} · total {data.total_points:g} / 1000"
    return xml_text(text)


# --- Markdown -----------------------------------------------------------------------------------------


def _md(value: Any) -> str:
    """One line of Markdown text: HTML in it shown, not run; no line break or `|` to end a cell."""
    return html.escape(_fmt(value), quote=False).replace("|", "/").replace("\r", " ").replace("\n", " ")


def to_markdown(data: ReportData) -> bytes:
    lines = [f"# {_md(_title(data))}", "", _md(_summary(data)), ""]
    for table in data.tables:
        lines += [f"## {_md(table.title)}", ""]
        lines.append("| " + " | ".join(_md(h) for h in table.header) + " |")
        lines.append("|" + "---|" * len(table.header))
        for row in table.rows:
            lines.append("| " + " | ".join(_md(v) for v in row) + " |")
        lines.append("")
    return _utf8("\n".join(lines))


# --- CSV ----------------------------------------------------------------------------------------------


def to_csv(data: ReportData) -> bytes:
    """Sections one under another (title row, header, rows, blank row); UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_sheet_cell(_title(data))])
    writer.writerow([_sheet_cell(_summary(data))])
    for table in data.tables:
        writer.writerow([])
        writer.writerow([_sheet_cell(table.title)])
        writer.writerow([_sheet_cell(h) for h in table.header])  # assessor names are headers too
        for row in table.rows:
            writer.writerow([_sheet_cell(v) if isinstance(v, str) else _fmt(v) for v in row])
    return _utf8("\ufeff" + buffer.getvalue())


# --- XLSX ---------------------------------------------------------------------------------------------

_SHEET_NAMES = {"gaps": ("差距清单", "Gaps"), "items": ("评分项", "Items"), "categories": ("类目", "Categories"),
                "evidence": ("证据", "Evidence"), "consensus": ("共识", "Consensus"), "profile": ("组织概述", "Profile"),
                "opportunities": ("改进机会", "Opportunities")}  # fmt: skip
_WIDTH_CAP = 60


def to_xlsx(data: ReportData) -> bytes:
    # write-only: rows stream to the file instead of living as Cell objects; and each
    # cell takes one of a few named styles rather than new Font/PatternFill/Alignment
    # objects that openpyxl would hash and deduplicate one cell at a time
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    header_style, body_style, status_styles = _xlsx_styles(workbook)
    status_by_label = _status_by_label(data.lang)
    for table in data.tables:
        zh, en = _SHEET_NAMES.get(table.key, (table.title, table.title))
        sheet = workbook.create_sheet(zh if data.lang == "zh" else en)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.header, start=1):  # widths go before the rows
            values = [header, *(_fmt(r[index - 1]) for r in table.rows)]
            width = max(_display_width(v) for v in values) + 2
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), _WIDTH_CAP)
        sheet.append([_xlsx_cell(sheet, h, header_style) for h in table.header])
        for row in table.rows:
            styles = [body_style] * len(row)
            if table.status_column is not None:
                status = status_by_label.get(str(row[table.status_column]))
                if status:
                    styles[table.status_column] = status_styles[status]
            sheet.append([_xlsx_cell(sheet, v, style) for v, style in zip(row, styles, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any, style: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, _sheet_cell(value))
    cell.style = style
    return cell


def _xlsx_styles(workbook: Any) -> tuple[str, str, dict[str, str]]:
    """Register the named styles once: header, body, and a body cell per status colour."""
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

    header = NamedStyle("zhuoyue header", font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"))
    body = NamedStyle("zhuoyue body", alignment=Alignment(wrap_text=True, vertical="top"))
    workbook.add_named_style(header)
    workbook.add_named_style(body)
    by_status = {}
    for status, colour in STATUS_FILL.items():
        style = NamedStyle(
            f"zhuoyue {status}",
            fill=PatternFill("solid", fgColor=colour),
            alignment=Alignment(wrap_text=True, vertical="top"),
        )
        workbook.add_named_style(style)
        by_status[status] = style.name
    return header.name, body.name, by_status


def _display_width(text: str) -> int:
    # CJK characters take two columns in a spreadsheet, as in a terminal
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _status_by_label(lang: str) -> dict[str, str]:
    return {label: status for status, label in STATUS_LABEL[lang].items()}


# --- DOCX ---------------------------------------------------------------------------------------------


def to_docx(data: ReportData) -> bytes:
    """A self-assessment report skeleton in clause order, with a visible marker at each gap."""
    from docx import Document

    lang = data.lang
    doc = Document()
    body = _DocxBody(doc)
    body.heading(_title(data), level=0)
    body.paragraph(_summary(data))
    profile = data.table("profile")
    if profile is not None:
        body.heading(profile.title, level=1)
        for node_id, title, text in profile.rows:
            body.heading(f"{node_id} {title}", level=3)
            for line in str(text).split("\n"):
                body.paragraph(line)
    for category in data.outline:
        body.heading(f"{category.category_id} {category.title}({category.points}{'分' if lang == 'zh' else ' points'})"
                     if lang == "zh" else f"{category.category_id} {category.title} ({category.points} points)", level=1)  # fmt: skip
        for item in category.items:
            score = (
                f"{item.score_percent}% · {item.score_points:g}"
                if item.score_percent is not None
                else ("未评分" if lang == "zh" else "not scored")
            )
            body.heading(f"{item.item_id} {item.title}({item.points}分 · {score})" if lang == "zh"
                         else f"{item.item_id} {item.title} ({item.points} points · {score})", level=2)  # fmt: skip
            for leaf in item.leaves:
                body.heading(f"{leaf.leaf_id} {leaf.title}", level=3)
                for question in leaf.questions[:1]:
                    body.paragraph(_Run(question, italic=True))
                for source, text in leaf.evidence:
                    body.paragraph(text, _Run(f"  〔{source}〕" if lang == "zh" else f"  [{source}]", size=8))
                for text in leaf.admitted:
                    body.paragraph(
                        _Run(("已确认的不足:" if lang == "zh" else "Admitted gap: ") + text, bold=True)
                    )
                if leaf.status in ("uncovered", "partial"):
                    body.paragraph(_Run(f"{PENDING[lang]} {leaf.reason}", bold=True, highlight="yellow"))
                elif leaf.status == "na":
                    body.paragraph(leaf.reason)
    for key in ("opportunities", "consensus"):
        table = data.table(key)
        if table is not None:
            body.heading(table.title, level=1)
            _docx_table(doc, table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    size: float | None = None  # points
    highlight: str | None = None  # a WD_COLOR_INDEX value, e.g. "yellow"


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
        body = doc.element.body
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is None:
            sect_pr = body.makeelement(qn("w:sectPr"), {})
            body.append(sect_pr)
        self._end = sect_pr

    def heading(self, text: str, level: int) -> None:
        self._add(self._styles[level], (_Run(text),))

    def paragraph(self, *runs: str | _Run) -> None:
        self._add(None, tuple(r if isinstance(r, _Run) else _Run(r) for r in runs))

    def _add(self, style_id: str | None, runs: tuple[_Run, ...]) -> None:
        qn, sub = self._qn, self._end.makeelement
        p = sub(qn("w:p"), {})
        if style_id is not None:
            p_pr = sub(qn("w:pPr"), {})
            p_pr.append(sub(qn("w:pStyle"), {qn("w:val"): style_id}))
            p.append(p_pr)
        for run in runs:
            if run.text:
                p.append(self._run(run))
        self._end.addprevious(p)

    def _run(self, run: _Run) -> Any:
        qn, sub = self._qn, self._end.makeelement
        r = sub(qn("w:r"), {})
        # rPr children in schema order: b, i, sz, highlight
        props = [sub(qn("w:b"), {})] if run.bold else []
        if run.italic:
            props.append(sub(qn("w:i"), {}))
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


def _docx_table(doc: Any, table: Table) -> None:
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = xml_text(text)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _fmt(value)


# --- HTML ---------------------------------------------------------------------------------------------

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #ddebf7; }
td.covered { background: #c6efce; } td.partial { background: #ffeb9c; }
td.uncovered { background: #ffc7ce; } td.na { background: #ededed; }
@media print { body { margin: 0; } h2 { page-break-before: auto; } tr { page-break-inside: avoid; } }
"""


def to_html(data: ReportData) -> bytes:
    status_by_label = _status_by_label(data.lang)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if data.lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{esc(_title(data))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(_title(data))}</h1>",
        f"<p>{esc(_summary(data))}</p>",
    ]
    for table in data.tables:
        parts.append(f"<h2>{esc(_fmt(table.title))}</h2><table><thead><tr>")
        parts += [f"<th>{esc(_fmt(h))}</th>" for h in table.header]
        parts.append("</tr></thead><tbody>")
        for row in table.rows:
            parts.append("<tr>")
            for index, value in enumerate(row):
                text = _fmt(value)
                css = status_by_label.get(text, "") if index == table.status_column else ""
                parts.append(f'<td class="{css}">{esc(text)}</td>' if css else f"<td>{esc(text)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return _utf8("\n".join(parts))


WRITERS: dict[str, Callable[[ReportData], bytes]] = {
    "md": to_markdown,
    "csv": to_csv,
    "xlsx": to_xlsx,
    "docx": to_docx,
    "html": to_html,
}
