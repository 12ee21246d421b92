"""The sandbox's SQLite schema, and what a new portal holds.

Names are unique per kind as MySQL's default collation compares them (the real portal runs
on it: letter case, accents, ``ß`` and ``ss`` alike): each name is stored twice, as given and
as :func:`name_key` makes it (``*_key``), and that copy carries the unique index. Integer ids use
AUTOINCREMENT so a deleted id is never handed out again, as on the real portal.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

from ..taken import collated


def name_key(name: str) -> str:
    """A name as the portal's database compares it (see :func:`..taken.collated`)."""
    return collated(name)


SCHEMA_VERSION = 1

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tabs (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
    color TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
    color TEXT, tab_id INTEGER REFERENCES tabs(id), ord INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX statuses_tab ON statuses(tab_id, ord);
CREATE TABLE tags (
    id TEXT PRIMARY KEY, tag TEXT NOT NULL, tag_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE user_groups (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, description TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tab_id INTEGER NOT NULL REFERENCES tabs(id),
    parent_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
    title TEXT NOT NULL, title_key TEXT NOT NULL, description TEXT, icon TEXT,
    ord INTEGER NOT NULL, hidden INTEGER NOT NULL DEFAULT 0, color TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sections_title ON sections(tab_id, IFNULL(parent_id, 0), title_key);
CREATE INDEX sections_siblings ON sections(tab_id, parent_id, ord);
CREATE INDEX sections_parent ON sections(parent_id);
CREATE TABLE users (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, name TEXT NOT NULL, email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE, role TEXT NOT NULL, created_at TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE group_users (
    group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
"""

TABS = ((1, "Roadmap", "roadmap"), (2, "Wish list", "wish-list"), (3, "Changelog", "changelog"))
DEMO_USERS = ("alice", "bob", "carol", "dave", "erin")


def create(conn: sqlite3.Connection, stamp: Callable[[], str]) -> None:
    """Create the schema and seed a new portal (inside the caller's transaction)."""
    for statement in DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    now = stamp()
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("guid", str(uuid.uuid4())), ("title", "Sandbox portal"), ("portal_id", "1")],
    )
    conn.executemany(
        "INSERT INTO tabs (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        [(id_, name, slug, now, now) for id_, name, slug in TABS],
    )
    conn.executemany(
        "INSERT INTO users (id, seq, name, email, email_key, role, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'member', ?)",
        [
            (
                str(uuid.uuid4()),
                seq,
                name.title(),
                f"{name}@example.com",
                f"{name}@example.com",
                now,
            )
            for seq, name in enumerate(DEMO_USERS, start=1)
        ],
    )
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
