"""F1: the keys of the main screen and the chat commands, in the language chosen.

The keys listed are the app's own bindings (the footer's), each explained here by
its action, so a key added to the app without a line here fails a test rather
than going missing from the help. The commands are assistant.views.help_text,
the text /help prints in both front ends.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from assistant.i18n import pick
from assistant.views import help_text

ALL = ("interview", "demo", "coverage")

#: What each of the app's keys does, by its action: (zh, en, the modes it works in).
KEY_HELP: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "present": ("课堂演示:在投影上一轮一轮地放这段演示", "Classroom: present this demo one turn at a time", ("demo",)),
    "next": ("先跳过这个条款,问下一题", "Skip this clause for now and ask the next", ("interview",)),
    "sessions": ("会话列表:打开、新建、改名或删除会话", "Sessions: open, start, rename or delete one", ("interview",)),
    "help": ("本帮助", "This help", ALL),
    "quit": ("保存并退出(每一步都已随时保存)", "Quit (every step is already saved)", ALL),
    "show_tab('gaps')": ("差距清单,光标进入列表;回车就问该条款", "The gap list, with the keyboard in it; Enter asks that clause", ALL),
    "show_tab('scores')": ("评分表,光标进入表格;回车为该评分项打分", "The score table, with the keyboard in it; Enter scores that item", ALL),
    "show_tab('detail')": ("条款详情:原文、证据、下一个问题、评价要点", "Clause detail: its text, evidence, next question, guidance", ALL),
    "undo": ("撤销上一步(回答、指定、评分……)", "Undo the last step (an answer, an assignment, a score …)", ("interview",)),
    "score_current": ("为当前评分项打分,旁边列出各评分档和建议档", "Score the current item beside its bands and the suggested one", ("interview",)),
    "feedback_current": ("当前评分项的优势与改进机会", "The current item's strengths and opportunities", ("interview",)),
    "enter_data": ("录入结果数据(只在 4.7 的结果条款上)", "Enter results data (on a 4.7 results point only)", ("interview",)),
    "export": ("导出差距清单或报告(扩展名决定格式)", "Export the gap list or a report (the suffix picks the format)", ALL),
    "move": ("把上一段回答移到它更像的条款", "Move the last answer to the clause it reads more like", ("interview",)),
    "history": ("回答记录:修改或删除回答,或取下它记到的某个条款", "Answer history: edit or delete an answer, or take one clause off it", ("interview",)),
    "switch_lang": ("切换中文/英文", "Switch between Chinese and English", ALL),
    "toggle_theme": ("切换明暗主题", "Light or dark theme", ALL),
}

#: Keys that are not the app's bindings: the answer box's, the focus keys, Textual's palette.
OTHER_KEYS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Enter", "在输入框里:发送回答或命令", "In the answer box: send the answer or command", ("interview",)),
    ("Tab / Shift+Tab", "在树、对话、输入框和右侧列表之间移动", "Move between the tree, the chat, the answer box and the side lists", ALL),
    ("Esc", "回到输入框", "Back to the answer box", ("interview",)),
    ("Esc", "回到条款树", "Back to the clause tree", ("demo", "coverage")),
    ("Space / →", "演示前进一轮", "The demo's next turn", ("demo",)),
    ("←", "演示后退一轮", "Back one turn of the demo", ("demo",)),
    ("Ctrl+P", "命令面板:所有命令和条款,可输入搜索", "Command palette: every command and clause, type to search", ALL),
)


def key_name(key: str) -> str:
    """`ctrl+n` as Ctrl+N, `f2` as F2: the first of a binding's keys, as a user would write it."""
    first = key.split(",")[0]
    parts = [p.upper() if len(p) <= 3 else p.capitalize() for p in first.split("+")]
    return "+".join(parts)


class HelpScreen(ModalScreen[None]):
    """The keys and the chat commands; Esc, F1 or q closes it."""

    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, lang: str, mode: str, keys: Sequence[Binding]) -> None:
        super().__init__()
        self.lang, self.mode, self.keys = lang, mode, tuple(keys)

    def rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for this mode, the app's keys first."""
        lang, out = self.lang, []
        for binding in self.keys:
            # a key not explained yet still shows, with the footer's words (a test asks for the line)
            zh, en, modes = KEY_HELP.get(binding.action, (binding.description, binding.description, ALL))
            if self.mode in modes:
                out.append((key_name(binding.key), pick(lang, zh, en)))
        out.extend((key, pick(lang, zh, en)) for key, zh, en, modes in OTHER_KEYS if self.mode in modes)
        return out

    def compose(self) -> ComposeResult:
        lang = self.lang
        with VerticalScroll(classes="dialog", id="help"):
            yield Static(pick(lang, "帮助 · 按键与命令", "Help · keys and commands"), classes="dialog-title")
            yield Static(pick(lang, "按键", "Keys"), classes="help-head")
            for key, text in self.rows():
                with Horizontal(classes="help-row"):
                    yield Static(Content(key), classes="help-key")
                    yield Static(Content(text), classes="help-text")
            if self.mode == "interview":
                yield Static(pick(lang, "对话命令", "Chat commands"), classes="help-head")
                yield Static(Content(help_text(lang)), id="help-commands")
            yield Static(pick(lang, "Esc、F1 或 q 关闭", "Esc, F1 or q closes this"), classes="dim")

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).focus()  # the arrow keys scroll a long help

    def action_close(self) -> None:
        self.dismiss(None)
