"""The UserEcho sandbox's state in SQLite: schema, seed, token hash, small query helpers.

Names are stored twice, as given and lowered by ``str.lower()`` (``name_key``), and the lowered
copy carries the unique index: ``Bugs`` and ``bugs`` collide, ``straße`` and ``STRASSE`` do not.
Integer ids use AUTOINCREMENT so a deleted id is never handed out again. The access token is
checked against a salted SHA-256
hash; a token the user gave is never stored in clear (one the sandbox made up is kept, so that
every run can print it). Table and column names passed to the helpers come from the
sandbox's own code, never from a request. Not thread-safe by itself: the sandbox serializes
requests under its lock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ....sandbox.sqlite import MEMORY as MEMORY
from ....sandbox.sqlite import SqliteStore

DEFAULT_DB = Path(".reconciler") / "userecho-sandbox.db"
APPLICATION_ID = 0x55454348  # "UECH": tells a UserEcho sandbox file from any other SQLite file
SCHEMA_VERSION = 1

Row = sqlite3.Row

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
    is_admin INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL
);
CREATE TABLE user_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
    vote_weight INTEGER NOT NULL, vote_count INTEGER, created TEXT NOT NULL
);
CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);
CREATE TABLE forums (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL, locale TEXT NOT NULL,
    allow_anonymous_topic INTEGER NOT NULL, allow_anonymous_votes INTEGER NOT NULL,
    allow_anonymous_comments INTEGER NOT NULL, allow_private_sso_users INTEGER NOT NULL,
    allow_private_view_all INTEGER NOT NULL, created TEXT NOT NULL
);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    name TEXT NOT NULL, name_key TEXT NOT NULL, created TEXT NOT NULL,
    UNIQUE (forum_id, name_key)
);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    name TEXT NOT NULL, name_key TEXT NOT NULL, created TEXT NOT NULL,
    UNIQUE (forum_id, name_key)
);
CREATE TABLE access (
    forum_id INTEGER NOT NULL REFERENCES forums(id) ON DELETE CASCADE,
    email TEXT NOT NULL, email_key TEXT NOT NULL,
    PRIMARY KEY (forum_id, email_key)
);
CREATE TABLE hooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, target_url TEXT NOT NULL,
    created TEXT NOT NULL
);
"""

SEED_USERS = (
    ("Admin", "admin@example.com", 1),
    ("Alice", "alice@example.com", 0),
    ("Bob", "bob@example.com", 0),
    ("Carol", "carol@example.com", 0),
    ("Dave", "dave@example.com", 0),
    ("Erin", "erin@example.com", 0),
)


def _where(scope: Mapping[str, Any]) -> tuple[str, list[Any]]:
    terms = [f"{col} IS ?" for col in scope] or ["1"]
    return " WHERE " + " AND ".join(terms), list(scope.values())


def _digest(salt: str, token: str) -> str:
    return hashlib.sha256(f"{salt}:{token}".encode()).hexdigest()


class Store(SqliteStore):
    """An open UserEcho sandbox database; a new one is created and seeded on first open.

    Raises TargetError when the file cannot be opened or belongs to something else (another
    provider's sandbox, any other SQLite file).
    """

    LABEL = "UserEcho sandbox"

    def _prepare(self) -> None:
        if self.path != MEMORY:
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA secure_delete = ON")  # a replaced made-up token is wiped
        with self.transaction():
            app = self.conn.execute("PRAGMA application_id").fetchone()[0]
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            tables = self.one("SELECT COUNT(*) AS n FROM sqlite_master")
            if app == 0 and version == 0 and tables is not None and tables["n"] == 0:
                self._create()
            elif app != APPLICATION_ID:
                raise sqlite3.DatabaseError("it belongs to something else")
            elif version != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"unknown schema version {version}")

    def _create(self) -> None:
        for statement in DDL.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        for name, email, admin in SEED_USERS:
            self.insert(
                "users", {"name": name, "email": email, "is_admin": admin, "created": self.stamp()}
            )

    def stamp(self) -> str:
        """Now, as UserEcho prints times (``2014-03-17T03:34:29.320Z``)."""
        now = datetime.fromtimestamp(self._wall(), UTC)
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    # -- the access token --------------------------------------------------------------------

    def has_token(self) -> bool:
        return bool(self.meta("token_hash"))

    def set_token(self, token: str, *, made_up: bool) -> None:
        """Require ``token`` from now on. Only its salted hash is kept (never the token, made
        up or given), and whether the sandbox made it up (``made_up``)."""
        salt = secrets.token_hex(16)
        with self.transaction():
            for key, value in (("token_salt", salt), ("token_hash", _digest(salt, token))):
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
            flag = "1" if made_up else ""
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('token_made_up', ?)", (flag,))
            self.conn.execute("DELETE FROM meta WHERE key = 'made_up_token'")  # older files

    def token_was_made_up(self) -> bool:
        """Whether the token required now is one a run made up (so no one can know it but
        that run): an older file's clear copy of one counts too."""
        return self.meta("token_made_up") == "1" or bool(self.meta("made_up_token"))

    def token_matches(self, given: str) -> bool:
        expected = self.meta("token_hash")
        actual = _digest(self.meta("token_salt"), given)
        return bool(expected) and hmac.compare_digest(actual, expected)

    # -- generic helpers -------------------------------------------------------------------

    def meta(self, key: str) -> str:
        row = self.one("SELECT value FROM meta WHERE key = ?", key)
        return str(row["value"]) if row else ""

    def select(self, table: str, scope: Mapping[str, Any] | None = None) -> list[Row]:
        where, args = _where(scope or {})
        return self.all(f"SELECT * FROM {table}{where} ORDER BY rowid", *args)

    def find(self, table: str, id_: int, scope: Mapping[str, Any] | None = None) -> Row | None:
        where, args = _where({"id": id_, **(scope or {})})
        return self.one(f"SELECT * FROM {table}{where}", *args)

    def update(self, table: str, id_: int, values: Mapping[str, Any]) -> None:
        if values:
            sets = ", ".join(f"{col} = ?" for col in values)
            self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), id_])

    def delete(self, table: str, scope: Mapping[str, Any]) -> int:
        where, args = _where(scope)
        return self.conn.execute(f"DELETE FROM {table}{where}", args).rowcount

    def exists(self, table: str, scope: Mapping[str, Any], *, besides: int | None = None) -> bool:
        """True when a row matches ``scope``, other than the row with id ``besides``."""
        where, args = _where(scope)
        if besides is not None:
            where += " AND id IS NOT ?"
            args.append(besides)
        return self.one(f"SELECT 1 FROM {table}{where} LIMIT 1", *args) is not None
