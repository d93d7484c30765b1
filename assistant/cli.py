"""The `zhuoyue` command line.

Heavy modules (Textual, scikit-learn, pydantic) are imported inside the command
that needs them, so `zhuoyue --help` and a cached `zhuoyue match` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import __version__
from assistant.console import err, out

if TYPE_CHECKING:  # the CLI starts fast: what these name is imported by the command that needs it
    from assistant.services import Services
    from assistant.storage import Store
    from knowledge.base import KnowledgeBase

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    # On subcommands the defaults are suppressed so that an option given
    # before the subcommand is not overwritten by the subcommand's default.
    default = argparse.SUPPRESS if sub else None
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS if sub else "zh",
        help="language of texts and questions (default zh)",
    )
    parser.add_argument(
        "--kb",
        type=Path,
        default=default,
        metavar="PATH",
        help="a knowledge-base YAML file or folder instead of the built-in GB/T 19580-2012",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        metavar="PATH",
        help="the SQLite session store (default: in the user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhuoyue",
        description="卓越绩效自评助手 — self-assessment assistant for GB/T 19580-2012. "
        "Without a command, opens the interactive app.",
    )
    parser.add_argument("--version", action="version", version=f"zhuoyue {__version__}")
    _common(parser, sub=False)
    parser.add_argument(
        "--session",
        dest="open_session",  # not "session": report, coverage and chat have their own
        metavar="NAME",
        help="open this session in the app (an imported or merged one too); read-only while another zhuoyue has it open",
    )
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = subs.add_parser("clauses", help="browse the clause tree, one clause, or search")
    p.add_argument("query", nargs="*", help="a clause id (4.3.3.2.3, 4.3.3.2c) or words to search")
    p.add_argument("--json", action="store_true", help="every node as a flat JSON array")
    _common(p, sub=True)

    p = subs.add_parser("check", help="validate the built-in knowledge base or a user's file/folder")
    p.add_argument("path", nargs="?", type=Path, help="YAML file or folder (default: built-in)")
    p.add_argument(
        "--unconfirmed",
        action="store_true",
        help="also list every node marked 'check': what to confirm against the official text",
    )
    _common(p, sub=True)

    p = subs.add_parser("match", help="match a statement to clauses")
    p.add_argument("text", nargs="*", help="the statement (quote it)")
    p.add_argument("--top", type=int, default=5, help="at most this many matches (default 5)")
    p.add_argument("--json", action="store_true", help="print matches as JSON")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help="read one query per line on stdin, write one JSON object per line",
    )
    _common(p, sub=True)

    p = subs.add_parser("intent", help="what kind of statement a line is (evidence, absent, question …)")
    p.add_argument("text", nargs="*", help="the line (quote it)")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help="read one line per input line on stdin, write one JSON object per line",
    )
    _common(p, sub=True)

    p = subs.add_parser("chat", help="a guided interview in the terminal (line-based chat)")
    p.add_argument("--session", metavar="NAME", help="resume this session")
    p.add_argument("--new", metavar="NAME", help="start a new session with this name")
    p.add_argument("--company", default="", help="the company's name (new sessions)")
    p.add_argument(
        "--order",
        choices=("standard", "value"),
        default="standard",
        help="standard clause order, or the most valuable gap next (new sessions)",
    )
    p.add_argument("--scope", metavar="ID", help="only a category or item, e.g. 4.3 (new sessions)")
    _common(p, sub=True)

    p = subs.add_parser("report", help="coverage, gaps and scores of a session")
    p.add_argument("session", help="session name")
    p.add_argument(
        "--format",
        choices=("text", "md", "csv", "xlsx", "docx", "html", "json"),
        default=None,
        help="default: the output file's suffix, else text",
    )
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    _common(p, sub=True)

    p = subs.add_parser("import", help="create a session from an existing draft report (.docx, .md, .txt)")
    p.add_argument("file", type=Path, help="the draft")
    p.add_argument("--session", metavar="NAME", help="the new session's name (default: the file name)")
    _common(p, sub=True)

    p = subs.add_parser("merge", help="combine several assessors' sessions into a consensus session")
    p.add_argument("sessions", nargs="+", help="the sessions to merge")
    p.add_argument("--into", required=True, metavar="NAME", help="the new merged session")
    _common(p, sub=True)

    p = subs.add_parser("demo", help="trainer mode: play a sample company's interview step by step")
    p.add_argument("name", nargs="?", help="demo company (manufacturer, service)")
    p.add_argument("--list", action="store_true", help="list the demo companies with their names")
    p.add_argument(
        "--present",
        action="store_true",
        help="classroom mode: one turn at a time in a single column for a projector, with an exercise (e)",
    )
    _common(p, sub=True)

    p = subs.add_parser("coverage", help="open a session's coverage view read-only (for projecting in class)")
    p.add_argument("session", help="session name")
    _common(p, sub=True)

    p = subs.add_parser("sessions", help="list, show, rename, delete, export or import sessions")
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=("list", "show", "rename", "delete", "export", "import", "unlock"),
    )
    p.add_argument(
        "names",
        nargs="*",
        help="list | show NAME | rename OLD NEW | delete NAME | export NAME FILE | import FILE [NEW_NAME]"
        " | unlock NAME",
    )
    p.add_argument("--yes", action="store_true", help="unlock without asking (a script's confirmation)")
    _common(p, sub=True)
    return parser


def _opt(args: argparse.Namespace, name: str, default: Any = None) -> Any:
    return getattr(args, name, default)


def load_kb(args: argparse.Namespace) -> KnowledgeBase:
    from knowledge import load_knowledge_base

    return load_knowledge_base(_opt(args, "kb"))


def cmd_clauses(args: argparse.Namespace) -> int:
    from assistant import browser

    kb = load_kb(args)
    lang = args.lang
    if args.json:
        out(json.dumps([browser.node_record(kb, n) for n in kb.nodes], ensure_ascii=False, indent=1))
        return EXIT_OK
    query = " ".join(args.query).strip()
    if not query:
        lines = browser.tree_lines(kb, lang)
    else:
        node = kb.resolve(query)
        lines = browser.detail_lines(kb, node, lang) if node else browser.search_lines(kb, query, lang)
    for line in lines:
        out(line)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from knowledge import KnowledgeBaseError, load_knowledge_base

    if _opt(args, "db") is not None:
        # the full check, on demand; opening a database runs only SQLite's quick check
        if not Path(_opt(args, "db")).exists():  # opening would create an empty one and call it healthy
            err(f"error: there is no database at {args.db}")
            return EXIT_FAIL
        store = _store(args)
        damage = store.integrity_problems()
        for line in damage:
            err(f"error: {line}")
        if damage:
            return EXIT_FAIL
        out(f"ok: {store.path} passes SQLite's full integrity check")
        return EXIT_OK
    path = args.path or _opt(args, "kb")
    try:
        kb = load_knowledge_base(path)
    except KnowledgeBaseError as exc:
        for problem in exc.problems:
            err(f"error: {problem}")
        err(f"{len(exc.problems)} problem(s) found")
        return EXIT_FAIL
    if path is None:
        from dialogues import load_dialogues
        from dialogues.errors import DialogueError

        try:
            load_dialogues(kb)
        except DialogueError as exc:
            for problem in exc.problems:
                err(f"error: {problem}")
            return EXIT_FAIL
    leaves = len(kb.leaves())
    out(
        f"ok: {path or 'built-in GB/T 19580-2012'} — {len(kb)} nodes, "
        f"{len(kb.categories())} categories, {len(kb.items())} items, {leaves} leaves, "
        f"{kb.total_points} points"
    )
    if args.unconfirmed:
        from knowledge.base import unconfirmed_parts

        nodes = kb.unconfirmed()
        lang = args.lang
        out(
            f"{len(nodes)} 个节点待与标准原文核对(节点 名称 — 待核对内容):"
            if lang == "zh"
            else f"{len(nodes)} nodes to confirm against the official text (id, title — what to confirm):"
        )
        for node in nodes:
            out(f"{node.id:<11} {node.title.get(lang)} — {unconfirmed_parts(node, lang)}")
    return EXIT_OK


def cmd_match(args: argparse.Namespace) -> int:
    from assistant.matching import MatcherError, load_matcher
    from assistant.textnorm import MAX_QUERY_CHARS

    try:
        matcher = load_matcher(_opt(args, "kb"))
    except MatcherError as exc:
        err(f"error: {exc}")
        return EXIT_FAIL
    top = max(1, args.top)
    if args.jsonl:
        from assistant.textnorm import decode_line

        # bytes in, decoded line by line: a GBK file or an invalid byte costs one line's characters
        for raw in sys.stdin.buffer:
            query = decode_line(raw).rstrip("\r\n")
            matches = matcher.match(query, top=top)
            out(json.dumps({"query": query, "matches": [m.brief() for m in matches]}, ensure_ascii=False))
        return EXIT_OK
    text = " ".join(args.text)
    if not text.strip():
        err('error: give a statement to match, e.g. zhuoyue match "投诉24小时内答复"')
        return EXIT_USAGE
    if len(text) > MAX_QUERY_CHARS:
        err(f"note: only the first {MAX_QUERY_CHARS} characters were matched")
    matches = matcher.match(text, top=top)
    if args.json:
        out(json.dumps([m.as_dict() for m in matches], ensure_ascii=False, indent=1))
        return EXIT_OK
    if not matches:
        out(
            "没有匹配的条款(与评价准则无关,或描述太少)。"
            if args.lang == "zh"
            else "No clause matches (off-topic, or too little said)."
        )
        return EXIT_OK
    for m in matches:
        title = m.title_zh if args.lang == "zh" else m.title_en
        kind = {
            "zh": {"process": "过程", "results": "结果"},
            "en": {"process": "process", "results": "results"},
        }
        out(f"{m.score:.2f}  {m.leaf_id}  {title}  ({m.item_id}, {kind[args.lang][m.kind]})")
        if m.terms:
            out(("      依据: " if args.lang == "zh" else "      why: ") + ", ".join(m.terms))
    return EXIT_OK


def cmd_intent(args: argparse.Namespace) -> int:
    """`zhuoyue intent --jsonl`: one {"text", "intent", "clause", "why"} per input line (a stable contract)."""
    from assistant.conversation import clause_of
    from assistant.intent import load_intent_model
    from assistant.matching import load_matcher
    from assistant.textnorm import decode_line
    from knowledge.loader import load_knowledge_base

    kb_path = _opt(args, "kb")
    kb = load_knowledge_base(kb_path)
    matcher = load_matcher(kb_path, kb=kb)
    model = load_intent_model()

    def decide(text: str) -> dict[str, object]:
        decision = model.classify(text)
        clause = clause_of(decision.intent, text, kb, matcher)
        return {"text": text, "intent": decision.intent, "clause": clause, "why": decision.why(args.lang)}

    if args.jsonl:
        # bytes in, so a stray invalid byte is replaced rather than ending the run
        for raw in sys.stdin.buffer:
            text = decode_line(raw).rstrip("\r\n")
            out(json.dumps(decide(text), ensure_ascii=False))
        return EXIT_OK
    text = " ".join(args.text)
    if not text.strip():
        err('error: give a line to classify, e.g. zhuoyue intent "这个要问人力资源部"')
        return EXIT_USAGE
    row = decide(text)
    out(f"{row['intent']}" + (f"  → {row['clause']}" if row["clause"] else ""))
    out(("      依据: " if args.lang == "zh" else "      why: ") + str(row["why"]))
    return EXIT_OK


def cmd_default(args: argparse.Namespace) -> int:
    name = _opt(args, "open_session")
    # an unknown name is one line, with the names it is close to, before the screen opens
    if name is not None:
        from assistant.sessionlist import not_found
        from assistant.storage import SessionNotFound

        store = _store(args)
        try:
            store.session(name)
        except SessionNotFound:
            err(f"error: {not_found(name, [row.name for row in store.sessions()], args.lang)}")
            return EXIT_USAGE
        finally:
            store.close()
    from tui.app import run_app  # Textual is imported only for the app itself

    return run_app(kb_path=_opt(args, "kb"), db_path=_opt(args, "db"), lang=args.lang, session=name)


def cmd_import(args: argparse.Namespace) -> int:
    import time

    from assistant.importer import import_draft

    services = _services(args)
    started = time.monotonic()
    shown = [False]

    def progress(done: int, total: int) -> None:
        if (total >= 200 and sys.stderr.isatty()) or total >= 1000:
            shown[0] = True
            sys.stderr.write(f"\r导入 importing {done}/{total} paragraphs ({done * 100 // total}%)")
            sys.stderr.flush()

    result = import_draft(
        args.file, services.store, services.kb, services.matcher, name=args.session, progress=progress
    )
    if shown[0]:
        sys.stderr.write("\n")
    store, row = services.store, result.session
    from assistant.interview import Interview

    interview = Interview(
        services.kb, services.dialogues, services.matcher, store, row, lang=args.lang, read_only=True
    )
    gaps = interview.gaps()
    out(
        f"imported {args.file.name} as session {row.name!r}: {result.paragraphs} paragraphs, {result.headings} clause headings, "
        f"{result.evidence} pieces of evidence in {time.monotonic() - started:.1f} s"
    )
    out(
        f"coverage {interview.overall_coverage():.0%}; {len(gaps)} gaps, e.g. "
        + ", ".join(g.leaf_id for g in gaps[:8])
    )
    out(f"see: zhuoyue report {row.name!r}   or open it: zhuoyue --session {row.name!r}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from assistant.merge import merge_sessions, spreads

    store = _store(args)
    row = merge_sessions(store, args.sessions, args.into)
    out(f"merged {', '.join(args.sessions)} into {row.name!r}")
    for s in spreads(store, row.id):
        flag = "  ⚠ differ by ≥20" if s.flagged else ""
        scores = ", ".join(f"{a} {p}%" for a, p in sorted(s.scores.items()))
        out(f"{s.item_id:<6} min {s.low}% · median {s.median:g}% · max {s.high}%  ({scores}){flag}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from dialogues.demos import demo_names

    if args.list:
        from dialogues.demos import load_demo

        kb = load_kb(args)
        for name in demo_names():
            demo = load_demo(name, kb)
            turns = f"{len(demo.turns)} 轮" if args.lang == "zh" else f"{len(demo.turns)} turns"
            out(f"{name:<14} {demo.name(args.lang)} · {turns}")
        return EXIT_OK
    if args.name and args.name not in demo_names():
        err(f"error: no demo named {args.name!r}; choose one of: {', '.join(demo_names())}")
        return EXIT_USAGE
    if args.present:
        from tui.present import run_present

        return run_present(kb_path=_opt(args, "kb"), lang=args.lang, demo_name=args.name or demo_names()[0])
    from tui.app import run_app

    return run_app(kb_path=_opt(args, "kb"), lang=args.lang, mode="demo", demo_name=args.name)


def cmd_coverage(args: argparse.Namespace) -> int:
    from tui.app import run_app

    _store(args).session(args.session)  # a missing session is reported before the screen opens
    return run_app(
        kb_path=_opt(args, "kb"),
        db_path=_opt(args, "db"),
        lang=args.lang,
        mode="coverage",
        session=args.session,
    )


def _services(args: argparse.Namespace) -> Services:
    from assistant.services import build_services

    return build_services(_opt(args, "kb"), _opt(args, "db"))


def _store(args: argparse.Namespace) -> Store:
    from assistant.paths import default_db
    from assistant.storage import Store

    return Store(_opt(args, "db") or default_db())


def cmd_chat(args: argparse.Namespace) -> int:
    import time

    from assistant.interview import Interview
    from assistant.paths import history_file
    from tui.chat import run_chat

    services = _services(args)
    store = services.store
    if args.new:
        name, create = args.new, True
    elif args.session:
        name, create = args.session, False
    else:
        latest = store.latest_session()
        name, create = (latest.name, False) if latest else (time.strftime("自评-%Y%m%d-%H%M"), True)
    interview = Interview.open(
        store, name, services.kb, services.dialogues, services.matcher, create=create, lang=args.lang,
        order=args.order, scope=args.scope, company=args.company,
    )  # fmt: skip
    try:
        return run_chat(interview, history=history_file())
    finally:
        interview.close()
        store.close()


def _write_output(text: str, path: Path | None, force: bool) -> int:
    if path is None:
        out(text)
        return EXIT_OK
    from assistant.files import write_output

    write_output(path, (text + "\n").encode(), force=force)  # an OutputError reaches the user via main()
    err(f"wrote {path}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from assistant.export import WRITERS, ExportError, export_session
    from assistant.interview import Interview
    from assistant.reportdata import build_report_data, report_json
    from assistant.views import coverage_text, gaps_text

    services = _services(args)
    interview = Interview.open(
        services.store,
        args.session,
        services.kb,
        services.dialogues,
        services.matcher,
        lang=args.lang,
        read_only=True,
    )
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output else "text")
    if args.output is not None and fmt != "text":
        try:
            written = export_session(interview, args.output, fmt, force=args.force)
        except ExportError as exc:
            err(f"error: {exc}")
            return EXIT_FAIL
        err(f"wrote {written}")
        return EXIT_OK
    if fmt in ("xlsx", "docx"):
        err(f"error: {fmt} is a binary format; give an output file with -o FILE")
        return EXIT_USAGE
    if fmt == "json":
        text = json.dumps(report_json(interview), ensure_ascii=False, indent=1)
    elif fmt in WRITERS:
        text = WRITERS[fmt](build_report_data(interview)).decode("utf-8").lstrip("\ufeff")
    else:
        text = coverage_text(interview) + "\n\n" + gaps_text(interview)
    return _write_output(text, args.output, args.force)


def _unlock(store: Any, name: str, *, yes: bool) -> int:
    """Reclaim a stale lock after the user confirms that its holder is gone."""
    holder = store.lock_holder(name)
    if holder is None:
        out(f"{name} is not locked")
        return EXIT_OK
    pid, host, alive = holder
    if alive:
        err(f"error: {name} is held by a running zhuoyue (pid {pid}); close it there")
        return EXIT_FAIL
    if not yes:
        if not sys.stdin.isatty():
            err(f"error: {name} is held by pid {pid} on {host}; add --yes to confirm that it is gone")
            return EXIT_USAGE
        reply = input(f"{name} is held by pid {pid} on {host}. Is that zhuoyue gone? Unlock it? [y/N] ")
        if reply.strip().lower() not in ("y", "yes", "是"):
            out("left locked")
            return EXIT_OK
    store.unlock(name)
    out(f"unlocked {name}")
    return EXIT_OK


def _one_line(text: str) -> str:
    """A name as one cell of a tab-separated line: a line break or tab in it must not add rows or columns."""
    return " ".join(text.split())


def cmd_sessions(args: argparse.Namespace) -> int:
    import time

    store = _store(args)
    names = args.names
    need = {"list": 0, "show": 1, "rename": 2, "delete": 1, "export": 2, "import": 1, "unlock": 1}[args.action]
    if len(names) < need:
        err(f"error: 'sessions {args.action}' needs {need} argument(s); see zhuoyue sessions --help")
        return EXIT_USAGE
    if args.action == "list":
        rows = store.sessions()
        if not rows:
            out(
                "还没有会话。用 zhuoyue chat --new 名称 开始。"
                if args.lang == "zh"
                else "No sessions yet. Start one with zhuoyue chat --new NAME."
            )
        counts = store.answer_counts()
        for name in store.damaged:
            err(f"warning: session {name!r} is damaged and was skipped")
        for row in rows:
            answers = counts.get(row.id, 0)
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.updated))
            out(f"{_one_line(row.name)}\t{_one_line(row.company)}\t{answers} answers\t{stamp}")
    elif args.action == "show":
        row = store.session(names[0])
        evidence = store.evidence(row.id)
        out(
            f"{row.name} ({row.company}) · {row.framework} · order {row.order_mode} · scope {row.scope or 'all'}"
        )
        out(
            f"answers {len(store.answers(row.id))} · evidence {len(evidence)} on {len({e.leaf_id for e in evidence})} leaves"
            f" · scores {len(store.scores(row.id))} · not applicable {len(store.na(row.id))}"
        )
    elif args.action == "unlock":
        return _unlock(store, names[0], yes=args.yes)
    elif args.action == "rename":
        store.rename(names[0], names[1])
        out(f"renamed {names[0]} → {names[1]}")
    elif args.action == "delete":
        store.delete(names[0])
        out(f"deleted {names[0]}")
    elif args.action == "export":
        data = store.export_session(names[0])
        return _write_output(json.dumps(data, ensure_ascii=False, indent=1), Path(names[1]), force=False)
    else:
        from assistant.storage import StorageError

        path = Path(names[0])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad UTF-8 or JSON
            raise StorageError(f"cannot read {path}: {exc}") from exc
        from assistant.sessionfile import kb_clause_check

        row = store.import_session(
            data, name=names[1] if len(names) > 1 else None, check_clause=kb_clause_check(load_kb(args))
        )
        out(f"imported {row.name}")
    return EXIT_OK


COMMANDS = {
    "clauses": cmd_clauses,
    "check": cmd_check,
    "match": cmd_match,
    "intent": cmd_intent,
    "chat": cmd_chat,
    "report": cmd_report,
    "sessions": cmd_sessions,
    "demo": cmd_demo,
    "import": cmd_import,
    "merge": cmd_merge,
    "coverage": cmd_coverage,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _clean_text_args(args)
    handler = COMMANDS.get(args.command or "", cmd_default)
    if args.command and args.open_session is not None:
        err(
            f"error: --session NAME opens the app and takes no command; give NAME to {args.command} itself"
            f" (see zhuoyue {args.command} --help)"
        )
        return EXIT_USAGE
    from knowledge.errors import KnowledgeBaseError, UserError

    try:
        return handler(args)
    except KnowledgeBaseError as exc:
        for problem in exc.problems:
            err(f"error: {problem}")
        return EXIT_FAIL
    except UserError as exc:
        err(f"error: {exc}")
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `zhuoyue clauses | head`: the reader left; end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (sqlite3.Error, OSError, UnicodeError) as exc:
        # the last net under the store's and the readers' own messages: a file or database the
        # system refused in a way nobody foresaw is one line too, never a traceback
        err(f"error: {exc}")
        return EXIT_FAIL


def _clean_text_args(args: argparse.Namespace) -> None:
    """Names and texts given on the command line, as the store would keep them.

    Bytes that are not UTF-8 reach Python as lone surrogates, which SQLite refuses with an
    encoding error; they become U+FFFD here. Paths stay as given: a file may have such a name.
    """
    from assistant.textnorm import clean

    for key, value in vars(args).items():
        if isinstance(value, str):
            setattr(args, key, clean(value))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            setattr(args, key, [clean(v) for v in value])
