"""Slash commands shared by both front ends: parsing, suggestions and dispatch to the engine.

A command returns a Reply (or text for the read-only views); an unknown
command or id gets the closest suggestions; nothing here prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.history import history_text
from assistant.interview import Interview, InterviewError, Reply
from assistant.measures import usage as data_usage
from assistant.views import coverage_text, gaps_text, help_text, todo_text


@dataclass(frozen=True)
class Command:
    name: str
    args: str
    zh: str
    en: str
    takes_clause: bool = False


COMMANDS: tuple[Command, ...] = (
    Command("next", "", "下一个问题", "next question"),
    Command("skip", "", "先跳过这个条款", "skip this clause for now"),
    Command("goto", "ID", "转到某个条款", "go to a clause", True),
    Command("gaps", "", "差距清单", "gap list"),
    Command("coverage", "", "各评分项覆盖情况和得分", "coverage and scores by item"),
    Command("score", "ITEM PCT", "为评分项打分(0–100,步长5)", "score an item (0–100 in steps of 5)", True),
    Command("assign", "ID", "把上一段回答记为某条款的证据", "attach the last answer to a clause", True),
    Command("detach", "ID", "把上一段回答从某条款移除", "detach the last answer from a clause", True),
    Command("move", "[ID]", "把上一段回答移到更贴切的条款", "move the last answer to the clause it reads like", True),
    Command("todo", "", "待核实事项", "open to-dos"),
    Command("profile", "[skip]", "组织概述:回去补充,或跳过", "organisational profile: go to it, or skip it"),
    Command("na", "ID REASON", "标记条款不适用", "mark a clause not applicable", True),
    Command("strength", "ITEM [TEXT]", "评分项的优势:列出、添加;edit N 内容 修改,drop N 删除",
            "an item's strengths: list, add; edit N TEXT, drop N", True),
    Command("ofi", "ITEM [TEXT]", "评分项的改进机会:列出、添加;edit N 内容 修改,drop N 删除",
            "an item's opportunities for improvement: list, add; edit N TEXT, drop N", True),
    Command("owner", "ID NAME", "条款差距的负责人(- 清除)", "who closes a clause's gap (- clears)", True),
    Command("due", "ID DATE", "条款差距的完成日期 YYYY-MM-DD(- 清除)", "when a clause's gap is due, YYYY-MM-DD (- clears)", True),
    Command("data", "ID [MEASURE …]", "4.7 结果数据:ID 查看;ID 指标 单位 2023=92.4 行业平均=86 录入;ID 指标 - 删除",
            "4.7 results data: ID lists; ID MEASURE UNIT 2023=92.4 industry=86 enters; ID MEASURE - deletes", True),
    Command("history", "", "回答记录(最新在前)及各自记入的条款", "the answers, newest first, with the clauses each was recorded for"),
    Command("edit", "N TEXT", "修改第 N 段回答并重新记录", "edit answer N and record it again", True),
    Command("delete", "N [ID]", "删除第 N 段回答;给出条款号则只去掉它与该条款的关联",
            "delete answer N; with a clause id, only take it off that clause", True),
    Command("undo", "", "撤销上一步", "undo the last step"),
    Command(
        "export", "PATH", "导出(.json 整个会话,.md 差距清单)", "export (.json whole session, .md gap list)"
    ),
    Command("lang", "[zh|en]", "切换中文/英文", "switch Chinese/English"),
    Command("help", "", "帮助", "help"),
    Command("quit", "", "保存并退出", "save and quit"),
)
BY_NAME = {c.name: c for c in COMMANDS}
EXPORT_FORMATS = ".md .csv .xlsx .docx .html .json"


class QuitRequested(Exception):
    """/quit: the front end closes the session and leaves."""


def suggest(word: str) -> list[str]:
    """Closest command names to a mistyped one."""
    from rapidfuzz import process  # only needed on a typo

    return [name for name, score, _ in process.extract(word, list(BY_NAME), limit=3) if score >= 50]


def run(interview: Interview, line: str, *, on_lang: Callable[[str], None] | None = None) -> Reply:
    """Carry out one slash command; InterviewError carries a message for the user."""
    lang = interview.lang
    name, _, rest = line.strip().lstrip("/").partition(" ")
    name, rest = name.lower(), rest.strip()
    if name not in BY_NAME:
        close = suggest(name)
        hint = ("、".join(f"/{c}" for c in close)) if close else "/help"
        raise InterviewError(
            f"没有命令 /{name}。你是不是要用:{hint}"
            if lang == "zh"
            else f"Unknown command /{name}. Did you mean: {hint}"
        )
    if name in ("next", "skip"):
        return interview.skip()
    if name == "goto":
        return interview.goto(_need(rest, "goto ID", lang))
    if name == "gaps":
        return Reply("info", gaps_text(interview, limit=12), interview.current_question())
    if name == "coverage":
        return Reply("info", coverage_text(interview), interview.current_question())
    if name == "score":
        parts = rest.split()
        if len(parts) != 2:
            raise InterviewError("用法:/score 4.3.3 40" if lang == "zh" else "usage: /score 4.3.3 40")
        return interview.set_score(parts[0], parts[1])
    if name == "assign":
        return interview.assign(_need(rest, "assign ID", lang))
    if name == "detach":
        return interview.detach(_need(rest, "detach ID", lang))
    if name == "move":
        return interview.move(rest or None)
    if name == "todo":
        return Reply("info", todo_text(interview), interview.current_question())
    if name == "profile":
        if rest.lower() in ("skip", "跳过", "done"):
            return interview.skip_profile()
        if rest:
            raise InterviewError("用法:/profile 或 /profile skip" if lang == "zh" else "usage: /profile or /profile skip")
        return interview.start_profile()
    if name == "na":
        ref, _, reason = rest.partition(" ")
        return interview.mark_na(_need(ref, "na ID REASON", lang), reason)
    if name in ("strength", "ofi"):
        return _feedback(interview, "strength" if name == "strength" else "opportunity", name, rest, lang)
    if name in ("owner", "due"):
        ref, _, value = rest.partition(" ")
        if not ref or not value.strip():
            raise InterviewError(f"用法:/{name} {BY_NAME[name].args}" if lang == "zh" else f"usage: /{name} {BY_NAME[name].args}")
        return interview.set_owner(ref, value) if name == "owner" else interview.set_due(ref, value)
    if name == "data":
        ref, _, args = rest.partition(" ")
        if not ref:
            raise InterviewError(data_usage(lang))
        return interview.set_data(ref, args) if args.strip() else interview.data_listing(ref)
    if name == "history":
        return Reply("info", history_text(interview.history(), lang), interview.current_question())
    if name == "edit":
        number, _, text = rest.partition(" ")
        if not number or not text.strip():
            raise InterviewError("用法:/edit 序号 新内容" if lang == "zh" else "usage: /edit N TEXT")
        return interview.edit_answer(number, text)
    if name == "delete":
        number, _, ref = _need(rest, "delete N [ID]", lang).partition(" ")
        return interview.delete_link(number, ref.strip()) if ref.strip() else interview.delete_answer(number)
    if name == "undo":
        return interview.undo()
    if name == "export":
        path = Path(_need(rest, "export PATH", lang)).expanduser()
        written = export(interview, path)
        return Reply(
            "info",
            f"已导出到 {written}" if lang == "zh" else f"Exported to {written}",
            interview.current_question(),
        )
    if name == "lang":
        new = rest or ("en" if lang == "zh" else "zh")
        if new not in ("zh", "en"):
            raise InterviewError(
                "用法:/lang zh 或 /lang en" if lang == "zh" else "usage: /lang zh or /lang en"
            )
        interview.set_lang(new)  # type: ignore[arg-type]
        if on_lang:
            on_lang(new)
        return Reply(
            "info", "已切换为中文。" if new == "zh" else "Switched to English.", interview.current_question()
        )
    if name == "help":
        return Reply("info", help_text(lang), None)
    raise QuitRequested


#: The words that edit or drop an entry of /strength and /ofi, in both languages.
EDIT_WORDS = ("edit", "修改", "改")
DROP_WORDS = ("drop", "删除", "删")


def _feedback(interview: Interview, kind: str, name: str, rest: str, lang: str) -> Reply:
    """/strength and /ofi: ITEM lists, ITEM TEXT adds, ITEM edit N TEXT edits, ITEM drop N drops."""
    ref, _, tail = rest.partition(" ")
    if not ref:
        raise InterviewError(f"用法:/{name} {BY_NAME[name].args}" if lang == "zh" else f"usage: /{name} {BY_NAME[name].args}")
    tail = tail.strip()
    if not tail:
        return interview.feedback_list(kind, ref)
    word, _, after = tail.partition(" ")
    if word.lower() in EDIT_WORDS:
        number, _, text = after.strip().partition(" ")
        if not number or not text.strip():
            raise InterviewError(f"用法:/{name} {ref} edit 序号 新内容" if lang == "zh" else f"usage: /{name} {ref} edit N TEXT")
        return interview.edit_feedback(kind, ref, number, text)
    if word.lower() in DROP_WORDS:
        if not after.strip() or " " in after.strip():
            raise InterviewError(f"用法:/{name} {ref} drop 序号" if lang == "zh" else f"usage: /{name} {ref} drop N")
        return interview.drop_feedback(kind, ref, after.strip())
    return interview.add_feedback(kind, ref, tail)


def _need(value: str, usage: str, lang: str) -> str:
    if not value:
        raise InterviewError(f"用法:/{usage}" if lang == "zh" else f"usage: /{usage}")
    return value


def export(interview: Interview, path: Path, *, force: bool = False) -> Path:
    """Write the session's report; the suffix picks the format (see assistant.export)."""
    from assistant.export import ExportError, export_session

    try:
        if path.suffix.lower() == ".json":
            # from the chat, .json is the whole session, which `sessions import` reads back
            return _export_session_json(interview, path, force=force)
        return export_session(interview, path, force=force)
    except ExportError as exc:
        raise InterviewError(str(exc)) from exc


def _export_session_json(interview: Interview, path: Path, *, force: bool) -> Path:
    from assistant.files import write_output

    text = json.dumps(interview.store.export_session(interview.session.name), ensure_ascii=False, indent=1)
    return write_output(path, (text + "\n").encode(), force=force)
