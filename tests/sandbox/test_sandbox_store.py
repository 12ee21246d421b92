"""Persistence in SQLite, what a new portal holds, thread safety and cost of listing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import httpx
import pytest

from reconciler.errors import TargetError
from reconciler.providers.productlift.sandbox import DEFAULT_DB, Sandbox
from reconciler.sandbox.server import start_server

from .sandbox_helpers import SSL, TOKEN, connect


def test_state_survives_between_two_sandboxes_on_one_file(tmp_path: Path) -> None:
    db = tmp_path / "portal.db"
    with Sandbox(db) as first, connect(first, "inprocess", token=None) as client:
        category = client.post("categories", json={"name": "Bug", "color": "#ABDEE6"}).json()
        users = client.get("users").json()["data"]
    with Sandbox(db) as second, connect(second, "inprocess", token=None) as client:
        assert client.get("categories").json()["data"] == [category["data"]]
        assert client.get("users").json()["data"] == users  # not seeded twice
        again = client.post("categories", json={"name": "BUG", "color": "#ABDEE6"})
        assert again.status_code == 422


def test_a_new_portal_holds_three_tabs_five_users_and_nothing_else() -> None:
    with Sandbox(":memory:") as box, connect(box, "inprocess", token=None) as client:
        tabs = client.get("tabs").json()["data"]
        assert [(t["id"], t["slug"], t["name"]) for t in tabs] == [
            (1, "roadmap", "Roadmap"),
            (2, "wish-list", "Wish list"),
            (3, "changelog", "Changelog"),
        ]
        assert client.get("tabs/wish-list").json()["data"]["id"] == 2
        assert len(client.get("users").json()["data"]) == 5
        for path in ("categories", "statuses", "tags", "sections", "groups"):
            assert client.get(path).json()["data"] == [], path


def test_the_default_database_is_made_under_dot_reconciler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Sandbox() as box:
        assert Path(box.path) == DEFAULT_DB
    assert (tmp_path / ".reconciler" / "sandbox.db").is_file()


def test_a_file_that_is_not_a_sandbox_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(TargetError, match=r"junk\.db is not a usable sandbox database"):
        Sandbox(db)


def test_concurrent_clients_over_http_each_get_their_own_resource() -> None:
    with Sandbox(":memory:", token=TOKEN, rate_limit=None) as box:
        server = start_server(box)
        made: list[str] = []

        def create(worker: int) -> None:
            with httpx.Client(
                base_url=f"{server.url}/api/v1/",
                headers={"Authorization": f"Bearer {TOKEN}"},
                verify=SSL,
            ) as client:
                for n in range(15):
                    response = client.post("tags", json={"tag": f"tag-{worker}-{n}"})
                    made.append(response.json()["data"]["id"])

        threads = [threading.Thread(target=create, args=(w,)) for w in range(6)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.shutdown()
        assert len(set(made)) == 90
        assert box.writes.total() == 90


def test_listing_is_one_query_however_many_resources(box: Sandbox) -> None:
    statements: list[str] = []
    with connect(box, "inprocess") as client:
        for n in range(300):
            client.post("statuses", json={"name": f"S{n}", "color": "#ABDEE6", "tab_id": 1})
            client.post("sections", json={"title": f"Section {n}", "tab_id": 1})
        box.store.conn.set_trace_callback(statements.append)
        try:
            for path in ("statuses", "sections", "categories", "tags", "groups"):
                statements.clear()
                assert client.get(path).status_code == 200
                assert len(statements) == 1, (path, statements)
        finally:
            box.store.conn.set_trace_callback(None)
        assert len(client.get("sections").json()["data"]) == 300


def test_ids_are_indexed_and_names_unique_in_the_schema(box: Sandbox) -> None:
    conn: sqlite3.Connection = box.store.conn
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT 1 FROM categories WHERE name_key IS ? LIMIT 1", ("x",)
    ).fetchall()
    assert "USING COVERING INDEX" in " ".join(str(tuple(row)) for row in plan)


def test_a_path_that_cannot_hold_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(TargetError, match="cannot open the sandbox database"):
        Sandbox(tmp_path / "file" / "portal.db")
    with pytest.raises(TargetError, match="cannot open the sandbox database"):
        Sandbox(tmp_path)  # a directory


def test_a_locked_database_answers_500_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "portal.db"
    with Sandbox(db) as box:
        box.store.conn.execute("PRAGMA busy_timeout = 0")
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            reply = box.handle("POST", "/api/v1/tags", body=b'{"tag": "editor"}')
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert (reply.status, reply.json()) == (500, {"message": "Server Error"})
        assert box.writes.total() == 0
        assert box.handle("GET", "/api/v1/tags").json() == {"data": []}
