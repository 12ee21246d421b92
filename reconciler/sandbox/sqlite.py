"""The SQLite file every provider's sandbox keeps its portal in: opened, checked, queried.

A provider's store subclasses :class:`SqliteStore` and supplies ``_prepare`` (its pragmas,
schema and seed, run on open); ``LABEL`` names the sandbox in the error a file that is no
such database gives.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import TargetError

MEMORY = ":memory:"
Row = sqlite3.Row


class SqliteStore:
    """An open sandbox database; a new one is created and seeded on first open."""

    LABEL = "sandbox"

    def __init__(self, path: str | Path, *, wall: Callable[[], float] = time.time) -> None:
        self.path = str(path)
        self._wall = wall
        self._last = datetime.min.replace(tzinfo=UTC)  # the last stamp given (strictly later)
        try:
            if self.path != MEMORY:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=10.0
            )
        except (OSError, sqlite3.Error) as error:
            raise TargetError(f"cannot open the sandbox database {self.path}: {error}") from None
        self.conn.row_factory = sqlite3.Row
        try:
            self._prepare()
        except sqlite3.DatabaseError as error:
            self.conn.close()
            raise TargetError(
                f"{self.path} is not a usable {self.LABEL} database: {error}",
                hint="point --db at another file, or delete this one to start afresh",
            ) from None

    def _prepare(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def all(self, sql: str, *args: Any) -> list[Row]:
        return self.conn.execute(sql, args).fetchall()

    def one(self, sql: str, *args: Any) -> Row | None:
        row: Row | None = self.conn.execute(sql, args).fetchone()
        return row

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values())
        )
        return int(cursor.lastrowid or 0)
