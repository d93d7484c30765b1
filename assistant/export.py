"""Exports of a session: Markdown, CSV, XLSX, DOCX, HTML and JSON.

All formats are written from one `ReportData`. Files are written to a temporary
name and renamed into place, so a failure never leaves half a file; an existing
file is refused unless `force`.

Text is escaped for each medium on the way out (`assistant.escaping`), so that every
export writes whatever the session holds: Markdown cells carry `&`, `<` and `>` as
entities (a viewer must not run an answer's `<script>`); CSV and XLSX cells are never
formulas; characters XML cannot hold are dropped from every format. The DOCX report
lives in `assistant.export_docx`, the XLSX workbook in `assistant.export_xlsx`, the
HTML charts in `assistant.charts`.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.charts import line_chart_svg
from assistant.escaping import plain, sheet_cell, utf8
from assistant.escaping import safe_cell as safe_cell
from assistant.escaping import xml_text as xml_text
from assistant.export_docx import _DocxBody as _DocxBody
from assistant.export_docx import _Run as _Run
from assistant.export_docx import to_docx
from assistant.export_xlsx import to_xlsx
from assistant.files import OutputError, check_output, write_output
from assistant.i18n import pick
from assistant.measure_layout import all_measures
from assistant.reportdata import STATUS_LABEL, ReportData, build_report_data, report_json
from assistant.reportlabels import summary, title

if TYPE_CHECKING:
    from pathlib import Path

    from assistant.interview import Interview

FORMATS = ("md", "csv", "xlsx", "docx", "html", "json")


#: Unknown formats and unwritable paths are both output problems the user must see.
ExportError = OutputError


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
    if fmt == "json":
        payload: bytes = utf8(json.dumps(report_json(interview), ensure_ascii=False, indent=1) + "\n")
    else:
        payload = WRITERS[fmt](build_report_data(interview))
    return write_output(path, payload, force=force)


# --- Markdown -----------------------------------------------------------------------------------------


def _md(value: Any) -> str:
    """One line of Markdown text: HTML in it shown, not run; no line break or `|` to end a cell."""
    return html.escape(plain(value), quote=False).replace("|", "/").replace("\r", " ").replace("\n", " ")


def to_markdown(data: ReportData) -> bytes:
    lines = [f"# {_md(title(data))}", "", _md(summary(data)), ""]
    for table in data.tables:
        lines += [f"## {_md(table.title)}", ""]
        lines.append("| " + " | ".join(_md(h) for h in table.header) + " |")
        lines.append("|" + "---|" * len(table.header))
        for row in table.rows:
            lines.append("| " + " | ".join(_md(v) for v in row) + " |")
        lines.append("")
    return utf8("\n".join(lines))


# --- CSV ----------------------------------------------------------------------------------------------


def to_csv(data: ReportData) -> bytes:
    """Sections one under another (title row, header, rows, blank row); UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([sheet_cell(title(data))])
    writer.writerow([sheet_cell(summary(data))])
    for table in data.tables:
        writer.writerow([])
        writer.writerow([sheet_cell(table.title)])
        writer.writerow([sheet_cell(h) for h in table.header])  # assessor names are headers too
        for row in table.rows:
            writer.writerow([sheet_cell(v) if isinstance(v, str) else plain(v) for v in row])
    return utf8("\ufeff" + buffer.getvalue())


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
    """One standalone page: the tables, and a line chart per results measure (inline SVG)."""
    by_label = {label: status for status, label in STATUS_LABEL[data.lang].items()}
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if data.lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{esc(title(data))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title(data))}</h1>",
        f"<p>{esc(summary(data))}</p>",
    ]
    charts = _html_charts(data)
    for table in data.tables:
        parts.append(f"<h2>{esc(plain(table.title))}</h2><table><thead><tr>")
        parts += [f"<th>{esc(plain(h))}</th>" for h in table.header]
        parts.append("</tr></thead><tbody>")
        for row in table.rows:
            parts.append("<tr>")
            for index, value in enumerate(row):
                text = plain(value)
                css = by_label.get(text, "") if index == table.status_column else ""
                parts.append(f'<td class="{css}">{esc(text)}</td>' if css else f"<td>{esc(text)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
        if table.key == "data":
            parts += charts
            charts = []
    if charts:  # measures without a results table of their own
        parts.append(f"<h2>{esc(pick(data.lang, '结果数据', 'Results data'))}</h2>")
        parts += charts
    parts.append("</body></html>")
    return utf8("\n".join(parts))


def _html_charts(data: ReportData) -> list[str]:
    """A <figure> per measure: the chart, captioned with the clause it is evidence for."""
    figures = []
    measures = all_measures(item for category in data.outline for item in category.items)
    for index, (leaf, measure) in enumerate(measures, start=1):
        svg = line_chart_svg(measure, chart_id=f"chart-{index}", lang=data.lang)
        caption = html.escape(xml_text(f"{leaf.leaf_id} {leaf.title}"))
        figures.append(f"<figure>{svg}<figcaption>{caption}</figcaption></figure>")
    return figures


WRITERS: dict[str, Callable[[ReportData], bytes]] = {
    "md": to_markdown,
    "csv": to_csv,
    "xlsx": to_xlsx,
    "docx": to_docx,
    "html": to_html,
}
