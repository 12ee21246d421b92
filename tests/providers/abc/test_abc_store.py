"""Persistence, credentials, faults and the serve banner of the ABC sandbox."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from reconciler.providers.abc.sandbox import DEFAULT_DB, AbcSandbox
from reconciler.providers.abc.sandbox.serve import banner, open_sandbox
from reconciler.providers.abc.tokens import unseal
from reconciler.sandbox.faults import Faults

from .helpers import API_KEY, PASSWORD, connect, sign_in


def _file_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_default_db_is_per_provider() -> None:
    assert Path(DEFAULT_DB) == Path(".reconciler") / "abc-sandbox.db"


def test_state_survives_reopen(tmp_path: Path) -> None:
    db = tmp_path / "abc.db"
    with (
        AbcSandbox(db, api_key=API_KEY, password=PASSWORD) as box,
        connect(box, "inprocess") as api,
    ):
        api.post(
            "/api/projects/1/categories", json={"name": "Kept"}, headers={"x-api-key": API_KEY}
        )
    with (
        AbcSandbox(db, api_key=API_KEY, password=PASSWORD) as box,
        connect(box, "inprocess") as api,
    ):
        listed = api.get("/api/projects/1/categories", headers={"x-api-key": API_KEY}).json()
        assert [c["name"] for c in listed["items"]] == ["Kept"]
        sign_in(api)


def test_made_up_credentials_are_shown_for_the_run_and_never_stored_in_clear(
    tmp_path: Path,
) -> None:
    """No credential in a sandbox file: made-up ones live as long as the run that made them
    up (serve prints them; the embedded sandbox uses them in process); the next run makes up
    new ones and the old ones no longer pass."""
    db = tmp_path / "abc.db"
    with AbcSandbox(db) as box, connect(box, "inprocess") as api:
        first = box.credentials("http://127.0.0.1:1")
        assert set(first) == {"ABC_URL", "ABC_API_KEY", "ABC_EMAIL", "ABC_PASSWORD"}
        answer = api.get("/api/projects/1", headers={"x-api-key": first["ABC_API_KEY"]})
        assert (answer.status_code, answer.json()["name"]) == (200, "Demo")
        sign_in(api, first["ABC_PASSWORD"])
    stored = _file_bytes(db)
    assert first["ABC_API_KEY"].encode() not in stored
    assert first["ABC_PASSWORD"].encode() not in stored
    with AbcSandbox(db) as box, connect(box, "inprocess") as api:
        assert box.credentials()["ABC_API_KEY"] != first["ABC_API_KEY"]
        old = api.get("/api/projects/1", headers={"x-api-key": first["ABC_API_KEY"]})
        assert old.status_code == 403


def test_given_credentials_are_never_shown_nor_stored_in_clear(tmp_path: Path) -> None:
    db = tmp_path / "abc.db"
    with AbcSandbox(db) as box:
        made_up = box.api_key
    with (
        AbcSandbox(db, api_key=API_KEY, password=PASSWORD) as box,
        connect(box, "inprocess") as api,
    ):
        assert box.credentials() == {"ABC_EMAIL": "admin@example.com"}
        assert api.get("/api/projects/1", headers={"x-api-key": made_up}).status_code == 403
        tokens = sign_in(api)
        assert "\n".join(banner(box, "http://127.0.0.1:9")).count(API_KEY) == 0
    stored = _file_bytes(db)
    for secret in (API_KEY, PASSWORD, made_up, tokens["accessToken"], tokens["refreshToken"]):
        assert secret.encode() not in stored


def test_a_token_an_older_sandbox_stored_in_clear_is_sealed_on_open(tmp_path: Path) -> None:
    db, token = tmp_path / "abc.db", "older-clear-token-0123"
    with AbcSandbox(db, api_key=API_KEY, password=PASSWORD) as box, box.store.transaction():
        now = box.store.stamp()
        row = {"project_id": 1, "name": "Old", "url": "https://hooks.example.com/x"}
        box.store.insert(
            "webhooks",
            {**row, "token": token, "status": "ACTIVE", "created_at": now, "updated_at": now},
        )
    assert token.encode() in _file_bytes(db)
    with AbcSandbox(db, api_key=API_KEY, password=PASSWORD) as box:
        assert unseal(box.store.all("SELECT token FROM webhooks")[0]["token"], [token]) == token
    assert token.encode() not in _file_bytes(db)


def test_serve_banner_prints_made_up_values(tmp_path: Path) -> None:
    with open_sandbox(tmp_path / "abc.db", faults=Faults()) as box:
        lines = banner(box, "http://127.0.0.1:8")
        assert box.faults is None  # inactive faults are not installed
        export = lines[-2]
        assert export.startswith("export ABC_URL=http://127.0.0.1:8 ")
        assert f"ABC_API_KEY={box.api_key}" in export
        assert f"ABC_PASSWORD={box.password}" in export


def test_memory_databases_are_independent() -> None:
    with AbcSandbox(":memory:", api_key=API_KEY) as one, AbcSandbox(":memory:") as two:
        assert one.path == ":memory:"
        assert one.other_api_key != two.other_api_key


@pytest.mark.parametrize("way", ["inprocess", "http"])
def test_injected_faults_apply_to_every_route(way: str) -> None:
    box = AbcSandbox(":memory:", api_key=API_KEY, faults=Faults(error_rate=1.0, seed=1))
    with box, connect(box, way) as api:
        for method, path in (
            ("GET", "/api/projects/1/categories"),
            ("GET", "/api/admin/projects/1/channels"),
        ):
            assert api.request(method, path, headers={"x-api-key": API_KEY}).status_code >= 500
        assert box.faulted["error"] == 2
        assert sum(box.writes.values()) == 0


def test_a_lost_answer_still_writes() -> None:
    box = AbcSandbox(":memory:", api_key=API_KEY, faults=Faults(lose_rate=1.0, seed=1))
    with box, connect(box, "inprocess") as api:
        api.headers["x-api-key"] = API_KEY
        with pytest.raises(httpx.RemoteProtocolError):
            api.post("/api/projects/1/categories", json={"name": "Landed"})
        box.faults = None
        names = [c["name"] for c in api.get("/api/projects/1/categories").json()["items"]]
        assert names == ["Landed"]
        assert box.writes[("POST", "/api/projects/{projectId}/categories")] == 1
        assert box.stats[("GET", "/api/projects/{projectId}/categories")] == 1
