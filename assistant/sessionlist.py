"""The sessions a user can open: one summary per session, and opening, renaming and deleting by name.

The session picker (tui/picker.py) and `zhuoyue --session NAME` read these. Every
message is in Chinese and English, and a name that is not found comes with the
names it is close to, because imported and merged sessions get names the user did
not type.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass

from assistant.i18n import pick
from assistant.interview import Interview
from assistant.matching import ClauseMatcher
from assistant.storage import SessionLocked, SessionNotFound, SessionRow, StorageError, Store
from assistant.textnorm import clean
from dialogues.loader import Dialogues
from knowledge.base import KnowledgeBase
from knowledge.models import Lang


@dataclass(frozen=True)
class SessionSummary:
    """One row of the session picker."""

    name: str
    company: str
    updated: float
    #: the share of the standard covered, 0–1, items weighed by their points
    coverage: float
    answers: int
    #: a merged consensus of several assessors (it keeps each one's scores)
    merged: bool
    #: (pid, host) of another live zhuoyue that has it open: it opens read-only here
    held_by: tuple[int, str] | None


def summaries(
    store: Store, kb: KnowledgeBase, dialogues: Dialogues, matcher: ClauseMatcher
) -> list[SessionSummary]:
    """Every readable session, the most recently changed first."""
    counts = store.answer_counts()
    out = []
    for row in store.sessions():
        view = Interview(kb, dialogues, matcher, store, row, read_only=True)  # reads only, takes no lock
        out.append(
            SessionSummary(
                name=row.name, company=row.company, updated=row.updated, coverage=view.overall_coverage(),
                answers=counts.get(row.id, 0), merged=bool(store.assessor_scores(row.id)),
                held_by=store.held_elsewhere(row.id),
            )
        )  # fmt: skip
    return out


def when(stamp: float, lang: str, now: float | None = None) -> str:
    """A time in the local zone as people say it: today 14:05, yesterday 09:30, else the date."""
    moment = time.localtime(stamp)
    today = time.localtime(now if now is not None else time.time())
    clock = time.strftime("%H:%M", moment)
    days = _day_number(today) - _day_number(moment)
    if days == 0:
        return pick(lang, f"今天 {clock}", f"today {clock}")
    if days == 1:
        return pick(lang, f"昨天 {clock}", f"yesterday {clock}")
    return time.strftime("%Y-%m-%d %H:%M", moment)


def _day_number(moment: time.struct_time) -> int:
    """Days since 1 Jan 1970 of a local date, so that 'yesterday' is right across a month or year end."""
    return int(time.mktime((moment.tm_year, moment.tm_mon, moment.tm_mday, 12, 0, 0, 0, 0, -1)) // 86400)


def close_names(name: str, names: list[str], limit: int = 3) -> list[str]:
    """The names `name` is most like: spelled alike, or one holding the other (华东 → 华东精工-初稿)."""
    wanted = clean(name).strip().casefold()
    if not wanted:
        return []
    folded = {n.casefold(): n for n in names}
    alike = difflib.get_close_matches(wanted, list(folded), n=limit, cutoff=0.5)
    holding = sorted(
        (n for n in folded if wanted in n or n in wanted), key=lambda n: (abs(len(n) - len(wanted)), n)
    )
    found: list[str] = []
    for key in alike + holding:
        if folded[key] not in found:
            found.append(folded[key])
    return found[:limit]


def not_found(name: str, names: list[str], lang: str) -> str:
    """The one line for a session name that does not exist, with the names it is close to."""
    near = close_names(name, names)
    if near:
        shown = ", ".join(repr(n) for n in near)
        return pick(
            lang,
            f"没有名为 {name!r} 的会话;是不是:{shown}?",
            f"no session named {name!r}; did you mean {shown}?",
        )
    if names:
        return pick(lang, f"没有名为 {name!r} 的会话;zhuoyue sessions 列出全部会话",
                    f"no session named {name!r}; zhuoyue sessions lists them all")  # fmt: skip
    return pick(
        lang,
        f"没有名为 {name!r} 的会话(还没有任何会话)",
        f"no session named {name!r} (there are no sessions yet)",
    )


def locked_message(name: str, holder: tuple[int, str], lang: str) -> str:
    pid, host = holder
    return pick(lang, f"会话 {name!r} 正在另一个 zhuoyue 中打开(pid {pid},{host});请先在那里关闭",
                f"session {name!r} is open in another zhuoyue (pid {pid} on {host}); close it there first")  # fmt: skip


def name_problem(store: Store, name: str, lang: str) -> str | None:
    """Why `name` cannot name a new or renamed session (blank, or taken), or None."""
    name = clean(name).strip()
    if not name:
        return pick(lang, "会话名称不能为空", "a session needs a name")
    if any(row.name == name for row in store.sessions()):
        return pick(
            lang,
            f"已有名为 {name!r} 的会话,请换一个名称",
            f"a session named {name!r} already exists; choose another name",
        )
    return None


def rename_session(store: Store, old: str, new: str, lang: str) -> str:
    """Rename a session; returns the name as stored. A taken name or a lock is one StorageError line."""
    new = clean(new).strip()
    if new == old:
        return new
    row = _existing(store, old, lang)
    problem = name_problem(store, new, lang)
    if problem:
        raise StorageError(problem)
    holder = store.held_elsewhere(row.id)
    if holder is not None:
        raise SessionLocked(locked_message(old, holder, lang))
    store.rename(old, new)  # re-checks both inside its transaction, against another process racing this one
    return new


def delete_session(store: Store, name: str, lang: str) -> None:
    """Delete a session with everything in it; one held by another live process is refused."""
    row = _existing(store, name, lang)
    holder = store.held_elsewhere(row.id)
    if holder is not None:
        raise SessionLocked(locked_message(name, holder, lang))
    store.delete(name)


def _existing(store: Store, name: str, lang: str) -> SessionRow:
    try:
        return store.session(name)
    except SessionNotFound:
        raise SessionNotFound(not_found(name, [row.name for row in store.sessions()], lang)) from None


def open_interview(
    store: Store, name: str, kb: KnowledgeBase, dialogues: Dialogues, matcher: ClauseMatcher, *,
    create: bool = False, lang: Lang = "zh", company: str = "", read_only: bool = False,
) -> Interview:  # fmt: skip
    """Open a session to work in; one that another live zhuoyue holds opens read-only instead.

    The caller tells the two apart by `interview.read_only` and says so; who holds it
    is `store.held_elsewhere(interview.session.id)`.
    """
    try:
        return Interview.open(store, name, kb, dialogues, matcher, create=create, lang=lang, company=company,
                              read_only=read_only)  # fmt: skip
    except SessionLocked:
        if create:
            raise
        return Interview.open(store, name, kb, dialogues, matcher, lang=lang, read_only=True)
