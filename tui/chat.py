"""The prompt-toolkit chat: a thin line-based front end over the interview engine.

On a terminal it offers completion of slash commands and clause ids/titles
(fuzzy), a history file, and wide-character editing. When stdin is not a
terminal it reads one answer or command per line and prints plain text, so
scripts and tests can drive it. Every step is committed by the engine before
its reply is printed; Ctrl-C and Ctrl-D leave with everything saved.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory

from assistant import commands
from assistant.console import safe
from assistant.interview import Interview, Question, Reply
from assistant.linebreak import wrap
from assistant.textnorm import decode_line
from knowledge.base import KnowledgeBase
from knowledge.errors import UserError


class ChatCompleter(Completer):
    """Completes /commands, then clause ids or titles for commands that take one."""

    def __init__(self, kb: KnowledgeBase, lang: str = "zh") -> None:
        self.kb = kb
        self.lang = lang

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor
        if not text.startswith("/"):
            return
        name, space, rest = text[1:].partition(" ")
        if not space:
            for command in commands.COMMANDS:
                if command.name.startswith(name.lower()):
                    meta = command.zh if self.lang == "zh" else command.en
                    yield Completion(command.name, start_position=-len(name), display_meta=meta)
            return
        command = commands.BY_NAME.get(name.lower())
        if command is None or not command.takes_clause or " " in rest.strip():
            return
        yield from self._clauses(rest)

    def _clauses(self, word: str) -> Iterable[Completion]:
        word = word.strip()
        if not word:
            return
        prefix = [n for n in self.kb.nodes if n.id.startswith(word) and n.kind != "profile"]
        hits = prefix[:20] if prefix else [h.node for h in self.kb.search(word, limit=10, min_score=50)]
        for node in hits:
            yield Completion(
                node.id,
                start_position=-len(word),
                display=f"{node.id} {node.title.get(self.lang)}",  # type: ignore[arg-type]
            )


def render_question(q: Question | None, lang: str) -> str:
    if q is None:
        return ""
    label = {
        "opening": ("开场", "opening"),
        "probe": ("提问", "question"),
        "followup": ("追问", "follow-up"),
        "plan": ("改进计划", "plan"),
    }[q.role]
    return f"[{q.target} {q.title(lang)} · {label[0] if lang == 'zh' else label[1]}]\n{q.text(lang)}"  # type: ignore[arg-type]


def render_reply(reply: Reply, lang: str) -> str:
    parts = [reply.message] if reply.message else []
    if reply.kind == "done":
        parts.append(
            "范围内的条款都已覆盖。用 /gaps、/coverage 查看,/score 评分,/quit 退出。"
            if lang == "zh"
            else "Every clause in scope is covered. See /gaps and /coverage, score with /score, leave with /quit."
        )
    if reply.question is not None:
        parts.append("")
        parts.append(render_question(reply.question, lang))
    return "\n".join(parts)


class Chat:
    """Reads lines, hands them to the engine, prints what comes back."""

    def __init__(self, interview: Interview, out: TextIO | None = None, *, width: int | None = None) -> None:
        self.interview = interview
        self.out = out or sys.stdout
        self.width = width  # None: the terminal's width, and no wrapping into a pipe

    def say(self, text: str) -> None:
        # every line, greeting and echoed commands included, can carry outside text
        text = safe(text)
        width = self._wrap_width()
        if width is not None:
            # our own breaking: the terminal's would split a figure from its unit or start a line with "，"
            text = "\n".join(wrap(text, width))
        self.out.write(text + "\n")
        self.out.flush()

    def _wrap_width(self) -> int | None:
        if self.width is not None:
            return self.width
        if not self.out.isatty():
            return None  # a script reads whole lines
        # read on every reply: the window may have been resized; one column spare for the cursor
        return max(shutil.get_terminal_size().columns - 1, 1)

    def greet(self) -> None:
        iv = self.interview
        lang = iv.lang
        answered = len(iv.answers())
        if lang == "zh":
            self.say(
                f"卓越绩效自评助手 · 会话「{iv.session.name}」· 已有 {answered} 条回答 · 输入 /help 查看命令"
            )
        else:
            self.say(
                f"zhuoyue self-assessment · session “{iv.session.name}” · {answered} answers so far · /help for commands"
            )
        self.say(render_question(iv.current_question(), lang))

    def handle(self, line: str) -> bool:
        """One line from the user; False when the chat should end."""
        iv = self.interview
        try:
            if line.strip().startswith("/"):
                reply = commands.run(iv, line)
            else:
                if len(line) > 200_000:
                    self.say(
                        "! 粘贴的内容过长,只保留开头部分。"
                        if iv.lang == "zh"
                        else "! That paste is very long; only its start is kept."
                    )
                reply = iv.say(line[:200_000])
        except commands.QuitRequested:
            return False
        except UserError as exc:  # a bad command, a full disk: one line, and the chat goes on
            self.say(f"! {exc}")
            return True
        self.say(render_reply(reply, iv.lang))
        return True

    def run_lines(self, lines: Iterable[str]) -> None:
        for raw in lines:
            if not self.handle(raw.rstrip("\n")):
                break

    def farewell(self) -> None:
        self.say("已保存,再见。" if self.interview.lang == "zh" else "Saved. Goodbye.")


def run_chat(interview: Interview, *, stdin: TextIO | None = None, history: Path | None = None) -> int:
    """Run the chat until /quit, end of input, Ctrl-C or Ctrl-D."""
    stdin = stdin or sys.stdin
    chat = Chat(interview)
    # another program holding the database: wait, say so, and lose nothing
    interview.store.on_busy = lambda: chat.say(
        "… 正在等待数据库(被其他程序占用)" if interview.lang == "zh" else "… waiting for the database (another program holds it)"
    )
    chat.greet()
    try:
        if not stdin.isatty():
            # bytes, decoded line by line: a GBK answers file or a stray invalid byte
            # costs that line's characters, never the lines after it
            buffer = getattr(stdin, "buffer", None)
            chat.run_lines(decode_line(raw) for raw in buffer) if buffer is not None else chat.run_lines(stdin)
        else:
            _interactive(chat, history)
    except KeyboardInterrupt:
        pass
    finally:
        chat.farewell()
    return 0


def _interactive(chat: Chat, history: Path | None) -> None:
    completer = ChatCompleter(chat.interview.kb, chat.interview.lang)
    hist: FileHistory | InMemoryHistory = InMemoryHistory()
    if history is not None:
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            hist = FileHistory(str(history))
        except OSError:
            pass
    session: PromptSession[str] = PromptSession(history=hist, completer=completer, complete_while_typing=True)
    while True:
        try:
            line = session.prompt("› ")
        except KeyboardInterrupt:
            return
        except EOFError:
            return
        completer.lang = chat.interview.lang
        if not chat.handle(line):
            return
