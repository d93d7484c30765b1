"""Text hygiene at the boundary: cleaned once on the way in, escaped for each medium on the way out.

In: control, bidi and zero-width characters are dropped and invalid UTF-8 replaced.
Out: terminal lines carry no escape sequence, Markdown shows HTML instead of running
it, CSV and XLSX cells (headers included) are never formulas, and XLSX/DOCX accept
whatever a session holds, control characters included.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest

from assistant.console import err, out, safe
from assistant.export import export_session, to_docx, to_markdown, to_xlsx
from assistant.interview import Interview
from assistant.merge import merge_sessions
from assistant.reportdata import Table, build_report_data
from assistant.storage import Store
from assistant.textnorm import clean
from tests.conftest import run_cli
from tui.chat import Chat

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZWNobyBoaQ==\x07"
CLEAR = "\x1b[2J\x1b[H"
HOSTILE_NAME = f"evil{OSC_TITLE}{OSC_CLIPBOARD}{CLEAR}"
FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def no_escape(text: str) -> bool:
    return not any(ch in text for ch in "\x1b\x07\x9b\x9d")


# --- in: clean ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
     "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
     "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"],
)  # fmt: skip
def test_clean_drops_control_bidi_and_zero_width_characters(char):
    assert clean(f"投诉{char}24小时") == "投诉24小时"


def test_clean_replaces_invalid_utf8_and_keeps_line_breaks():
    assert clean(b"ab\xffc") == "ab\ufffdc"
    assert clean("ab\udcffc") == "ab\ufffdc"  # what surrogateescape makes of an invalid byte
    assert clean("一\r\n二\r三\t四") == "一\n二\n三 四"


def test_clean_drops_a_bidi_override_inside_an_answer(interview):
    interview.goto("4.3.3.2.3")
    interview.answer("投诉由客服中心\u202e统一受理\u202c,24小时内\u2060答复。")
    assert interview.answers()[-1].text == "投诉由客服中心统一受理,24小时内答复。"


def test_session_and_company_names_are_cleaned_on_create_and_rename(store):
    row = store.create_session(f"华东\u202e精工{OSC_TITLE}", framework="GB/T 19580-2012", company="华东\u200b精工\x07")
    assert (row.name, row.company) == ("华东精工]0;pwned", "华东精工")
    store.rename(row.name, "新\u2066名\x1b[2J")
    assert store.sessions()[0].name == "新名[2J"


# --- out: the terminal --------------------------------------------------------------------------------


@pytest.mark.parametrize("sequence", [OSC_TITLE, OSC_CLIPBOARD, CLEAR, "\x9b2J", "\x1bP1$r\x1b\\", "\r"])
def test_safe_makes_escape_sequences_inert_and_visible(sequence):
    text = safe(f"name{sequence}end")
    assert no_escape(text) and "\r" not in text
    assert text.startswith("name") and text.endswith("end") and "\\u" in text


def test_safe_keeps_newlines_tabs_crlf_and_json_valid():
    assert safe("a\tb\nc\r\n") == "a\tb\nc\r\n"
    line = safe(json.dumps({"name": "x\x9by\u202ez"}, ensure_ascii=False))
    assert json.loads(line) == {"name": "x\x9by\u202ez"}  # shown escaped, still the same JSON value
    assert safe("lone \udcff") == "lone \ufffd"  # would not even encode


def test_every_cli_line_goes_through_safe(capsys):
    out(f"session {HOSTILE_NAME}")
    err(f"error: {HOSTILE_NAME}")
    captured = capsys.readouterr()
    assert no_escape(captured.out) and no_escape(captured.err)
    assert "evil" in captured.out and "evil" in captured.err


def test_chat_greeting_and_a_mistyped_command_carry_no_escape(kb, dialogues, matcher, store):
    iv = Interview.open(store, HOSTILE_NAME, kb, dialogues, matcher, create=True, scope="4.3")
    try:
        buffer = io.StringIO()
        chat = Chat(iv, buffer)
        chat.greet()
        chat.handle(f"/go{OSC_TITLE}to{CLEAR}")
        chat.handle(f"/{OSC_CLIPBOARD}")
        text = buffer.getvalue()
    finally:
        iv.close()
    assert no_escape(text)
    assert "evil" in text and "/go" in text  # the name and the mistyped command are still shown


def test_sessions_list_show_and_import_print_no_escape(tmp_path):
    db = tmp_path / "hostile.db"
    store = Store(db)
    store.create_session(HOSTILE_NAME, framework="GB/T 19580-2012", company=f"co{CLEAR}")
    name = store.sessions()[0].name  # whatever the store kept
    store.close()
    listed = run_cli("sessions", "list", "--db", str(db))
    shown = run_cli("sessions", "show", name, "--db", str(db))
    assert listed.returncode == 0 and shown.returncode == 0, listed.stderr + shown.stderr
    assert no_escape(listed.stdout) and no_escape(shown.stdout) and "evil" in listed.stdout
    exported = tmp_path / "s.json"
    assert run_cli("sessions", "export", name, str(exported), "--db", str(db)).returncode == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["session"]["name"] = f"imported{OSC_TITLE}{CLEAR}"
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    imported = run_cli("sessions", "import", str(exported), "--db", str(db))
    assert no_escape(imported.stdout) and no_escape(imported.stderr)
    assert "imported" in imported.stdout + imported.stderr


def test_import_of_a_draft_named_with_escapes_prints_no_escape(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("## 4.3.3.2 顾客投诉\n投诉由客服中心统一受理,24小时内答复。\n", encoding="utf-8")
    result = run_cli("import", str(draft), "--session", f"d{OSC_TITLE}{CLEAR}", "--db", str(tmp_path / "d.db"))
    assert result.returncode == 0, result.stderr
    assert no_escape(result.stdout) and no_escape(result.stderr) and "imported" in result.stdout


# --- out: exports -------------------------------------------------------------------------------------


@pytest.fixture
def hostile(kb, dialogues, matcher, store):
    """A session whose answers carry HTML, a formula, and (as an older database may) raw control characters."""
    iv = Interview.open(store, "hostile", kb, dialogues, matcher, create=True, company="华东<b>精工</b>")
    iv.goto("4.3.3.2.3")
    iv.answer(f"投诉由客服中心统一受理 {SCRIPT} 24小时内答复 {IMG}")
    store.add_evidence(iv.session.id, None, "4.3.3.3.1", f"满意度测评{OSC_TITLE}\x00\x0b问卷", 0.5, "answer")
    yield iv
    iv.close()


def test_markdown_shows_html_in_user_text_instead_of_running_it(hostile, tmp_path):
    text = export_session(hostile, tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert text.startswith("# 华东&lt;b&gt;精工&lt;/b&gt;")


def _with_hostile_names(data):
    """The report data of a session whose names and cells carry control characters and a formula header."""
    table = Table("consensus", "共识", ("评分项", FORMULA, f"王{OSC_TITLE}"), (("4.3.3", f"4{CLEAR}0", 45),))
    return dataclasses.replace(
        data, session=f"s{OSC_TITLE}\x00", company=f"华东\x01精工{CLEAR}", tables=(*data.tables, table)
    )


def test_xlsx_and_docx_write_names_with_control_characters(hostile):
    from docx import Document
    from openpyxl import load_workbook

    data = _with_hostile_names(build_report_data(hostile))
    book = load_workbook(io.BytesIO(to_xlsx(data)))
    values = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("满意度测评") for v in values)
    doc = Document(io.BytesIO(to_docx(data)))
    assert doc.paragraphs[0].text.startswith("华东精工")
    assert any(p.text.startswith("满意度测评") for p in doc.paragraphs)
    assert to_markdown(data).decode().startswith("# 华东精工")


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "md", "csv", "html", "json"])
def test_every_export_writes_whatever_the_session_holds(hostile, tmp_path, fmt):
    assert export_session(hostile, tmp_path / f"r.{fmt}").stat().st_size > 0


def test_csv_and_xlsx_headers_are_never_formulas(hostile, tmp_path):
    from openpyxl import load_workbook

    data = _with_hostile_names(build_report_data(hostile))
    from assistant.export import to_csv

    cells = [c for row in csv.reader(io.StringIO(to_csv(data).decode("utf-8-sig"))) for c in row]
    assert f"'{FORMULA}" in cells and FORMULA not in cells
    sheet = load_workbook(io.BytesIO(to_xlsx(data)))["共识"]
    header = [c.value for c in sheet[1]]
    assert header[1] == f"'{FORMULA}" and sheet["B1"].data_type == "s"


def test_a_formula_named_assessor_is_not_a_live_consensus_header(kb, dialogues, matcher, store, tmp_path):
    from openpyxl import load_workbook

    for name, percent in ((FORMULA, 40), ("li", 60)):
        iv = Interview.open(store, name, kb, dialogues, matcher, create=True)
        iv.set_score("4.3.3", percent)
        iv.close()
    merged = merge_sessions(store, [FORMULA, "li"], "consensus")
    iv = Interview(kb, dialogues, matcher, store, merged, read_only=True)
    book = load_workbook(export_session(iv, tmp_path / "c.xlsx"))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert f"'{FORMULA}" in [c.value for c in book["共识"][1]]
    raw = export_session(iv, tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(raw)) for cell in row)


# --- speed: the same documents, built in linear time --------------------------------------------------


def test_docx_paragraphs_are_the_xml_python_docx_writes():
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    from assistant.export import _DocxBody, _Run

    ours, theirs = Document(), Document()
    body = _DocxBody(ours)
    body.heading("4.3 顾客与市场", level=1)
    body.paragraph("  前导空格\t制表\n换行", _Run("  〔回答〕", size=8))
    body.paragraph(_Run("已确认的不足:x", bold=True), _Run("问?", italic=True))
    body.paragraph(_Run("【待补充】 y", bold=True, highlight="yellow"))
    body.paragraph("")
    theirs.add_heading("4.3 顾客与市场", level=1)
    p = theirs.add_paragraph("  前导空格\t制表\n换行")
    p.add_run("  〔回答〕").font.size = Pt(8)
    p = theirs.add_paragraph()
    p.add_run("已确认的不足:x").bold = True
    p.add_run("问?").italic = True
    run = theirs.add_paragraph().add_run("【待补充】 y")
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    theirs.add_paragraph("")
    assert ours.element.body.xml == theirs.element.body.xml


def test_xlsx_cells_share_a_few_named_styles(hostile, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(export_session(hostile, tmp_path / "r.xlsx"))
    assert {"zhuoyue header", "zhuoyue body", "zhuoyue uncovered"} <= set(book.named_styles)
    assert len(book._cell_styles) <= 10  # one per named style, not one per cell
    gaps = book["差距清单"]
    assert gaps["A1"].font.b and gaps["A2"].alignment.wrap_text and gaps["A2"].alignment.vertical == "top"



def test_an_imported_draft_paragraph_is_cleaned_on_its_way_into_the_database(store):
    row = store.create_session("d", framework="GB/T 19580-2012")
    with store.transaction():
        answer = store.add_answer(row.id, None, "draft.txt", "投诉\u202e由客服\u2060中心受理\x1b[2J", "")
        store.add_evidence(row.id, answer, "4.3.3.2.3", "投诉\u202e由客服\u2060中心受理\x1b[2J", None, "import")
    assert store.answers(row.id)[0].text == "投诉由客服中心受理[2J"
    assert store.evidence(row.id)[0].text == "投诉由客服中心受理[2J"
