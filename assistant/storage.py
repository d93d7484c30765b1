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
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.errors import UserError

SCHEMA_VERSION = 3
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
)


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


NOTE_KINDS = ("absent", "defer", "plan", "profile")


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

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the folder for {path}: {exc.strerror}") from exc
        if path.exists() and path.stat().st_size and not _looks_like_sqlite(path):
            raise StorageError(
                f"{path} is not a zhuoyue database (not an SQLite file); it was left untouched"
            )
        try:
            self.conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 10000")
            mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError(f"{path}: cannot switch to WAL mode ({mode})")
            check = self.conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StorageError(f"{path} is damaged ({check}); it was left untouched")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{path} cannot be used as a zhuoyue database: {exc}") from exc
        self._held: set[int] = set()

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
        """BEGIN IMMEDIATE … COMMIT; rolled back whole on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        for session_id in list(self._held):
            self.release(session_id)
        self.conn.close()

    # --- sessions ---------------------------------------------------------------------------------

    def create_session(
        self, name: str, *, framework: str, company: str = "", lang: str = "zh", order_mode: str = "standard",
        scope: str | None = None,
    ) -> SessionRow:  # fmt: skip
        name = name.strip()
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
        if row is None:
            raise SessionNotFound(f"no session named {name!r}")
        return _session_row(row)

    def sessions(self) -> list[SessionRow]:
        rows = self.conn.execute("SELECT * FROM sessions ORDER BY updated DESC").fetchall()
        return [_session_row(r) for r in rows]

    def latest_session(self) -> SessionRow | None:
        rows = self.sessions()
        return rows[0] if rows else None

    def rename(self, old: str, new: str) -> None:
        session = self.session(old)
        try:
            with self.transaction() as c:
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
                "UPDATE sessions SET lock_pid = ?, lock_host = ?, lock_time = ? WHERE id = ?",
                (os.getpid(), socket.gethostname(), time.time(), session_id),
            )
        self._held.add(session_id)

    def _check_lock(self, session_id: int) -> None:
        row = self.conn.execute(
            "SELECT name, lock_pid, lock_host FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None or row["lock_pid"] is None or row["lock_pid"] == os.getpid():
            return
        same_host = row["lock_host"] == socket.gethostname()
        if same_host and not _pid_alive(row["lock_pid"]):
            return  # left behind by a process that died: take it over
        raise SessionLocked(
            f"session {row['name']!r} is open in another zhuoyue (pid {row['lock_pid']} on {row['lock_host']}); "
            "close it there first"
        )

    def release(self, session_id: int) -> None:
        try:
            with self.transaction() as c:
                c.execute(
                    "UPDATE sessions SET lock_pid = NULL, lock_host = NULL, lock_time = NULL"
                    " WHERE id = ? AND lock_pid = ?",
                    (session_id, os.getpid()),
                )
        except sqlite3.Error:
            pass
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
                    r["closed_by"] is not None, r["created"])
            for r in self.conn.execute(sql, params).fetchall()
        ]  # fmt: skip

    # --- writing a step (call inside transaction(): the caller's step is one transaction) ------------

    def add_answer(
        self, session_id: int, asked: str | None, question: str, text: str, author: str, *, created: float | None = None
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO answers (session_id, asked, question, text, author, created) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, asked, question, text, author, created or time.time()),
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
            (session_id, answer_id, leaf_id, kind, text, owner, time.time()),
        )
        return int(cur.lastrowid or 0)

    def new_session(self, name: str, *, company: str, framework: str, created: float | None = None) -> int:
        """Insert a session row (inside the caller's transaction); a taken name is one clean error.

        The unique index decides, so two processes racing for one name get the same
        message however their transactions interleave.
        """
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
            (session_id, answer_id, leaf_id, text, score, source, author, int(active), created or time.time()),
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
                "INSERT OR REPLACE INTO na (session_id, leaf_id, reason) VALUES (?, ?, ?)", (session_id, leaf_id, reason)
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
        """The whole session as JSON-ready data (schema: docs in README, 'zhuoyue-session' v1)."""
        s = self.session(name)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "session": {
                "name": s.name, "company": s.company, "framework": s.framework, "lang": s.lang,
                "order_mode": s.order_mode, "scope": s.scope, "cursor": s.cursor,
                "created": s.created, "updated": s.updated,
            },
            "answers": [
                {"id": a.id, "asked": a.asked, "question": a.question, "text": a.text, "author": a.author, "created": a.created}
                for a in self.answers(s.id)
            ],
            "evidence": [
                {"answer_id": e.answer_id, "leaf_id": e.leaf_id, "text": e.text, "score": e.score,
                 "source": e.source, "author": e.author, "active": e.active}
                for e in self.evidence(s.id, active_only=False)
            ],
            "na": [{"leaf_id": k, "reason": v} for k, v in sorted(self.na(s.id).items())],
            "notes": [
                {"answer_id": n.answer_id, "leaf_id": n.leaf_id, "kind": n.kind, "text": n.text, "owner": n.owner,
                 "closed": n.closed, "created": n.created}
                for n in self.notes(s.id)
            ],
            "scores": [{"item_id": k, "percent": v} for k, v in sorted(self.scores(s.id).items())],
            "assessor_scores": [
                {"item_id": item, "author": author, "percent": pct}
                for item, per in sorted(self.assessor_scores(s.id).items()) for author, pct in sorted(per.items())
            ],
        }  # fmt: skip

    def import_session(self, data: dict[str, Any], *, name: str | None = None) -> SessionRow:
        """Create a session from exported data in one transaction (all or nothing)."""
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise StorageError("not a zhuoyue session export (missing 'format': 'zhuoyue-session')")
        if data.get("version") != EXPORT_VERSION:
            raise StorageError(f"unsupported session export version {data.get('version')!r}")
        try:
            meta = data["session"]
            target = (name or meta["name"]).strip()
            now = time.time()
            with self.transaction() as c:
                cur = c.execute(
                    "INSERT INTO sessions (name, company, framework, lang, order_mode, scope, cursor, created, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (target, meta.get("company", ""), meta["framework"], meta.get("lang", "zh"),
                     meta.get("order_mode", "standard"), meta.get("scope"), json.dumps(meta.get("cursor", {})),
                     meta.get("created", now), now),
                )  # fmt: skip
                sid = cur.lastrowid
                id_map: dict[int, int] = {}
                for a in data.get("answers", []):
                    cur = c.execute(
                        "INSERT INTO answers (session_id, asked, question, text, author, created) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            sid,
                            a.get("asked"),
                            a.get("question", ""),
                            a["text"],
                            a.get("author", ""),
                            a.get("created", now),
                        ),
                    )
                    id_map[int(a["id"])] = int(cur.lastrowid or 0)
                for e in data.get("evidence", []):
                    answer = id_map.get(e["answer_id"]) if e.get("answer_id") is not None else None
                    c.execute(
                        "INSERT INTO evidence (session_id, answer_id, leaf_id, text, score, source, author, active, created)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (sid, answer, e["leaf_id"], e["text"], e.get("score"), e.get("source", "import"),
                         e.get("author", ""), int(bool(e.get("active", True))), now),
                    )  # fmt: skip
                for row in data.get("na", []):
                    c.execute("INSERT INTO na VALUES (?, ?, ?)", (sid, row["leaf_id"], row["reason"]))
                for n in data.get("notes", []):
                    if n["kind"] not in NOTE_KINDS:
                        raise ValueError(f"unknown note kind {n['kind']!r}")
                    answer = id_map.get(n["answer_id"]) if n.get("answer_id") is not None else None
                    c.execute(
                        "INSERT INTO notes (session_id, answer_id, leaf_id, kind, text, owner, closed_by, created)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (sid, answer, str(n["leaf_id"]), n["kind"], str(n["text"]), str(n.get("owner", "")),
                         answer if n.get("closed") else None, n.get("created", now)),
                    )  # fmt: skip
                for row in data.get("assessor_scores", []):
                    c.execute(
                        "INSERT INTO assessor_scores VALUES (?, ?, ?, ?)",
                        (sid, row["item_id"], row["author"], int(row["percent"])),
                    )
                for row in data.get("scores", []):
                    c.execute(
                        "INSERT INTO scores (session_id, item_id, percent) VALUES (?, ?, ?)",
                        (sid, row["item_id"], int(row["percent"])),
                    )
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"cannot import: {exc}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise StorageError(f"the session export is malformed: {exc!r}") from exc
        return self.session(target)


def _session_row(row: sqlite3.Row) -> SessionRow:
    return SessionRow(
        row["id"], row["name"], row["company"], row["framework"], row["lang"], row["order_mode"], row["scope"],
        json.loads(row["cursor"] or "{}"), row["created"], row["updated"],
    )  # fmt: skip


def _looks_like_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"
