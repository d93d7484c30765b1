"""Plain-text views of an interview (gap list, coverage, help) shared by the front ends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.coverage import SYMBOL
from assistant.texttable import clip, table

if TYPE_CHECKING:
    from assistant.interview import Interview


def gaps_text(interview: Interview, *, limit: int | None = None, markdown: bool = False) -> str:
    lang = interview.lang
    every = interview.gaps()
    gaps = every[:limit] if limit else every
    if not gaps:
        return (
            "没有差距:范围内的条款都已覆盖。"
            if lang == "zh"
            else "No gaps: every clause in scope is covered."
        )
    title = f"差距清单({len(every)} 条)" if lang == "zh" else f"Gap list ({len(every)})"
    lines = [f"# {title}" if markdown else title]
    if markdown:
        head = (
            "| 条款 | 评分项(分值) | 状态 | 原因 | 下一个问题 |"
            if lang == "zh"
            else "| Clause | Item (points) | Status | Reason | Next question |"
        )
        lines += ["", head, "|---|---|---|---|---|"]
    for g in gaps:
        node = interview.kb.get(g.leaf_id)
        title_text = node.title.get(lang) if node else ""
        if markdown:
            cells = [
                f"{g.leaf_id} {title_text}",
                f"{g.item_id} ({g.item_points})",
                g.status,
                g.reason,
                g.question,
            ]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        else:
            lines.append(f"{SYMBOL[g.status]} {g.leaf_id} {title_text}  [{g.item_id}, {g.item_points}]")
            lines.append(f"    {g.reason}")
            for text in g.admitted:
                lines.append(f"    {'已确认的不足' if lang == 'zh' else 'Admitted gap'}: {text}")
            for text, owner in g.todos:
                who = f" ({owner})" if owner else ""
                lines.append(f"    {'待核实' if lang == 'zh' else 'To check'}{who}: {text}")
            lines.append(f"    → {g.question}")
    if len(every) > len(gaps):
        more = len(every) - len(gaps)
        lines.append(
            f"……还有 {more} 条,完整清单见 zhuoyue report"
            if lang == "zh"
            else f"… {more} more; the full list is in zhuoyue report"
        )
    return "\n".join(lines)


def todo_text(interview: Interview) -> str:
    """Open to-dos (待核实): clause, owner and what was said."""
    lang = interview.lang
    todos = interview.todos()
    if not todos:
        return "没有待核实的事项。" if lang == "zh" else "No open to-dos."
    lines = [f"待核实({len(todos)} 项)" if lang == "zh" else f"To-dos ({len(todos)})"]
    for note in todos:
        node = interview.kb.get(note.leaf_id)
        title = node.title.get(lang) if node else ""
        who = (f"  负责人:{note.owner}" if lang == "zh" else f"  owner: {note.owner}") if note.owner else ""
        lines.append(f"□ {note.leaf_id} {title}{who}")
        lines.append(f"    {note.text}")
    return "\n".join(lines)


def coverage_text(interview: Interview) -> str:
    lang = interview.lang
    rows = []
    items = interview.items()
    for s in items:
        cov = "—" if s.coverage is None else f"{s.coverage:.0%}"
        counts = " ".join(f"{SYMBOL[k]}{v}" for k, v in s.statuses.items() if v)
        score = f"{s.score.percent}% = {s.score.earned:g}" if s.score.percent is not None else "—"
        flag = (
            ("  ⚠ 高分但证据不足" if lang == "zh" else "  ⚠ scored high, little evidence")
            if s.score.over_scored
            else ""
        )
        title = clip(s.item.title.get(lang) or "", 32)
        rows.append([s.item.id, title, str(s.item.points), cov, counts, score + flag])
    header = (
        ["评分项", "名称", "分值", "覆盖", "条款", "评分"]
        if lang == "zh"
        else ["Item", "Title", "Pts", "Cov.", "Clauses", "Score"]
    )
    # padded by display width: a Chinese title takes two columns a character
    lines = table(header, rows, right={2, 3})
    total = interview.total_points(items)
    lines.append(
        f"覆盖率 {interview.overall_coverage(items):.0%}  总分 {total:g} / 1000"
        if lang == "zh"
        else f"Coverage {interview.overall_coverage(items):.0%}  Total {total:g} / 1000"
    )
    legend = "  ".join(f"{sym} {name}" for name, sym in SYMBOL.items())
    lines.append(legend)
    return "\n".join(lines)


def help_text(lang: str) -> str:
    from assistant.commands import COMMANDS

    head = (
        "直接输入回答;以 / 开头的是命令:"
        if lang == "zh"
        else "Type your answer; lines starting with / are commands:"
    )
    # a long usage still gets a space before its description
    rows = [f"  /{c.name} {c.args}".ljust(23) + " " + (c.zh if lang == "zh" else c.en) for c in COMMANDS]
    return "\n".join([head, *rows])
