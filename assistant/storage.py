"""SQLite storage of assessment sessions (stdlib sqlite3, WAL, migrations).

Each user step (an answer with its evidence, an assignment, a score …) is one
transaction, committed before the reply is shown, so a killed process loses
nothing it has answered. A session is held by one process at a time through a
lock row; a second process gets SessionLocked with the holder's pid. A damaged
file is reported, never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.measures import Measure
from assistant.textnorm import clean
from knowledge.errors import UserError

#: How long a writer waits for another process's write lock, per attempt and in all.
BUSY_TIMEOUT = 10.0
MAX_WAIT = 600.0
#: Undo reaches back this many steps; older ones are dropped so the history stays small.
MAX_STEPS = 200
EXPORT_FORMAT = "zhuoyue-session"
EXPORT_VERSION = 1

# Migrations: index i moves a database from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        company TEXT NOT NULL DEFAULT '',
        framework TEXT NOT NULL,
        lang TEXT NOT NULL DEFAULT 'zh',
        order_mode TEXT NOT NULL DEFAULT 'standard',
        scope TEXT,
        cursor TEXT NOT NULL DEFAULT '{}',
        created REAL NOT NULL,
        updated REAL NOT NULL,
        lock_pid INTEGER,
        lock_host TEXT,
        lock_time REAL
    );
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        asked TEXT,
        question TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL
    );
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        answer_id INTEGER REFERENCES answers(id) ON DELETE CASCADE,
        leaf_id TEXT NOT NULL,
        text TEXT NOT NULL,
        score REAL,
        source TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        created REAL NOT NULL
    );
    CREATE INDEX evidence_session_leaf ON evidence(session_id, leaf_id);
    CREATE TABLE na (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        leaf_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (session_id, leaf_id)
    );
    CREATE TABLE scores (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        percent INTEGER NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (session_id, item_id)
    );
    CREATE TABLE steps (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        action TEXT NOT NULL,
        payload TEXT NOT NULL,
        created REAL NOT NULL
    );
    """,
    # v2: merged sessions keep every assessor's own item scores for the consensus view
    """
    CREATE TABLE assessor_scores (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        author TEXT NOT NULL,
        percent INTEGER NOT NULL,
        PRIMARY KEY (session_id, item_id, author)
    );
    """,
    # v3: what was said that is not evidence: admitted gaps, to-dos and the organisational profile.
    # A to-do is open while closed_by is NULL; undoing the answer that closed it reopens it.
    """
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        answer_id INTEGER REFERENCES answers(id) ON DELETE CASCADE,
        leaf_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        owner TEXT NOT NULL DEFAULT '',
        closed_by INTEGER REFERENCES answers(id) ON DELETE SET NULL,
        created REAL NOT NULL
    );
    CREATE INDEX notes_session_leaf ON notes(session_id, leaf_id);
    """,
    # v4: listing sessions and reading one must not scan every answer and step of every session;
    # a lock also records its holder's process start time, so a reused pid is known to be stale
    """
    CREATE INDEX answers_session ON answers(session_id);
    CREATE INDEX steps_session ON steps(session_id);
    ALTER TABLE sessions ADD COLUMN lock_start TEXT;
    """,
    # v5: the assessor's strengths and opportunities (their own, and changes to the drafted ones:
    # draft_key names the draft, dropped hides it), and the plan per leaf (owner, due date)
    """
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        draft_key TEXT NOT NULL DEFAULT '',
        leaf_id TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        dropped INTEGER NOT NULL DEFAULT 0,
        created REAL NOT NULL
    );
    CREATE INDEX feedback_session ON feedback(session_id);
    CREATE TABLE plan (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        leaf_id TEXT NOT NULL,
        owner TEXT NOT NULL DEFAULT '',
        due TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (session_id, leaf_id)
    );
    """,
    # v6: the measure tables of results clauses (4.7), one row per value: a period's or a comparison's.
    # seq keeps the measures of a session in the order they were first entered, position the values
    """
    CREATE TABLE measures (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        leaf_id TEXT NOT NULL,
        measure TEXT NOT NULL,
        unit TEXT NOT NULL DEFAULT '',
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (session_id, leaf_id, measure, label)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StorageError(UserError):
    """The database cannot be used (damaged, newer, unwritable); nothing was changed."""


class SessionLocked(StorageError):
    """Another live process holds the session."""


class SessionNotFound(StorageError):
    pass


@dataclass(frozen=True)
class SessionRow:
    id: int
    name: str
    company: str
    framework: str
    lang: str
    order_mode: str
    scope: str | None
    cursor: dict[str, Any]
    created: float
    updated: float


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    answer_id: int | None
    leaf_id: str
    text: str
    score: float | None
    source: str
    author: str
    active: bool


@dataclass(frozen=True)
class AnswerRow:
    id: int
    asked: str | None
    question: str
    text: str
    author: str
    created: float


@dataclass(frozen=True)
class NoteRow:
    """Something said about a clause that is not evidence for it."""

    id: int
    answer_id: int | None
    leaf_id: str
    kind: str  # "absent" (an admitted gap), "plan" (its improvement plan), "defer" (a to-do, 待核实), "profile" (组织概述)
    text: str
    owner: str
    closed: bool
    created: float
    closed_by: int | None = None  # the answer that settled a to-do


NOTE_KINDS = ("absent", "defer", "plan", "profile")
FEEDBACK_KINDS = ("strength", "opportunity")


@dataclass(frozen=True)
class FeedbackRow:
    """The assessor's own strength or opportunity (draft_key ""), or their change to a drafted one."""

    id: int
    item_id: str
    kind: str  # "strength" | "opportunity"
    draft_key: str  # the draft it edits or drops (assistant.feedback.Feedback.key); "" for the assessor's own
    leaf_id: str
    text: str
    dropped: bool
    created: float


@dataclass(frozen=True)
class PlanRow:
    """Who is to close a leaf's gap, and by when (YYYY-MM-DD); "" where not set."""

    leaf_id: str
    owner: str
    due: str


def _process_start(pid: int) -> str | None:
    """When a process started (Linux /proc), which tells a live holder from a reused pid; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None  # field 22, starttime, counted after "(comm)"


def _holder_alive(pid: int, start: str | None) -> bool:
    """A lock's holder on this host is alive: its pid runs, and (when recorded) started when it did."""
    if not _pid_alive(pid):
        return False
    return start is None or _process_start(pid) in (None, start)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    """One open database file."""

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        #: called each time a write waits another busy_timeout for another process's lock;
        #: None makes a long wait one clean error instead
        self.on_busy: Callable[[], None] | None = None
        try:
            if path.is_dir():
                raise StorageError(f"{path} is a folder, not a database file; give a file name with --db")
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size and not _looks_like_sqlite(path):
                raise StorageError(
                    f"{path} is not a zhuoyue database (not an SQLite file); it was left untouched"
                )
        except OSError as exc:  # a folder the user may not enter, a file they may not read
            raise StorageError(f"cannot open {path}: {exc.strerror or exc}") from exc
        try:
            self.conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            # text another program wrote that is not UTF-8 reads with U+FFFD, not as an error on every read
            self.conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"{path}: cannot switch to WAL mode ({mode})")
            check = self.conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StorageError(f"{path} is damaged ({check}); it was left untouched")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _TRANSIENT.search(str(exc)):
                raise StorageError(_describe(exc, path)) from exc  # locked, read-only, full: not damage
            raise StorageError(f"{path} cannot be used as a zhuoyue database: {exc}") from exc
        self._held: set[int] = set()
        self.damaged: list[str] = []

    # --- schema -----------------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path} was written by a newer zhuoyue (schema {version} > {SCHEMA_VERSION}); upgrade zhuoyue"
            )
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            # re-read inside the write lock: another process may have migrated meanwhile
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for script in MIGRATIONS[version:]:
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolled back whole on any error.

        Another process holding the write lock past the busy timeout is waited for
        when the caller set `on_busy` (the chat says "waiting for the database…"),
        otherwise it is one clean StorageError. A full disk or an I/O error is one
        clean StorageError too, with this step rolled back and earlier ones intact.
        """
        self._begin()
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            # SQLite may already have rolled back (a full disk does that): nothing is left half-done
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError
            ):
                raise StorageError(_describe(exc, self.path)) from exc
            raise

    def _begin(self) -> None:
        waited = 0.0
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StorageError(_describe(exc, self.path)) from exc
                if self.on_busy is None or waited >= MAX_WAIT:
                    raise StorageError(
                        f"{self.path} is busy: another program has held it for a while; try again"
                    ) from exc
                self.on_busy()
                waited += self.busy_timeout

    def close(self) -> None:
        for session_id in list(self._held):
            self.release(session_id)
        self.conn.close()

    # --- sessions ---------------------------------------------------------------------------------

    def create_session(
        self, name: str, *, framework: str, company: str = "", lang: str = "zh", order_mode: str = "standard",
        scope: str | None = None,
    ) -> SessionRow:  # fmt: skip
        name = clean(name).strip()
        if not name:
            raise StorageError("a session needs a name")
        with self.transaction() as c:
            sid = self.new_session(name, company=company or name, framework=framework)
            c.execute(
                "UPDATE sessions SET lang = ?, order_mode = ?, scope = ? WHERE id = ?", (lang, order_mode, scope, sid)
            )
        return self.session(name)

    def session(self, name: str) -> SessionRow:
        row = self.conn.execute("SELECT * FROM sessions WHERE name = ?", (name,)).fetchone()
        if row is None:  # a name as typed or pasted, with the invisible characters stored names lack
            row = self.conn.execute("SELECT * FROM sessions WHERE name = ?", (clean(name).strip(),)).fetchone()
        if row is None:
            raise SessionNotFound(f"no session named {name!r}")
        try:
            return _session_row(row)
        except (ValueError, TypeError) as exc:
            raise StorageError(f"session {name!r} is damaged and cannot be opened ({exc})") from exc

    def sessions(self) -> list[SessionRow]:
        """Every readable session, newest first; a damaged row is left out and named in `damaged`."""
        rows = self.conn.execute("SELECT * FROM sessions ORDER BY updated DESC").fetchall()
        out, self.damaged = [], []
        for r in rows:
            try:
                out.append(_session_row(r))
            except (ValueError, TypeError):
                self.damaged.append(str(r["name"]))
        return out

    def integrity_problems(self, limit: int = 20) -> list[str]:
        """SQLite's full integrity check (slower than the quick check every open runs); [] when sound."""
        try:
            rows = [r[0] for r in self.conn.execute(f"PRAGMA integrity_check({int(limit)})")]
        except sqlite3.DatabaseError as exc:
            return [f"{self.path}: {exc}"]
        return [] if rows == ["ok"] else [f"{self.path}: {row}" for row in rows]

    def answer_counts(self) -> dict[int, int]:
        """How many answers each session holds, in one indexed query."""
        rows = self.conn.execute("SELECT session_id, COUNT(*) AS n FROM answers GROUP BY session_id")
        return {int(r["session_id"]): int(r["n"]) for r in rows}

    def latest_session(self) -> SessionRow | None:
        rows = self.sessions()
        return rows[0] if rows else None

    def rename(self, old: str, new: str) -> None:
        new = clean(new).strip()
        if not new:
            raise StorageError("a session needs a name")
        session = self.session(old)
        try:
            with self.transaction() as c:
                # a session another live process has open keeps its name: that process still shows it
                self._check_lock(session.id)
                c.execute(
                    "UPDATE sessions SET name = ?, updated = ? WHERE id = ?",
                    (new.strip(), time.time(), session.id),
                )
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"a session named {new!r} already exists") from exc

    def delete(self, name: str) -> None:
        session = self.session(name)
        self._check_lock(session.id)
        with self.transaction() as c:
            c.execute("DELETE FROM sessions WHERE id = ?", (session.id,))

    def acquire(self, session_id: int) -> None:
        """Hold the session for this process; SessionLocked if a live process holds it."""
        with self.transaction() as c:
            self._check_lock(session_id)
            c.execute(
                "UPDATE sessions SET lock_pid = ?, lock_host = ?, lock_time = ?, lock_start = ? WHERE id = ?",
                (os.getpid(), socket.gethostname(), time.time(), _process_start(os.getpid()), session_id),
            )
        self._held.add(session_id)

    def _check_lock(self, session_id: int) -> None:
        row = self.conn.execute(
            "SELECT name, lock_pid, lock_host, lock_start FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None or row["lock_pid"] is None or row["lock_pid"] == os.getpid():
            return
        same_host = row["lock_host"] == socket.gethostname()
        if same_host and not _holder_alive(row["lock_pid"], row["lock_start"]):
            return  # left behind by a process that died (or whose pid was reused): take it over
        raise SessionLocked(
            f"session {row['name']!r} is open in another zhuoyue (pid {row['lock_pid']} on {row['lock_host']}); "
            f"close it there first, or if that process is gone: zhuoyue sessions unlock {row['name']}"
        )

    def lock_holder(self, name: str) -> tuple[int, str, bool] | None:
        """Who holds a session: (pid, host, provably alive), or None when it is free."""
        row = self.conn.execute(
            "SELECT lock_pid, lock_host, lock_start FROM sessions WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise SessionNotFound(f"no session named {name!r}")
        if row["lock_pid"] is None:
            return None
        alive = row["lock_host"] == socket.gethostname() and _holder_alive(row["lock_pid"], row["lock_start"])
        return int(row["lock_pid"]), str(row["lock_host"]), alive

    def held_elsewhere(self, session_id: int) -> tuple[int, str] | None:
        """(pid, host) of the other process whose lock `acquire` would refuse; None when this one may write."""
        try:
            self._check_lock(session_id)
        except SessionLocked:
            row = self.conn.execute("SELECT lock_pid, lock_host FROM sessions WHERE id = ?", (session_id,)).fetchone()
            return int(row["lock_pid"]), str(row["lock_host"])
        return None

    def unlock(self, name: str) -> None:
        """Reclaim a stale lock (the caller has confirmed it); a provably live local holder keeps it."""
        holder = self.lock_holder(name)
        if holder is not None and holder[2]:
            raise SessionLocked(f"session {name!r} is held by a running zhuoyue (pid {holder[0]}); close it there")
        with self.transaction() as c:
            c.execute(
                "UPDATE sessions SET lock_pid = NULL, lock_host = NULL, lock_time = NULL, lock_start = NULL"
                " WHERE name = ?",
                (name,),
            )

    def release(self, session_id: int) -> None:
        try:
            with self.transaction() as c:
                c.execute(
                    "UPDATE sessions SET lock_pid = NULL, lock_host = NULL, lock_time = NULL, lock_start = NULL"
                    " WHERE id = ? AND lock_pid = ?",
                    (session_id, os.getpid()),
                )
        except (sqlite3.Error, StorageError):
            pass  # closing must not fail; a lock left behind is recognised as stale later
        self._held.discard(session_id)

    # --- reading a session ------------------------------------------------------------------------

    def answers(self, session_id: int) -> list[AnswerRow]:
        rows = self.conn.execute(
            "SELECT * FROM answers WHERE session_id = ? ORDER BY id", (session_id,)
        ).fetchall()
        return [
            AnswerRow(r["id"], r["asked"], r["question"], r["text"], r["author"], r["created"]) for r in rows
        ]

    def evidence(self, session_id: int, *, active_only: bool = True) -> list[EvidenceRow]:
        sql = (
            "SELECT * FROM evidence WHERE session_id = ?"
            + (" AND active = 1" if active_only else "")
            + " ORDER BY id"
        )
        return [
            EvidenceRow(
                r["id"],
                r["answer_id"],
                r["leaf_id"],
                r["text"],
                r["score"],
                r["source"],
                r["author"],
                bool(r["active"]),
            )
            for r in self.conn.execute(sql, (session_id,)).fetchall()
        ]

    def notes(self, session_id: int, kind: str | None = None) -> list[NoteRow]:
        sql = "SELECT * FROM notes WHERE session_id = ?" + (" AND kind = ?" if kind else "") + " ORDER BY id"
        params: tuple[Any, ...] = (session_id, kind) if kind else (session_id,)
        return [
            NoteRow(r["id"], r["answer_id"], r["leaf_id"], r["kind"], r["text"], r["owner"],
                    r["closed_by"] is not None, r["created"], r["closed_by"])
            for r in self.conn.execute(sql, params).fetchall()
        ]  # fmt: skip

    def feedback(self, session_id: int) -> list[FeedbackRow]:
        """The assessor's strengths and opportunities and their changes to drafts, oldest first."""
        rows = self.conn.execute("SELECT * FROM feedback WHERE session_id = ? ORDER BY id", (session_id,))
        return [
            FeedbackRow(r["id"], r["item_id"], r["kind"], r["draft_key"], r["leaf_id"], r["text"],
                        bool(r["dropped"]), r["created"])
            for r in rows.fetchall()
        ]  # fmt: skip

    def plan(self, session_id: int) -> dict[str, PlanRow]:
        """Owner and due date per leaf, where the assessor set one."""
        rows = self.conn.execute("SELECT leaf_id, owner, due FROM plan WHERE session_id = ?", (session_id,))
        return {r["leaf_id"]: PlanRow(r["leaf_id"], r["owner"], r["due"]) for r in rows.fetchall()}

    # --- writing a step (call inside transaction(): the caller's step is one transaction) ------------

    # Every write below cleans its text the same way (textnorm.clean): whatever the source
    # (an answer, an imported draft or session, a merge), no control, bidi or zero-width
    # character reaches the database.

    def add_answer(
        self, session_id: int, asked: str | None, question: str, text: str, author: str, *, created: float | None = None
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO answers (session_id, asked, question, text, author, created) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, asked and clean(asked), clean(question), clean(text), clean(author), created or time.time()),
        )
        return int(cur.lastrowid or 0)

    def add_note(
        self, session_id: int, answer_id: int | None, leaf_id: str, kind: str, text: str, owner: str = ""
    ) -> int:
        if kind not in NOTE_KINDS:
            raise ValueError(f"unknown note kind {kind!r}")
        cur = self.conn.execute(
            "INSERT INTO notes (session_id, answer_id, leaf_id, kind, text, owner, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, answer_id, leaf_id, kind, clean(text), clean(owner), time.time()),
        )
        return int(cur.lastrowid or 0)

    def new_session(self, name: str, *, company: str, framework: str, created: float | None = None) -> int:
        """Insert a session row (inside the caller's transaction); a taken name is one clean error.

        The unique index decides, so two processes racing for one name get the same
        message however their transactions interleave.
        """
        # names and companies are shown everywhere: no control, bidi or zero-width characters in them
        name, company = clean(name).strip(), clean(company).strip()
        now = time.time()
        try:
            cur = self.conn.execute(
                "INSERT INTO sessions (name, company, framework, created, updated) VALUES (?, ?, ?, ?, ?)",
                (name, company, framework, created or now, now),
            )
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"a session named {name!r} already exists") from exc
        return int(cur.lastrowid or 0)

    def add_evidence(
        self, session_id: int, answer_id: int | None, leaf_id: str, text: str, score: float | None,
        source: str, author: str = "", *, active: bool = True, created: float | None = None,
    ) -> int:  # fmt: skip
        cur = self.conn.execute(
            "INSERT INTO evidence (session_id, answer_id, leaf_id, text, score, source, author, active, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, answer_id, leaf_id, clean(text), score, source, clean(author), int(active), created or time.time()),
        )
        return int(cur.lastrowid or 0)

    def set_evidence_active(self, evidence_ids: list[int], active: bool) -> None:
        self.conn.executemany("UPDATE evidence SET active = ? WHERE id = ?", [(int(active), i) for i in evidence_ids])

    def set_na(self, session_id: int, leaf_id: str, reason: str | None) -> None:
        """Mark a leaf not applicable with a reason, or (reason None) clear the mark."""
        if reason is None:
            self.conn.execute("DELETE FROM na WHERE session_id = ? AND leaf_id = ?", (session_id, leaf_id))
        else:
            self.conn.execute(
                "INSERT OR REPLACE INTO na (session_id, leaf_id, reason) VALUES (?, ?, ?)",
                (session_id, leaf_id, clean(reason)),
            )

    def set_score(self, session_id: int, item_id: str, percent: int | None, author: str = "") -> None:
        """An item's percentage, or (percent None) no score."""
        if percent is None:
            self.conn.execute("DELETE FROM scores WHERE session_id = ? AND item_id = ?", (session_id, item_id))
        else:
            self.conn.execute(
                "INSERT OR REPLACE INTO scores (session_id, item_id, percent, author) VALUES (?, ?, ?, ?)",
                (session_id, item_id, percent, author),
            )

    def add_assessor_score(self, session_id: int, item_id: str, author: str, percent: int) -> None:
        self.conn.execute("INSERT INTO assessor_scores VALUES (?, ?, ?, ?)", (session_id, item_id, author, percent))

    def add_feedback(
        self, session_id: int, item_id: str, kind: str, text: str, *, draft_key: str = "", leaf_id: str = "",
        dropped: bool = False, created: float | None = None,
    ) -> int:  # fmt: skip
        if kind not in FEEDBACK_KINDS:
            raise ValueError(f"unknown feedback kind {kind!r}")
        cur = self.conn.execute(
            "INSERT INTO feedback (session_id, item_id, kind, draft_key, leaf_id, text, dropped, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, item_id, kind, draft_key, leaf_id, clean(text), int(dropped), created or time.time()),
        )
        return int(cur.lastrowid or 0)

    def update_feedback(self, session_id: int, row_id: int, text: str, dropped: bool) -> None:
        self.conn.execute(
            "UPDATE feedback SET text = ?, dropped = ? WHERE id = ? AND session_id = ?",
            (clean(text), int(dropped), row_id, session_id),
        )

    def set_plan(self, session_id: int, leaf_id: str, owner: str, due: str) -> None:
        """A leaf's owner and due date; both blank removes the leaf from the plan."""
        owner = clean(owner).strip()
        if not owner and not due:
            self.conn.execute("DELETE FROM plan WHERE session_id = ? AND leaf_id = ?", (session_id, leaf_id))
        else:
            self.conn.execute(
                "INSERT OR REPLACE INTO plan (session_id, leaf_id, owner, due) VALUES (?, ?, ?, ?)",
                (session_id, leaf_id, owner, due),
            )

    def save_cursor(self, session_id: int, cursor: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE sessions SET cursor = ?, updated = ? WHERE id = ?", (json.dumps(cursor), time.time(), session_id)
        )

    def add_step(self, session_id: int, action: str, payload: dict[str, Any]) -> None:
        """Record what undo needs to take a step back; only the latest MAX_STEPS are kept."""
        cur = self.conn.execute(
            "INSERT INTO steps (session_id, action, payload, created) VALUES (?, ?, ?, ?)",
            (session_id, action, json.dumps(payload, ensure_ascii=False), time.time()),
        )
        self.conn.execute(
            "DELETE FROM steps WHERE session_id = ? AND id <= ?", (session_id, int(cur.lastrowid or 0) - MAX_STEPS)
        )

    def undo_step(self, session_id: int) -> tuple[str, dict[str, Any]] | None:
        """Take back the session's last step in the data (inside the caller's transaction).

        Returns the step's action and payload, whose saved cursor the engine restores, or None.
        """
        step = self.last_step(session_id)
        if step is None:
            return None
        step_id, action, payload = step
        if action == "answer":  # evidence and notes go with their answer (ON DELETE CASCADE)
            self.conn.execute("DELETE FROM answers WHERE id = ? AND session_id = ?", (payload["answer_id"], session_id))
        elif action == "assign":
            self.conn.execute("DELETE FROM evidence WHERE id = ? AND session_id = ?", (payload["evidence_id"], session_id))
        elif action in ("detach", "relink"):
            if action == "relink":
                self.conn.execute(
                    "DELETE FROM evidence WHERE id = ? AND session_id = ?", (payload["evidence_id"], session_id)
                )
            self.set_evidence_active(payload["evidence_ids"], True)
        elif action == "na":
            for leaf_id, reason in payload["previous"].items():
                self.set_na(session_id, leaf_id, reason)
        elif action == "score":
            self.set_score(session_id, payload["item"], payload["previous"])
        elif action == "feedback":  # a row this step added goes; a row it changed gets its old text back
            previous = payload["previous"]
            if previous is None:
                self.conn.execute("DELETE FROM feedback WHERE id = ? AND session_id = ?", (payload["row"], session_id))
            else:
                self.update_feedback(session_id, payload["row"], previous["text"], previous["dropped"])
        elif action == "plan":
            previous = payload["previous"] or {"owner": "", "due": ""}
            self.set_plan(session_id, payload["leaf"], previous["owner"], previous["due"])
        elif action == "data":  # the measure as it was before the step; None when the step added it
            if payload["previous"] is None:
                self.delete_measure(session_id, payload["leaf"], payload["measure"])
            else:
                self.set_measure(session_id, payload["leaf"], Measure.from_json(payload["previous"]))
        elif action in ("delete_answer", "edit_answer"):  # the answer as it was, its evidence and notes with it
            self.restore_answer(session_id, payload["snapshot"])
        if isinstance(payload.get("cursor"), dict):
            self.save_cursor(session_id, payload["cursor"])
        self.conn.execute("DELETE FROM steps WHERE id = ?", (step_id,))
        return action, payload

    def close_todos(self, session_id: int, leaf_ids: list[str], answer_id: int) -> None:
        """An answer about a clause settles its open to-dos (undoing the answer reopens them)."""
        self.conn.executemany(
            "UPDATE notes SET closed_by = ? WHERE session_id = ? AND leaf_id = ? AND kind = 'defer'"
            " AND closed_by IS NULL",
            [(answer_id, session_id, leaf_id) for leaf_id in leaf_ids],
        )

    # --- one answer of the history: deleted or edited, and put back by undo (inside the caller's transaction)

    def answer_snapshot(self, session_id: int, answer_id: int) -> dict[str, Any] | None:
        """An answer, its evidence and notes with every column, and the to-dos it closed: what restore_answer needs."""
        row = self.conn.execute(
            "SELECT id, asked, question, text, author, created FROM answers WHERE id = ? AND session_id = ?",
            (answer_id, session_id),
        ).fetchone()
        if row is None:
            return None
        evidence = self.conn.execute(
            "SELECT id, leaf_id, text, score, source, author, active, created FROM evidence"
            " WHERE answer_id = ? AND session_id = ? ORDER BY id",
            (answer_id, session_id),
        ).fetchall()
        notes = self.conn.execute(
            "SELECT id, leaf_id, kind, text, owner, closed_by, created FROM notes"
            " WHERE answer_id = ? AND session_id = ? ORDER BY id",
            (answer_id, session_id),
        ).fetchall()
        closed = self.conn.execute(
            "SELECT id FROM notes WHERE closed_by = ? AND session_id = ? ORDER BY id", (answer_id, session_id)
        ).fetchall()
        return {
            "answer": dict(row),
            "evidence": [dict(r) for r in evidence],
            "notes": [dict(r) for r in notes],
            "closed": [int(r["id"]) for r in closed],
        }

    def delete_answer(self, session_id: int, answer_id: int) -> None:
        """Remove an answer; its evidence and notes go with it, and the to-dos it closed open again (foreign keys)."""
        self.conn.execute("DELETE FROM answers WHERE id = ? AND session_id = ?", (answer_id, session_id))

    def restore_answer(self, session_id: int, snapshot: dict[str, Any]) -> None:
        """Put an answer back as answer_snapshot saw it, under the same ids, replacing what is stored under them.

        Undo goes back one step at a time, so the ids are free again by the time it
        gets here; a to-do closed by an answer that is gone stays open.
        """
        a = snapshot["answer"]
        self.delete_answer(session_id, a["id"])
        self.conn.execute(
            "INSERT INTO answers (id, session_id, asked, question, text, author, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (a["id"], session_id, a["asked"], a["question"], a["text"], a["author"], a["created"]),
        )
        self.conn.executemany(
            "INSERT INTO evidence (id, session_id, answer_id, leaf_id, text, score, source, author, active, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e["id"], session_id, a["id"], e["leaf_id"], e["text"], e["score"], e["source"], e["author"],
              e["active"], e["created"]) for e in snapshot["evidence"]],
        )  # fmt: skip
        self.conn.executemany(
            "INSERT INTO notes (id, session_id, answer_id, leaf_id, kind, text, owner, closed_by, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM answers WHERE id = ? AND session_id = ?), ?)",
            [(n["id"], session_id, a["id"], n["leaf_id"], n["kind"], n["text"], n["owner"], n["closed_by"], session_id,
              n["created"]) for n in snapshot["notes"]],
        )  # fmt: skip
        self.set_closed_by(session_id, a["id"], snapshot["closed"])

    def set_answer_text(self, session_id: int, answer_id: int, text: str) -> None:
        self.conn.execute(
            "UPDATE answers SET text = ? WHERE id = ? AND session_id = ?", (clean(text), answer_id, session_id)
        )

    def set_evidence_text(self, session_id: int, evidence_ids: list[int], text: str) -> None:
        self.conn.executemany(
            "UPDATE evidence SET text = ? WHERE id = ? AND session_id = ?",
            [(clean(text), i, session_id) for i in evidence_ids],
        )

    def delete_evidence(self, session_id: int, evidence_ids: list[int]) -> None:
        self.conn.executemany(
            "DELETE FROM evidence WHERE id = ? AND session_id = ?", [(i, session_id) for i in evidence_ids]
        )

    def set_note_text(self, session_id: int, note_id: int, text: str, owner: str) -> None:
        self.conn.execute(
            "UPDATE notes SET text = ?, owner = ? WHERE id = ? AND session_id = ?",
            (clean(text), clean(owner), note_id, session_id),
        )

    def delete_notes(self, session_id: int, note_ids: list[int]) -> None:
        self.conn.executemany("DELETE FROM notes WHERE id = ? AND session_id = ?", [(i, session_id) for i in note_ids])

    def set_closed_by(self, session_id: int, answer_id: int, note_ids: list[int]) -> None:
        """Exactly these to-dos are the ones the answer settles: others it had closed open again."""
        self.conn.execute(
            "UPDATE notes SET closed_by = NULL WHERE closed_by = ? AND session_id = ?", (answer_id, session_id)
        )
        self.conn.executemany(
            "UPDATE notes SET closed_by = ? WHERE id = ? AND session_id = ? AND kind = 'defer'",
            [(answer_id, i, session_id) for i in note_ids],
        )

    def set_measure(self, session_id: int, leaf_id: str, measure: Measure) -> None:
        """Replace one measure's values on a leaf (inside the caller's transaction); it keeps its place."""
        row = self.conn.execute(
            "SELECT MIN(seq) FROM measures WHERE session_id = ? AND leaf_id = ? AND measure = ?",
            (session_id, leaf_id, measure.measure),
        ).fetchone()
        if row[0] is None:
            row = self.conn.execute("SELECT MAX(seq) + 1 FROM measures WHERE session_id = ?", (session_id,)).fetchone()
        seq = int(row[0] or 0)
        self.delete_measure(session_id, leaf_id, measure.measure)
        values = [("period", label, v) for label, v in measure.periods] + [
            ("comparison", label, v) for label, v in measure.comparisons
        ]
        self.conn.executemany(
            "INSERT INTO measures (session_id, leaf_id, measure, unit, seq, kind, position, label, value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(session_id, leaf_id, clean(measure.measure), clean(measure.unit), seq, kind, i, clean(label), float(v))
             for i, (kind, label, v) in enumerate(values)],
        )  # fmt: skip

    def delete_measure(self, session_id: int, leaf_id: str, measure: str) -> None:
        self.conn.execute(
            "DELETE FROM measures WHERE session_id = ? AND leaf_id = ? AND measure = ?", (session_id, leaf_id, measure)
        )

    def measures(self, session_id: int) -> dict[str, list[Measure]]:
        """Every measure table of the session by leaf, each leaf's in the order first entered."""
        rows = self.conn.execute(
            "SELECT leaf_id, measure, unit, kind, label, value FROM measures WHERE session_id = ?"
            " ORDER BY seq, position",
            (session_id,),
        ).fetchall()
        grouped: dict[tuple[str, str], tuple[str, list[tuple[str, float]], list[tuple[str, float]]]] = {}
        for r in rows:
            unit, periods, comparisons = grouped.setdefault((r["leaf_id"], r["measure"]), (r["unit"], [], []))
            (periods if r["kind"] == "period" else comparisons).append((r["label"], float(r["value"])))
        out: dict[str, list[Measure]] = {}
        for (leaf_id, name), (unit, periods, comparisons) in grouped.items():
            out.setdefault(leaf_id, []).append(Measure(name, unit, tuple(periods), tuple(comparisons)))
        return out

    def na(self, session_id: int) -> dict[str, str]:
        rows = self.conn.execute("SELECT leaf_id, reason FROM na WHERE session_id = ?", (session_id,))
        return {r["leaf_id"]: r["reason"] for r in rows}

    def scores(self, session_id: int) -> dict[str, int]:
        rows = self.conn.execute("SELECT item_id, percent FROM scores WHERE session_id = ?", (session_id,))
        return {r["item_id"]: r["percent"] for r in rows}

    def assessor_scores(self, session_id: int) -> dict[str, dict[str, int]]:
        """Per item, each assessor's percentage (merged sessions only)."""
        rows = self.conn.execute(
            "SELECT item_id, author, percent FROM assessor_scores WHERE session_id = ?", (session_id,)
        )
        out: dict[str, dict[str, int]] = {}
        for r in rows:
            out.setdefault(r["item_id"], {})[r["author"]] = r["percent"]
        return out

    def recent_cursors(self, session_id: int, limit: int = 50) -> list[dict[str, Any]]:
        """Where the interview stood before each of its latest steps, newest first."""
        rows = self.conn.execute(
            "SELECT payload FROM steps WHERE session_id = ? ORDER BY id DESC LIMIT ?", (session_id, limit)
        ).fetchall()
        out = []
        for row in rows:
            payload = json.loads(row["payload"])
            if isinstance(payload, dict) and isinstance(payload.get("cursor"), dict):
                out.append(payload["cursor"])
        return out

    def last_step(self, session_id: int) -> tuple[int, str, dict[str, Any]] | None:
        row = self.conn.execute(
            "SELECT id, action, payload FROM steps WHERE session_id = ? ORDER BY id DESC LIMIT 1",
            (session_id,),
        ).fetchone()
        return (row["id"], row["action"], json.loads(row["payload"])) if row else None

    # --- export and import ------------------------------------------------------------------------

    def export_session(self, name: str) -> dict[str, Any]:
        """The whole session as JSON-ready data ('zhuoyue-session' v1, see README "Contracts").

        Built by the models `import_session` reads with (assistant.sessionfile), so an
        export always reads back; a stored value they refuse is a StorageError naming it.
        """
        # imported here: pydantic is needed only by export and import
        from assistant.sessionfile import SessionFileError, build_session_file

        s = self.session(name)
        try:
            file = build_session_file({
                "session": {
                    "name": s.name, "company": s.company, "framework": s.framework, "lang": s.lang,
                    "order_mode": s.order_mode, "scope": s.scope, "cursor": s.cursor,
                    "created": s.created, "updated": s.updated,
                },
                "answers": [
                    {"id": a.id, "asked": a.asked, "question": a.question, "text": a.text, "author": a.author,
                     "created": a.created}
                    for a in self.answers(s.id)
                ],
                "evidence": [
                    {"answer_id": e.answer_id, "leaf_id": e.leaf_id, "text": e.text, "score": e.score,
                     "source": e.source, "author": e.author, "active": e.active}
                    for e in self.evidence(s.id, active_only=False)
                ],
                "na": [{"leaf_id": k, "reason": v} for k, v in sorted(self.na(s.id).items())],
                "notes": [
                    {"answer_id": n.answer_id, "leaf_id": n.leaf_id, "kind": n.kind, "text": n.text,
                     "owner": n.owner, "closed": n.closed, "created": n.created}
                    for n in self.notes(s.id)
                ],
                "scores": [{"item_id": k, "percent": v} for k, v in sorted(self.scores(s.id).items())],
                "assessor_scores": [
                    {"item_id": item, "author": author, "percent": pct}
                    for item, per in sorted(self.assessor_scores(s.id).items()) for author, pct in sorted(per.items())
                ],
                "feedback": [
                    {"item_id": f.item_id, "kind": f.kind, "draft_key": f.draft_key, "leaf_id": f.leaf_id or None,
                     "text": f.text, "dropped": f.dropped, "created": f.created}
                    for f in self.feedback(s.id)
                ],
                "plan": [
                    {"leaf_id": p.leaf_id, "owner": p.owner, "due": p.due}
                    for _, p in sorted(self.plan(s.id).items())
                ],
                "measures": [
                    {"leaf_id": leaf_id, "measure": m.measure, "unit": m.unit, "periods": dict(m.periods),
                     "comparisons": dict(m.comparisons)}
                    for leaf_id, tables in self.measures(s.id).items() for m in tables
                ],
            })  # fmt: skip
        except SessionFileError as exc:
            raise StorageError(f"session {s.name!r} cannot be exported: {exc}") from exc
        return file.to_json()

    def import_session(
        self,
        data: object,
        *,
        name: str | None = None,
        check_clause: Callable[[str, str], str | None] | None = None,
    ) -> SessionRow:
        """Create a session from exported data in one transaction (all or nothing).

        The data is checked whole first (assistant.sessionfile): a bad value refuses
        the file with a message naming the field, and nothing is written.
        `check_clause(id, "item" | "leaf" | "node")` returns why a clause id is wrong,
        or None; the caller builds it from its knowledge base (sessionfile.kb_clause_check).
        """
        # imported here: pydantic is needed only by export and import
        from assistant.sessionfile import SessionFileError, check_name, read_session_file

        try:
            file = read_session_file(data, check_clause=check_clause)
            target = check_name(name) if name is not None else file.session.name
        except SessionFileError as exc:
            raise StorageError(f"the session file was refused, nothing was imported: {exc}") from exc
        meta = file.session
        now = time.time()
        try:
            with self.transaction() as c:
                cur = c.execute(
                    "INSERT INTO sessions (name, company, framework, lang, order_mode, scope, cursor, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (target, meta.company, meta.framework, meta.lang, meta.order_mode, meta.scope,
                     json.dumps(meta.cursor.model_dump(mode="json"), ensure_ascii=False), meta.created, now),
                )  # fmt: skip
                sid = cur.lastrowid
                id_map: dict[int, int] = {}
                for a in file.answers:
                    cur = c.execute(
                        "INSERT INTO answers (session_id, asked, question, text, author, created) VALUES (?, ?, ?, ?, ?, ?)",
                        (sid, a.asked, a.question, a.text, a.author, a.created),
                    )
                    id_map[a.id] = int(cur.lastrowid or 0)
                for e in file.evidence:
                    c.execute(
                        "INSERT INTO evidence (session_id, answer_id, leaf_id, text, score, source, author, active, created)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (sid, id_map.get(e.answer_id) if e.answer_id is not None else None, e.leaf_id, e.text,
                         e.score, e.source, e.author, int(e.active), now),
                    )  # fmt: skip
                for row in file.na:
                    c.execute("INSERT INTO na VALUES (?, ?, ?)", (sid, row.leaf_id, row.reason))
                # the file says only whether a to-do was closed; its own answer (or the last one) closed it
                last_answer = max(id_map.values(), default=None)
                for n in file.notes:
                    answer = id_map.get(n.answer_id) if n.answer_id is not None else None
                    c.execute(
                        "INSERT INTO notes (session_id, answer_id, leaf_id, kind, text, owner, closed_by, created)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (sid, answer, n.leaf_id, n.kind, n.text, n.owner,
                         (answer or last_answer) if n.closed else None, n.created),
                    )  # fmt: skip
                for a_row in file.assessor_scores:
                    c.execute(
                        "INSERT INTO assessor_scores VALUES (?, ?, ?, ?)",
                        (sid, a_row.item_id, a_row.author, a_row.percent),
                    )
                for s_row in file.scores:
                    c.execute(
                        "INSERT INTO scores (session_id, item_id, percent) VALUES (?, ?, ?)",
                        (sid, s_row.item_id, s_row.percent),
                    )
                for f in file.feedback:
                    self.add_feedback(
                        int(sid or 0), f.item_id, f.kind, f.text, draft_key=f.draft_key, leaf_id=f.leaf_id or "",
                        dropped=f.dropped, created=f.created,
                    )  # fmt: skip
                for p in file.plan:
                    self.set_plan(int(sid or 0), p.leaf_id, p.owner, p.due)
                for m in file.measures:
                    self.set_measure(int(sid or 0), m.leaf_id, m.table())
        except sqlite3.IntegrityError as exc:
            if "sessions.name" in str(exc):
                raise StorageError(f"a session named {target!r} already exists") from exc
            raise StorageError(f"cannot import: {exc}") from exc
        return self.session(target)


def _session_row(row: sqlite3.Row) -> SessionRow:
    """A session row as typed data; ValueError when the row is damaged (a cursor that is not an object …)."""
    cursor = json.loads(row["cursor"] or "{}")
    if not isinstance(cursor, dict) or not isinstance(row["name"], str):
        raise ValueError(f"session row {row['id']} is damaged")
    return SessionRow(
        row["id"], row["name"], str(row["company"] or ""), str(row["framework"]), str(row["lang"] or "zh"),
        str(row["order_mode"] or "standard"), row["scope"], cursor, float(row["created"] or 0), float(row["updated"] or 0),
    )  # fmt: skip


#: What SQLite says when a database is fine but cannot be used now.
_TRANSIENT = re.compile(r"locked|busy|readonly|read-only|full")


def _describe(exc: sqlite3.Error, path: Path) -> str:
    message = str(exc)
    if "full" in message:
        return f"the disk holding {path} is full; this step was not saved, everything before it is"
    if "locked" in message or "busy" in message:
        return f"{path} is busy: another program holds it; try again"
    if "readonly" in message or "read-only" in message:
        return f"{path} is read-only; nothing was saved"
    return f"{path}: the database could not be written ({message}); this step was not saved"


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"
