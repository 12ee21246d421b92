"""The sandbox's state in SQLite: one connection, one transaction per request.

Table and column names passed to the helpers come from the sandbox's own code, never from a
request; values always travel as parameters. The store is not thread-safe by itself: the
sandbox serializes requests under its lock.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ....sandbox.sqlite import MEMORY as MEMORY
from ....sandbox.sqlite import SqliteStore
from . import schema

DEFAULT_DB = Path(".reconciler") / "sandbox.db"

Row = sqlite3.Row


def _where(scope: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """``col IS ?`` (null-safe equality) for each scope entry."""
    terms = [f"{col} IS ?" for col in scope] or ["1"]
    return " WHERE " + " AND ".join(terms), list(scope.values())


class Store(SqliteStore):
    """An open sandbox database; a new one is created and seeded on first open."""

    def __init__(self, path: str | Path, *, wall: Callable[[], float] = time.time) -> None:
        super().__init__(path, wall=wall)
        self.portal_id = int(self.meta("portal_id") or 1)

    def _prepare(self) -> None:
        if self.path != MEMORY:
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                schema.create(self.conn, self.stamp)
            elif version != schema.SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"unknown schema version {version}")

    def stamp(self) -> str:
        """Now, as Laravel prints it; strictly increasing, so every update changes it."""
        now = datetime.fromtimestamp(self._wall(), UTC)
        if now <= self._last:
            now = self._last + timedelta(microseconds=1)
        self._last = now
        return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # -- generic helpers -------------------------------------------------------------------

    def meta(self, key: str) -> str:
        row = self.one("SELECT value FROM meta WHERE key = ?", key)
        return str(row["value"]) if row else ""

    def select(
        self,
        table: str,
        scope: Mapping[str, Any] | None = None,
        *,
        order: str = "rowid",
        limit: int = -1,
        skip: int = 0,
    ) -> list[Row]:
        where, args = _where(scope or {})
        sql = f"SELECT * FROM {table}{where} ORDER BY {order} LIMIT ? OFFSET ?"
        return self.all(sql, *args, limit, skip)

    def find(self, table: str, id_: Any) -> Row | None:
        return self.one(f"SELECT * FROM {table} WHERE id = ?", id_)

    def update(self, table: str, id_: Any, values: Mapping[str, Any]) -> None:
        sets = ", ".join(f"{col} = ?" for col in values)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), id_])

    def delete(self, table: str, scope: Mapping[str, Any]) -> int:
        where, args = _where(scope)
        return self.conn.execute(f"DELETE FROM {table}{where}", args).rowcount

    def exists(self, table: str, scope: Mapping[str, Any], *, besides: Any = None) -> bool:
        """True when a row matches ``scope``, other than the row with id ``besides``."""
        where, args = _where(scope)
        if besides is not None:
            where += " AND id IS NOT ?"
            args.append(besides)
        return self.one(f"SELECT 1 FROM {table}{where} LIMIT 1", *args) is not None

    def next_value(self, table: str, col: str, scope: Mapping[str, Any], start: int) -> int:
        """One past the highest ``col`` within ``scope`` (``start`` when there is none)."""
        where, args = _where(scope)
        row = self.one(f"SELECT MAX({col}) AS top FROM {table}{where}", *args)
        top = row["top"] if row else None
        return start if top is None else int(top) + 1

    def shift(self, table: str, col: str, scope: Mapping[str, Any], from_value: int) -> None:
        """Move every row of ``scope`` at ``from_value`` or later one place on."""
        where, args = _where(scope)
        self.conn.execute(
            f"UPDATE {table} SET {col} = {col} + 1{where} AND {col} >= ?", [*args, from_value]
        )
