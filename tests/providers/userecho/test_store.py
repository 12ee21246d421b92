"""Persistence: what a sandbox file keeps across reopening, the token, the seed, other files."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from reconciler.errors import TargetError
from reconciler.providers.userecho.sandbox import (
    DEFAULT_DB,
    UserEchoSandbox,
    banner,
    open_sandbox,
    start_server,
)
from reconciler.sandbox import server as generic

from .helpers import SEEDED, SSL, TOKEN, connect, create, data, error


def test_the_default_file_is_named_for_the_provider() -> None:
    assert Path(".reconciler/userecho-sandbox.db") == DEFAULT_DB


def test_a_new_portal_holds_users_only(box: UserEchoSandbox) -> None:
    with connect(box, "inprocess") as client:
        assert [u["email"] for u in data(client.get("users.json"))] == SEEDED
        for command in ("forums", "users/groups", "hooks"):
            assert data(client.get(f"{command}.json")) == [], command


def test_everything_survives_reopening(tmp_path: Path, way: str) -> None:
    path = tmp_path / "ue.db"
    with UserEchoSandbox(path, token=TOKEN) as box, connect(box, way) as client:
        forum = create(client, "forums", {"name": "Private", "type": "PRIVATE"})
        create(client, f"forums/{forum}/categories", {"name": "Bugs"})
        create(client, f"forums/{forum}/tags", {"name": "mobile"})
        data(client.post(f"forums/{forum}/access_list.json", json={"emails": ["a@b.co"]}))
        group = create(client, "users/groups", {"name": "Beta", "vote_weight": 3})
        data(client.post("users/3/group.json", json={"group_id": group}))
        create(client, "hooks", {"event": "topic.updated", "target_url": "https://h.example.com"})
        before = {
            c: data(client.get(f"{c}.json"))
            for c in ("forums", f"forums/{forum}/categories", f"forums/{forum}/tags", "users")
        }
        before["hooks"] = data(client.get("hooks.json"))
    with UserEchoSandbox(path) as box, connect(box, way) as client:  # the token persisted
        assert box.path == str(path)
        for command, held in before.items():
            assert data(client.get(f"{command}.json")) == held, command
        assert data(client.get(f"forums/{forum}/access_list.json")) == ["a@b.co"]
        assert create(client, "forums", {"name": "Next"}) == forum + 1


def test_a_given_token_never_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ue.db"
    with UserEchoSandbox(path) as box:
        made_up = box.credentials()["USERECHO_TOKEN"]
    with UserEchoSandbox(path, token="given-secret-token") as box:
        assert box.credentials() == {}
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"given-secret-token" not in raw
    assert made_up.encode() not in raw  # replaced, and wiped


def test_a_made_up_token_works_for_its_run_and_is_never_in_the_file(tmp_path: Path) -> None:
    """No credential in a sandbox file: the next run makes up a new token (shown), and the
    old one no longer passes; a token the user gave stays valid and unshown."""
    path = tmp_path / "ue.db"
    with UserEchoSandbox(path) as box:
        credentials = box.credentials("http://127.0.0.1:9000")
        token = credentials["USERECHO_TOKEN"]
        assert credentials["USERECHO_URL"] == "http://127.0.0.1:9000"
        assert len(token) >= 24
        with connect(box, "inprocess", token=token) as client:
            data(client.get("forums.json"))
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("ue.db"))
    assert token.encode() not in stored
    with UserEchoSandbox(path) as box:
        fresh = box.credentials()["USERECHO_TOKEN"]
        assert fresh != token
        with connect(box, "inprocess", token=token) as client:
            error(client.get("forums.json"), 401)
    with UserEchoSandbox(path, token=TOKEN), UserEchoSandbox(path) as box:
        assert box.credentials() == {}  # the given one stays, never shown
        with connect(box, "inprocess", token=TOKEN) as client:
            data(client.get("forums.json"))


def test_a_given_token_replaces_the_old_one_and_is_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "ue.db"
    with UserEchoSandbox(path) as box:
        old = box.credentials()["USERECHO_TOKEN"]
    with UserEchoSandbox(path, token=TOKEN) as box:
        assert box.credentials("http://h") == {"USERECHO_URL": "http://h"}
        with connect(box, "inprocess", token=old) as client:
            error(client.get("forums.json"), 401)
        with connect(box, "inprocess") as client:
            data(client.get("forums.json"))
    with UserEchoSandbox(path) as box, connect(box, "inprocess") as client:
        assert box.credentials() == {}  # still the given one: not shown
        data(client.get("forums.json"))


def test_new_token_rotates(box: UserEchoSandbox) -> None:
    fresh = box.new_token()
    assert box.credentials()["USERECHO_TOKEN"] == fresh
    with connect(box, "inprocess") as client:
        error(client.get("forums.json"), 401)
    with connect(box, "inprocess", token=fresh) as client:
        data(client.get("forums.json"))


def test_require_token_off_accepts_any_or_none() -> None:
    with UserEchoSandbox(":memory:", require_token=False) as box:
        for token in (None, "anything"):
            with connect(box, "inprocess", token=token) as client:
                data(client.get("forums.json"))


def test_memory_portals_are_apart() -> None:
    with UserEchoSandbox(":memory:", token=TOKEN) as one, connect(one, "inprocess") as client:
        create(client, "forums", {"name": "Only here"})
    with UserEchoSandbox(":memory:", token=TOKEN) as two, connect(two, "inprocess") as client:
        assert data(client.get("forums.json")) == []


def test_another_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tabs (id INTEGER)")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with pytest.raises(TargetError, match="not a usable UserEcho sandbox"):
        UserEchoSandbox(path, token=TOKEN)


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite, not at all" * 100)
    with pytest.raises(TargetError):
        UserEchoSandbox(path, token=TOKEN)


def test_a_failed_write_leaves_nothing_behind(box: UserEchoSandbox) -> None:
    with connect(box, "inprocess") as client:
        error(client.post("users/groups.json", json={"name": "G", "vote_weight": 9}), 400)
        assert data(client.get("users/groups.json")) == []
        assert create(client, "users/groups", {"name": "G"}) == 1


def test_times_come_from_the_wall_clock() -> None:
    box = UserEchoSandbox(":memory:", token=TOKEN, wall=lambda: 86400.25)
    with box, connect(box, "inprocess") as client:
        made = data(client.post("forums.json", json={"name": "F"}))
    assert made["created"] == "1970-01-02T00:00:00.250Z"


def test_concurrent_writes_over_http_all_land(box: UserEchoSandbox) -> None:
    server = start_server(box)
    try:
        with httpx.Client(
            base_url=f"{server.url}/api/v2/", params={"access_token": TOKEN}, verify=SSL
        ) as client:

            def post(n: int) -> int:
                body = {"event": "topic.created", "target_url": f"https://h.example.com/{n}"}
                return int(data(client.post("hooks.json", json=body))["id"])

            with ThreadPoolExecutor(max_workers=6) as pool:
                ids = list(pool.map(post, range(30)))
    finally:
        server.shutdown()
    assert sorted(ids) == list(range(1, 31))
    assert box.writes[("POST", "/api/v2/hooks.json")] == 30


def test_serve_banner_prints_a_made_up_token_but_never_a_given_one(tmp_path: Path) -> None:
    with open_sandbox(tmp_path / "a.db", faults="errors_as_200") as box:
        lines = banner(box, "http://127.0.0.1:8766")
        token = box.credentials()["USERECHO_TOKEN"]
    assert f"export USERECHO_URL=http://127.0.0.1:8766 USERECHO_TOKEN={token}" in lines
    assert any("errors_as_200" in line for line in lines)
    with open_sandbox(tmp_path / "b.db", token="given-on-the-command-line", rate_limit=0) as box:
        lines = banner(box, "http://127.0.0.1:8766")
        assert box.limiter is None
    assert "export USERECHO_URL=http://127.0.0.1:8766" in lines
    assert not [line for line in lines if "given-on-the-command-line" in line]
    assert not [line for line in lines if "USERECHO_TOKEN" in line]


def test_the_generic_server_serves_it(box: UserEchoSandbox) -> None:
    server = generic.make_server(box, "127.0.0.1", 0)
    running = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    running.start()
    try:
        with httpx.Client(base_url=server.url, verify=SSL) as client:
            answer = client.get("/api/v2/users/current.json", params={"access_token": TOKEN})
            assert data(answer)["email"] == "admin@example.com"
    finally:
        server.shutdown()
        server.server_close()
        running.join(timeout=5)
