"""The ABC sandbox's state in SQLite: schema, seed, and one transaction per request.

Names compare exactly (SQLite's BINARY collation, as the server's ``utf8mb4_bin``), so
``Billing`` and ``billing`` are two rows. Ids are AUTOINCREMENT: a deleted id never returns.

Secrets: API keys and the admin password are stored hashed, never in clear: a key or password
the caller passes in, or one the sandbox makes up for this run when none is given (a new one
each time the file is opened without it: ``serve`` prints it, the embedded sandbox uses it in
process). The JWT signing secret is never stored. Webhook tokens are stored sealed (a salted
digest, :mod:`..tokens`). A file written before these rules has its clear tokens sealed and
its clear made-up secrets deleted when it is opened (``secure_delete`` wipes them).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ....sandbox.sqlite import MEMORY as MEMORY
from ....sandbox.sqlite import SqliteStore
from ..tokens import is_seal, seal
from . import keys

DEFAULT_DB = Path(".reconciler") / "abc-sandbox.db"
SCHEMA_VERSION = 1
ADMIN_EMAIL = "admin@example.com"
PROJECTS = ((1, "Demo"), (2, "Other"))

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE api_keys (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id), key_hash TEXT NOT NULL
);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL, description TEXT, status TEXT NOT NULL, external_issue_id TEXT,
    category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL, description TEXT, image_config TEXT,
    feedback_search_max_days INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, UNIQUE (project_id, name)
);
CREATE TABLE fields (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    name TEXT NOT NULL, key TEXT NOT NULL, description TEXT, format TEXT NOT NULL,
    property TEXT NOT NULL, status TEXT NOT NULL, ord INTEGER NOT NULL DEFAULT 0,
    ai_target_keys TEXT, ai_auto_processing INTEGER,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    UNIQUE (channel_id, key), UNIQUE (channel_id, name)
);
CREATE TABLE options (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    field_id INTEGER NOT NULL REFERENCES fields(id) ON DELETE CASCADE,
    name TEXT NOT NULL, key TEXT NOT NULL, deleted_at TEXT
);
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL, url TEXT NOT NULL, token TEXT, status TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    type TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE event_channels (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, channel_id)
);
"""

Row = sqlite3.Row


class Store(SqliteStore):
    """An open sandbox database; a new one is created and seeded on first open."""

    LABEL = "ABC sandbox"

    def __init__(self, path: str | Path, *, wall: Callable[[], float] = time.time) -> None:
        self._made_up: set[str] = set()  # the secrets this run made up (never stored in clear)
        super().__init__(path, wall=wall)

    def _prepare(self) -> None:
        if self.path != MEMORY:
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA secure_delete = ON")  # a replaced made-up secret is wiped
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self._seed()
            elif version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"unknown schema version {version}")
            self._seal_tokens()
            self.conn.execute("DELETE FROM meta WHERE key LIKE 'made_up:%'")  # older files

    def _seed(self) -> None:
        for statement in DDL.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        now = self.stamp()
        for id_, name in PROJECTS:
            self.insert(
                "projects",
                {
                    "id": id_,
                    "name": name,
                    "description": None,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        self.insert("users", {"id": 1, "email": ADMIN_EMAIL, "password_hash": None})
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _seal_tokens(self) -> None:
        """Seal the webhook tokens an older sandbox stored in clear (secure_delete wipes
        the old values)."""
        for row in self.all("SELECT id, token FROM webhooks WHERE token != ''"):
            if not is_seal(row["token"]):
                self.update("webhooks", row["id"], {"token": seal(row["token"])})

    def stamp(self) -> str:
        """Now as the server prints it (ISO, milliseconds, ``Z``); strictly increasing."""
        now = datetime.fromtimestamp(self._wall(), UTC)
        if now <= self._last:
            now = self._last + timedelta(milliseconds=1)
        self._last = now
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    # -- credentials -------------------------------------------------------------------------

    def settle_secret(self, name: str, given: str | None, make: Callable[[], str]) -> str:
        """The effective secret ``name`` for this run: ``given``, else a new one ``make``
        makes up (shown by :meth:`made_up`). Neither is written here: only its hash is."""
        if given is not None:
            self._made_up.discard(name)
            return given
        self._made_up.add(name)
        return make()

    def made_up(self, name: str) -> bool:
        """Whether this run made the secret ``name`` up (then it may be shown)."""
        return name in self._made_up

    def set_api_key(self, project_id: int, key: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO api_keys (project_id, key_hash) VALUES (?, ?)",
            (project_id, keys.key_hash(key)),
        )

    def set_password(self, password: str) -> None:
        row = self.one("SELECT password_hash FROM users WHERE id = 1")
        if row and row["password_hash"] and keys.password_matches(password, row["password_hash"]):
            return  # unchanged: keep the hash (and skip rewriting the file)
        self.conn.execute(
            "UPDATE users SET password_hash = ? WHERE id = 1", (keys.password_hash(password),)
        )

    # -- generic helpers -------------------------------------------------------------------

    def update(self, table: str, id_: int, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{col} = ?" for col in values)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), id_])

    def find(self, table: str, id_: int) -> Row | None:
        return self.one(f"SELECT * FROM {table} WHERE id = ?", id_)
