"""Hostile and failing files: each gives one line to the user, leaves nothing partial, and never a traceback.

Covers the atomic writer (and the matcher's cache), .docx drafts that are bombs,
damaged, encrypted or carry hostile XML, and text drafts in UTF-16, Big5 and GBK.
"""

from __future__ import annotations

import errno
import io
import os
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest

from assistant import files, matching
from assistant.files import OutputError, write_output
from assistant.importer import MAX_DOCX_XML_BYTES, DraftError, import_draft, read_draft
from tests.conftest import run_cli

DRAFT_ZH = "4.3.3.2.3 顾客投诉处理\n\n投诉由客服中心统一受理，24小时内答复，每季度做投诉分析并推动改进。\n"
DRAFT_TW = "4.3.3.2.3 顧客投訴處理\n\n投訴由客服中心統一受理，24小時內答覆，每季度做投訴分析並推動改進。\n"


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message
    return message


# --- the atomic writer -------------------------------------------------------


def test_write_output_makes_its_temp_file_with_mkstemp_so_a_planted_symlink_is_not_followed(
    tmp_path, monkeypatch
):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "shared" / "report.md"
    target.parent.mkdir()
    # the name the old writer would have used, planted by someone sharing the folder
    (target.parent / f".report.md.{os.getpid()}.tmp").symlink_to(victim)
    made = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args, **kwargs):
        made.append(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    write_output(target, b"report")
    assert victim.read_text() == "precious"
    assert target.read_bytes() == b"report" and not target.is_symlink()
    assert made == [target.parent]
    assert sorted(p.name for p in target.parent.iterdir()) == [f".report.md.{os.getpid()}.tmp", "report.md"]


def test_write_output_gives_the_new_file_the_usual_mode_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_output(tmp_path / "out.csv", b"a,b\n")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_output_into_a_read_only_folder_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # root ignores chmod, so inject what a user would get
    with pytest.raises(OutputError) as caught:
        write_output(tmp_path / "report.md", b"report")
    assert "permission denied" in _one_line(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_write_output_into_a_real_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            write_output(folder / "report.md", b"report")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("force", [False, True])
def test_write_output_to_a_folder_is_refused_in_one_line(tmp_path, force):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OutputError) as caught:
        write_output(folder, b"report", force=force)
    assert "is a folder" in _one_line(caught.value)
    assert folder.is_dir() and list(folder.iterdir()) == [] and list(tmp_path.iterdir()) == [folder]


def test_full_disk_while_writing_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_bytes(b"old report")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OutputError) as caught:
        write_output(target, b"new report " * 10_000, force=True)
    assert _one_line(caught.value) == f"cannot write {target}: the disk is full"
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_report_to_a_folder_from_the_cli_is_one_error_line(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text(DRAFT_ZH, encoding="utf-8")
    db = str(tmp_path / "r.db")
    assert run_cli("import", str(draft), "--session", "d", "--db", db).returncode == 0
    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("md", "docx"):
        result = run_cli("report", "d", "--db", db, "-o", str(folder), "--format", fmt)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            f"error: {folder} is a folder; give a file name inside it"
        ]
    assert list(folder.iterdir()) == []


# --- the matcher's cached index -----------------------------------------------


def test_index_save_does_not_follow_a_symlink_planted_at_the_old_temp_name(matcher, tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    path = tmp_path / "index.npz"
    (tmp_path / f"index.npz.{os.getpid()}.tmp").symlink_to(victim)
    matcher.index.save(path)
    assert victim.read_bytes() == b"precious"
    assert matching.Index.load(path).terms == matcher.index.terms


def test_index_save_on_a_full_disk_keeps_the_old_index_and_leaves_no_temp(matcher, tmp_path, monkeypatch):
    path = tmp_path / "index.npz"
    path.write_bytes(b"the old index")

    def half_then_full(fh, **arrays):
        fh.write(b"PK\x03\x04 half an index")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(matching.np, "savez", half_then_full)
    with pytest.raises(OSError) as caught:  # load_matcher shrugs it off: the next start rebuilds
        matcher.index.save(path)
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == b"the old index"
    assert [p.name for p in tmp_path.iterdir()] == ["index.npz"]


# --- .docx drafts ------------------------------------------------------------


def _docx_bytes() -> dict[str, bytes]:
    from docx import Document

    doc = Document()
    doc.add_heading("4.3.3.2.3 顾客投诉处理", 2)
    doc.add_paragraph("投诉由客服中心统一受理。")
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return {name: package.read(name) for name in package.namelist()}


def _write_docx(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def _with_document(path: Path, change) -> Path:
    parts = _docx_bytes()
    parts["word/document.xml"] = change(parts["word/document.xml"])
    return _write_docx(path, parts)


def _patch_central_entry(path: Path, name: str, *, flags: int | None = None, size: int | None = None) -> None:
    # rewrite one central-directory record, which is what zipfile (and python-docx) trust
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        start = package.start_dir
    offset = start
    while data[offset : offset + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46 : offset + 46 + name_len].decode() == name:
            if flags is not None:
                struct.pack_into("<H", data, offset + 8, flags)
            if size is not None:
                struct.pack_into("<I", data, offset + 24, size)
        offset += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def _zip_bomb(path: Path) -> Path:
    # 60 MB of spaces deflate to about 60 KB; the entry honestly declares its 60 MB
    parts = _docx_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            if name != "word/document.xml":
                package.writestr(name, data)
        with package.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(parts["word/document.xml"])
            block = b" " * (1 << 20)
            for _ in range(MAX_DOCX_XML_BYTES // len(block) + 10):
                fh.write(block)
    return path


def _never(*args, **kwargs):
    raise AssertionError("reached a step the check should have stopped before")


def test_zip_bomb_docx_is_refused_from_its_declared_sizes_before_parsing(tmp_path, monkeypatch):
    import docx

    bomb = _zip_bomb(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 200_000
    monkeypatch.setattr(docx, "Document", _never)
    monkeypatch.setattr(zipfile.ZipFile, "open", _never)  # not one byte is inflated
    with pytest.raises(DraftError) as caught:
        read_draft(bomb)
    assert _one_line(caught.value) == (
        "bomb.docx unpacks to more than 50 MB of document XML (a zip bomb?); it is refused"
    )


def test_zip_bomb_docx_that_lies_about_its_size_is_refused_without_inflating_it(tmp_path, monkeypatch):
    import docx

    bomb = _zip_bomb(tmp_path / "liar.docx")
    _patch_central_entry(bomb, "word/document.xml", size=2_000)
    monkeypatch.setattr(docx, "Document", _never)
    with pytest.raises(DraftError) as caught:
        read_draft(bomb)
    assert "cannot be opened as a Word document" in _one_line(caught.value)


def _truncated(path: Path) -> Path:
    _write_docx(path, _docx_bytes())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def _bad_crc(path: Path) -> Path:
    # a part whose bytes changed after the zip was written: only its checksum tells
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as package:
        for name, value in _docx_bytes().items():
            package.writestr(name, value)
        offset = package.getinfo("word/document.xml").header_offset
    data = bytearray(path.read_bytes())
    at = data.index(b"<w:body>", offset)
    data[at + 1 : at + 2] = b"W"
    path.write_bytes(bytes(data))
    return path


def _zip_encrypted(path: Path) -> Path:
    _write_docx(path, _docx_bytes())
    _patch_central_entry(path, "word/document.xml", flags=0x1)
    return path


def _office_encrypted(path: Path) -> Path:
    # what Word writes for a password-protected .docx: an OLE container
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return path


_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def _billion_laughs(path: Path) -> Path:
    def add(xml: bytes) -> bytes:
        head, body = xml.split(b"?>", 1)
        return head + b"?>" + _LAUGHS + body.replace("投诉由".encode(), b"&lol9;", 1)

    return _with_document(path, add)


def _control_reference(path: Path) -> Path:
    return _with_document(path, lambda xml: xml.replace("投诉由".encode(), b"&#27;]0;owned&#7;", 1))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_truncated, "bad.docx cannot be opened as a Word document (damaged, encrypted or not .docx): File is not a zip file"),
        (_bad_crc, "bad.docx cannot be opened as a Word document (damaged, encrypted or not .docx): Bad CRC-32 for file 'word/document.xml'"),
        (_zip_encrypted, "bad.docx is encrypted; save an unprotected copy as .docx"),
        (_office_encrypted, "bad.docx is password-protected; save an unprotected copy as .docx"),
        (_billion_laughs, "bad.docx declares an XML DOCTYPE in word/document.xml, which Word never writes; it is refused as hostile"),
        (_control_reference, "bad.docx cannot be opened as a Word document (damaged, encrypted or not .docx): xmlParseCharRef: invalid xmlChar value 27, line 2, column"),
    ],
    ids=["truncated", "bad-crc", "zip-encrypted", "office-encrypted", "billion-laughs", "char-ref-27"],
)  # fmt: skip
def test_damaged_or_hostile_docx_is_one_line_and_creates_no_session(
    kb, matcher, store, tmp_path, make, message
):
    path = make(tmp_path / "bad.docx")
    with pytest.raises(DraftError) as caught:
        import_draft(path, store, kb, matcher)
    assert _one_line(caught.value).startswith(message)
    assert store.sessions() == []


def test_docx_doctype_is_refused_even_when_lxml_would_parse_it(tmp_path):
    # an external entity needs no bomb to be hostile; the DTD alone is refused
    xxe = b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    path = _with_document(tmp_path / "xxe.docx", lambda xml: xml.replace(b"?>", b"?>" + xxe, 1))
    with pytest.raises(DraftError, match="declares an XML DOCTYPE"):
        read_draft(path)


def test_hostile_docx_import_from_the_cli_is_one_error_line_and_the_database_stays_usable(tmp_path):
    db = str(tmp_path / "h.db")
    for make in (_control_reference, _billion_laughs):
        result = run_cli("import", str(make(tmp_path / "bad.docx")), "--db", db)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: bad.docx "), result.stderr
    listed = run_cli("sessions", "list", "--db", db)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr


def test_an_ordinary_docx_still_imports_after_the_checks(tmp_path):
    path = _write_docx(tmp_path / "ok.docx", _docx_bytes())
    assert [p.text for p in read_draft(path)] == ["4.3.3.2.3 顾客投诉处理", "投诉由客服中心统一受理。"]


# --- text drafts in other encodings -----------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_text_drafts_with_a_byte_order_mark_are_read_in_their_encoding(tmp_path, encoding):
    path = tmp_path / "draft.txt"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + DRAFT_ZH.replace("\n", "\r\n").encode(encoding))
    assert [p.text for p in read_draft(path)] == [
        "4.3.3.2.3 顾客投诉处理",
        "投诉由客服中心统一受理，24小时内答复，每季度做投诉分析并推动改进。",
    ]


def test_big5_draft_is_read_as_traditional_chinese_not_gb18030_mojibake(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(DRAFT_TW.encode("big5"))
    assert [p.text for p in read_draft(path)] == [
        "4.3.3.2.3 顧客投訴處理",
        "投訴由客服中心統一受理，24小時內答覆，每季度做投訴分析並推動改進。",
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_draft_is_still_read_as_simplified_chinese(tmp_path, encoding):
    path = tmp_path / "gbk.txt"
    path.write_bytes(DRAFT_ZH.encode(encoding))
    assert read_draft(path)[1].text == "投诉由客服中心统一受理，24小时内答复，每季度做投诉分析并推动改进。"


def test_traditional_chinese_in_gb18030_is_not_taken_for_big5(tmp_path):
    path = tmp_path / "trad-gb.txt"
    path.write_bytes(DRAFT_TW.encode("gb18030"))
    assert read_draft(path)[0].text == "4.3.3.2.3 顧客投訴處理"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (DRAFT_ZH.encode("utf-16-le"), "binary file, or UTF-16 text without a byte-order mark"),
        ("日本語の品質管理についての報告書、経営者の役割。".encode("shift_jis"), "mostly rare characters"),
        (
            b"\xff\xfe" + "报告".encode("utf-16-le")[:3],
            "starts with a UTF-16 byte-order mark but is not valid UTF-16",
        ),
    ],
    ids=["utf16-no-bom", "shift-jis", "broken-utf16"],
)
def test_text_whose_encoding_cannot_be_told_is_refused_naming_the_problem(tmp_path, content, message):
    path = tmp_path / "draft.txt"
    path.write_bytes(content)
    with pytest.raises(DraftError) as caught:
        read_draft(path)
    assert message in _one_line(caught.value)
