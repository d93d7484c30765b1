"""The XLSX export: one sheet per table, ready to filter and to print, and the results
data with a native line chart per measure.

Every sheet prints landscape on A4, one page wide and as many long as it takes, with
the header row repeated on each page; the header is frozen and carries an autofilter;
columns are as wide as their text reads (a CJK character counts two), up to a cap,
and long text wraps. The 结果数据 sheet lists each measure period by period with its
comparisons repeated on every row, so that a chart draws them as flat lines.
"""

from __future__ import annotations

import io
import math
from typing import Any

from assistant.charts import nice_ticks
from assistant.escaping import display_width, plain, sheet_cell, xml_text
from assistant.i18n import pick
from assistant.measure_layout import all_measures, comparison_columns
from assistant.measures import finite, measure_title
from assistant.reportdata import STATUS_LABEL, LeafSection, MeasureTable, ReportData, Table

STATUS_FILL = {"covered": "C6EFCE", "partial": "FFEB9C", "uncovered": "FFC7CE", "na": "EDEDED"}
SHEET_NAMES = {"gaps": ("差距清单", "Gaps"), "items": ("评分项", "Items"), "categories": ("类目", "Categories"),
               "evidence": ("证据", "Evidence"), "consensus": ("共识", "Consensus"), "profile": ("组织概述", "Profile"),
               "opportunities": ("改进机会", "Opportunities"), "strengths": ("优势", "Strengths"),
               "data": ("结果数据", "Results data")}  # fmt: skip
WIDTH_CAP = 60
_MIN_WIDTH = 8
#: width units across a landscape page before fit-to-width shrinks the text below ~7 points;
#: past it, the widest columns give way (down to _FLOOR) and wrap more
PAGE_BUDGET = 200
_FLOOR = 20
_LINE_HEIGHT = 15  # points per wrapped line, as Excel's default row
_MAX_ROW_HEIGHT = 409  # Excel's limit
_CHART_ROWS = 18  # rows between the tops of two charts on the results sheet
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def to_xlsx(data: ReportData) -> bytes:
    # write-only: rows stream to the file instead of living as Cell objects; and each
    # cell takes one of a few named styles rather than new Font/PatternFill/Alignment
    # objects that openpyxl would hash and deduplicate one cell at a time
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    styles = _Styles(workbook)
    measures = all_measures(item for category in data.outline for item in category.items)
    taken: set[str] = set()
    charted = False
    for table in data.tables:
        if table.key == "data" and measures:
            _results_sheet(workbook, data.lang, measures, styles, taken)
            charted = True
        else:
            _table_sheet(workbook, data.lang, table, styles, taken)
    if measures and not charted:
        _results_sheet(workbook, data.lang, measures, styles, taken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Styles:
    """The named styles, registered once: header, body, and a body cell per status colour."""

    def __init__(self, workbook: Any) -> None:
        from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

        header = NamedStyle(
            "zhuoyue header",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="DDEBF7"),
            alignment=Alignment(wrap_text=True, vertical="center"),
        )
        body = NamedStyle("zhuoyue body", alignment=Alignment(wrap_text=True, vertical="top"))
        workbook.add_named_style(header)
        workbook.add_named_style(body)
        self.header, self.body = header.name, body.name
        self.status: dict[str, str] = {}
        for status, colour in STATUS_FILL.items():
            style = NamedStyle(
                f"zhuoyue {status}",
                fill=PatternFill("solid", fgColor=colour),
                alignment=Alignment(wrap_text=True, vertical="top"),
            )
            workbook.add_named_style(style)
            self.status[status] = style.name


def _cell(sheet: Any, value: Any, style: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, sheet_cell(value))
    cell.style = style
    return cell


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A name Excel accepts (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = wanted.translate(_BAD_SHEET_CHARS).strip().strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f" {n}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name)
    return name


def _lines(values: Any) -> list[list[int]]:
    """The display width of every line of every cell of a row."""
    return [[display_width(line) for line in plain(v).split("\n")] for v in values]


def column_widths(header: tuple[str, ...], rows: Any) -> list[float]:
    """Each column as wide as its widest line reads, at least 8 and at most 60 characters."""
    return _widths([_lines(header), *(_lines(r) for r in rows)])


def _widths(measured: list[list[list[int]]]) -> list[float]:
    widths = [0] * len(measured[0])
    for row in measured:
        for index, lines in enumerate(row):
            widths[index] = max(widths[index], *lines)
    return [min(max(w + 2, _MIN_WIDTH), WIDTH_CAP) for w in widths]


def fit_to_page(widths: list[float]) -> list[float]:
    """Widths narrowed, widest first, so that a printed page keeps its text readable."""
    total = sum(widths)
    wide = [w for w in widths if w > _FLOOR]
    if total <= PAGE_BUDGET or not wide:
        return widths
    room = max(PAGE_BUDGET - (total - sum(wide)), _FLOOR * len(wide)) - _FLOOR * len(wide)
    excess = sum(w - _FLOOR for w in wide)
    return [w if w <= _FLOOR else round(_FLOOR + (w - _FLOOR) * room / excess, 1) for w in widths]


def row_height(values: Any, widths: list[float]) -> float | None:
    """Points a row needs to show its wrapped text, or None for one line (the default height).

    Spreadsheets do not all grow a row to its wrapped text when they open a file (LibreOffice
    keeps the default), so the height is estimated from the text's display width."""
    return _height(_lines(values), widths)


def _height(measured: list[list[int]], widths: list[float]) -> float | None:
    lines = 1
    for cell, width in zip(measured, widths, strict=False):
        usable = max(width - 1, 1)
        lines = max(lines, sum(max(1, math.ceil(w / usable)) for w in cell))
    return None if lines == 1 else min(lines * _LINE_HEIGHT, _MAX_ROW_HEIGHT)


def _write_rows(
    sheet: Any,
    lang: str,
    header: tuple[str, ...],
    rows: Any,
    styles: _Styles,
    status_column: int | None = None,
) -> None:
    """Widths, print setup, then the header and the rows, each as tall as its wrapped text.

    Every cell is measured once: the widths and the row heights both come from it."""
    measured = [_lines(header), *(_lines(r) for r in rows)]
    widths = fit_to_page(_widths(measured))
    print_ready(sheet, len(header), len(measured), widths)
    by_label = {label: status for status, label in STATUS_LABEL[lang].items()}
    for index, (values, lines) in enumerate(zip((header, *rows), measured, strict=True), start=1):
        style = styles.header if index == 1 else styles.body
        cells = [_cell(sheet, v, style) for v in values]
        if index > 1 and status_column is not None:
            status = by_label.get(str(values[status_column]))
            if status:
                cells[status_column] = _cell(sheet, values[status_column], styles.status[status])
        height = _height(lines, widths)
        if height is not None:  # a write-only sheet takes a row's height before the row
            sheet.row_dimensions[index].height = height
        sheet.append(cells)


def print_ready(sheet: Any, columns: int, rows: int, widths: list[float]) -> None:
    """Landscape A4, one page wide, header frozen, filtered and repeated on every page.

    Column widths go first: a write-only sheet writes them before its rows."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(max(columns, 1))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{max(rows, 1)}"
    sheet.print_title_rows = "1:1"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = 9  # A4 (Worksheet.PAPERSIZE_A4; a write-only sheet lacks the constant)
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "&P / &N"


def _table_sheet(workbook: Any, lang: str, table: Table, styles: _Styles, taken: set[str]) -> None:
    zh, en = SHEET_NAMES.get(table.key, (table.title, table.title))
    sheet = workbook.create_sheet(sheet_name(pick(lang, zh, en), taken))
    _write_rows(sheet, lang, table.header, table.rows, styles, table.status_column)


def _results_sheet(
    workbook: Any,
    lang: str,
    measures: list[tuple[LeafSection, MeasureTable]],
    styles: _Styles,
    taken: set[str],
) -> None:
    """Each measure period by period, its comparisons as columns, and a line chart per measure."""
    from openpyxl.utils import get_column_letter

    zh, en = SHEET_NAMES["data"]
    sheet = workbook.create_sheet(sheet_name(pick(lang, zh, en), taken))
    cleaned = [(leaf, finite(m)) for leaf, m in measures]
    references = comparison_columns(m for _, m in cleaned)
    header = tuple(pick(lang, *p) for p in (("条款", "Clause"), ("名称", "Title"), ("指标", "Measure"),
                                            ("单位", "Unit"), ("期间", "Period"), ("数值", "Value"))) + references  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    blocks: list[tuple[MeasureTable, int, int]] = []  # a measure and its first and last row
    for leaf, m in cleaned:
        by_reference = dict(m.comparisons)
        first = len(rows) + 2
        for period, value in m.periods or (("", None),):
            rows.append((leaf.leaf_id, leaf.title, m.measure, m.unit, period, value,
                         *(by_reference.get(r) for r in references)))  # fmt: skip
        if m.periods:
            blocks.append((m, first, len(rows) + 1))
    _write_rows(sheet, lang, header, rows, styles)
    beside = get_column_letter(len(header) + 2)
    for index, (m, first, last) in enumerate(blocks):
        sheet.add_chart(
            _line_chart(sheet, m, first, last, references, lang), f"{beside}{2 + index * _CHART_ROWS}"
        )


def _line_chart(
    sheet: Any, m: MeasureTable, first: int, last: int, references: tuple[str, ...], lang: str
) -> Any:
    """The measure as a line over its periods; each of its comparisons a dashed flat line."""
    from openpyxl.chart import LineChart, Reference, Series
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties

    chart = LineChart()
    chart.title = xml_text(measure_title(m, lang))
    chart.width, chart.height = 16, 7.5  # cm
    chart.x_axis.title = pick(lang, "期间", "Period")
    if m.unit:
        chart.y_axis.title = xml_text(m.unit)
    values = [v for _, v in m.periods] + [v for _, v in m.comparisons]
    ticks = nice_ticks(min(values), max(values))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = ticks[0], ticks[-1]
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes by default
    chart.visible_cells_only = False  # filtering the sheet must not empty the charts
    value_col = 6
    main = Series(Reference(sheet, min_col=value_col, min_row=first, max_row=last), title=xml_text(m.measure))
    main.marker.symbol = "circle"
    main.smooth = False
    chart.series.append(main)
    own = {name for name, _ in m.comparisons}
    for offset, name in enumerate(references, start=1):
        if name not in own:
            continue
        flat = Series(
            Reference(sheet, min_col=value_col + offset, min_row=first, max_row=last), title=xml_text(name)
        )
        flat.graphicalProperties = GraphicalProperties(ln=LineProperties(prstDash="dash", w=19050))
        flat.marker.symbol = "none"
        flat.smooth = False
        chart.series.append(flat)
    chart.set_categories(Reference(sheet, min_col=value_col - 1, min_row=first, max_row=last))
    return chart
