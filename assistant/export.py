"""Exports of a session: Markdown, CSV, XLSX, DOCX, HTML and JSON.

All formats are written from one `ReportData`. Files are written to a temporary
name and renamed into place, so a failure never leaves half a file; an existing
file is refused unless `force`. Text cells that a spreadsheet would read as a
formula (=, +, -, @, tab, carriage return) are neutralised with a leading
apostrophe in CSV and XLSX.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
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


#: Unknown formats and unwritable paths are both output problems the user must see.
ExportError = OutputError


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
    return str(value)


def _title(data: ReportData) -> str:
    if data.lang == "zh":
        return f"{data.company} 卓越绩效自评报告({data.framework})"
    return f"{data.company}: self-assessment against {data.framework}"


def _summary(data: ReportData) -> str:
    if data.lang == "zh":
        return f"会话:{data.session} · 覆盖率 {data.coverage:.0%} · 总分 {data.total_points:g} / 1000"
    return f"Session: {data.session} · coverage {data.coverage:.0%} · total {data.total_points:g} / 1000"


# --- Markdown -----------------------------------------------------------------------------------------


def to_markdown(data: ReportData) -> bytes:
    lines = [f"# {_title(data)}", "", _summary(data), ""]
    for table in data.tables:
        lines += [f"## {table.title}", ""]
        lines.append("| " + " | ".join(table.header) + " |")
        lines.append("|" + "---|" * len(table.header))
        for row in table.rows:
            cells = [_fmt(v).replace("|", "/").replace("\n", " ") for v in row]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).encode()


# --- CSV ----------------------------------------------------------------------------------------------


def to_csv(data: ReportData) -> bytes:
    """Sections one under another (title row, header, rows, blank row); UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(_title(data))])
    writer.writerow([safe_cell(_summary(data))])
    for table in data.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow([safe_cell(v) if isinstance(v, str) else _fmt(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------------

_SHEET_NAMES = {"gaps": ("差距清单", "Gaps"), "items": ("评分项", "Items"), "categories": ("类目", "Categories"),
                "evidence": ("证据", "Evidence"), "consensus": ("共识", "Consensus"), "profile": ("组织概述", "Profile"),
                "opportunities": ("改进机会", "Opportunities")}  # fmt: skip
_WIDTH_CAP = 60


def to_xlsx(data: ReportData) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    workbook.remove(workbook.active)
    status_by_label = _status_by_label(data.lang)
    for table in data.tables:
        zh, en = _SHEET_NAMES.get(table.key, (table.title, table.title))
        sheet = workbook.create_sheet(zh if data.lang == "zh" else en)
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.header, start=1):
            values = [header, *(_fmt(r[index - 1]) for r in table.rows)]
            width = max(_display_width(v) for v in values) + 2
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(width, 8), _WIDTH_CAP)
        if table.status_column is not None:
            for row_cells in sheet.iter_rows(min_row=2):
                cell = row_cells[table.status_column]
                status = status_by_label.get(str(cell.value))
                if status:
                    cell.fill = PatternFill("solid", fgColor=STATUS_FILL[status])
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _display_width(text: str) -> int:
    # CJK characters take two columns in a spreadsheet, as in a terminal
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _status_by_label(lang: str) -> dict[str, str]:
    return {label: status for status, label in STATUS_LABEL[lang].items()}


# --- DOCX ---------------------------------------------------------------------------------------------


def to_docx(data: ReportData) -> bytes:
    """A self-assessment report skeleton in clause order, with a visible marker at each gap."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    lang = data.lang
    doc = Document()
    doc.add_heading(_title(data), level=0)
    doc.add_paragraph(_summary(data))
    profile = data.table("profile")
    if profile is not None:
        doc.add_heading(profile.title, level=1)
        for node_id, title, text in profile.rows:
            doc.add_heading(f"{node_id} {title}", level=3)
            for line in str(text).split("\n"):
                doc.add_paragraph(line)
    for category in data.outline:
        doc.add_heading(f"{category.category_id} {category.title}({category.points}{'分' if lang == 'zh' else ' points'})"
                        if lang == "zh" else f"{category.category_id} {category.title} ({category.points} points)", level=1)  # fmt: skip
        for item in category.items:
            score = (
                f"{item.score_percent}% · {item.score_points:g}"
                if item.score_percent is not None
                else ("未评分" if lang == "zh" else "not scored")
            )
            doc.add_heading(f"{item.item_id} {item.title}({item.points}分 · {score})" if lang == "zh"
                            else f"{item.item_id} {item.title} ({item.points} points · {score})", level=2)  # fmt: skip
            for leaf in item.leaves:
                doc.add_heading(f"{leaf.leaf_id} {leaf.title}", level=3)
                for question in leaf.questions[:1]:
                    run = doc.add_paragraph().add_run(question)
                    run.italic = True
                for source, text in leaf.evidence:
                    paragraph = doc.add_paragraph(text)
                    paragraph.add_run(f"  〔{source}〕" if lang == "zh" else f"  [{source}]").font.size = Pt(
                        8
                    )
                for text in leaf.admitted:
                    run = doc.add_paragraph().add_run(("已确认的不足:" if lang == "zh" else "Admitted gap: ") + text)
                    run.bold = True
                if leaf.status in ("uncovered", "partial"):
                    marker = doc.add_paragraph()
                    run = marker.add_run(f"{PENDING[lang]} {leaf.reason}")
                    run.bold = True
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
                elif leaf.status == "na":
                    doc.add_paragraph(leaf.reason)
    for key in ("opportunities", "consensus"):
        table = data.table(key)
        if table is not None:
            doc.add_heading(table.title, level=1)
            _docx_table(doc, table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_table(doc: Any, table: Table) -> None:
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
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
        parts.append(f"<h2>{esc(table.title)}</h2><table><thead><tr>")
        parts += [f"<th>{esc(h)}</th>" for h in table.header]
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
    return "\n".join(parts).encode()


WRITERS: dict[str, Callable[[ReportData], bytes]] = {
    "md": to_markdown,
    "csv": to_csv,
    "xlsx": to_xlsx,
    "docx": to_docx,
    "html": to_html,
}
