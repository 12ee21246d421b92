"""UserEcho through the CLI, as a new user runs it: the example applies and then plans
clean, on the embedded sandbox and over HTTP against ``sandbox serve``; export round-trips;
the token never shows; the pace comes from the environment, the spec, or the default."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from reconciler.connect import Target
from reconciler.providers.userecho.connect import open_portal
from reconciler.providers.userecho.sandbox import UserEchoSandbox, start_server

from ...conftest import Runner
from .engine_helpers import spec_of

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "userecho.yaml"
TOKEN = "cli-token-ue-0123456789"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("USERECHO_URL", "USERECHO_TOKEN", "RECONCILER_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A UserEcho sandbox over HTTP requiring TOKEN; its URL."""
    box = UserEchoSandbox(tmp_path / "http.db", token=TOKEN, echo_url_in_errors=True)
    server = start_server(box)
    yield server.url
    server.shutdown()
    box.close()


def test_example_applies_then_plans_clean_on_the_embedded_sandbox(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = run("apply", EXAMPLE, "--auto-approve")
    assert first.code == 0, first.err
    assert "Apply complete: 21 created" in first.out
    assert (tmp_path / ".reconciler" / "userecho-sandbox.db").exists()
    again = run("plan", EXAMPLE, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    assert "No changes" in again.out


def test_example_applies_then_plans_clean_over_http(run: Runner, served: str) -> None:
    env = {"USERECHO_URL": served, "USERECHO_TOKEN": TOKEN, "RECONCILER_RATE_LIMIT": "6000"}
    first = run("apply", EXAMPLE, "--auto-approve", "--verbose", env=env)
    assert first.code == 0, first.err
    assert "POST /api/v2/forums.json" in first.err  # --verbose shows each request
    assert TOKEN not in first.out + first.err
    again = run("plan", EXAMPLE, "--detailed-exitcode", "--format", "json", env=env)
    assert again.code == 0, again.err
    assert json.loads(again.out)["changes"] == []


def test_a_wrong_token_fails_naming_the_variable_never_the_token(run: Runner, served: str) -> None:
    wrong = "wrong-token-ue-987654321"
    env = {"USERECHO_URL": served, "USERECHO_TOKEN": wrong, "RECONCILER_RATE_LIMIT": "0"}
    result = run("plan", EXAMPLE, "--verbose", env=env)
    assert result.code == 1
    assert "401" in result.err
    assert "USERECHO_TOKEN" in result.err
    assert wrong not in result.out + result.err  # the portal echoed the URL; it is masked


def test_without_a_token_the_http_target_is_refused_before_any_request(
    run: Runner, served: str
) -> None:
    result = run("plan", EXAMPLE, env={"USERECHO_URL": served})
    assert result.code == 1
    assert "USERECHO_TOKEN" in result.err


def test_export_then_plan_is_empty(run: Runner, tmp_path: Path) -> None:
    url = f"sandbox:{tmp_path / 'ue.db'}"
    assert run("apply", EXAMPLE, "--auto-approve", "--url", url).code == 0
    out = tmp_path / "exported.yaml"
    exported = run("export", "--provider", "userecho", "--out", out, "--url", url)
    assert exported.code == 0, exported.err
    text = out.read_text(encoding="utf-8")
    assert "provider: userecho" in text
    assert "access_list:" in text
    result = run("plan", out, "--detailed-exitcode", "--url", url)
    assert result.code == 0, result.out + result.err


def test_sandbox_serve_help_names_its_options(run: Runner) -> None:
    result = run("sandbox", "serve", "--provider", "userecho", "-h")
    assert result.code == 0, result.err
    for option in ("--port", "--db", "--token", "--faults", "--rate-limit"):
        assert option in result.out


def test_an_access_list_on_a_public_forum_is_a_spec_error(run: Runner, tmp_path: Path) -> None:
    spec = tmp_path / "portal.yaml"
    spec.write_text(
        "version: 1\nprovider: userecho\nforums:\n  - name: Feedback\n    type: PUBLIC\n"
        "    access_list: [alice@example.com]\n",
        encoding="utf-8",
    )
    result = run("validate", spec)
    assert result.code == 1
    assert f"{spec}:6:5: access_list is for private forums" in result.err


def test_a_bad_rate_variable_is_refused(run: Runner, tmp_path: Path) -> None:
    url = f"sandbox:{tmp_path / 'ue.db'}"
    result = run("plan", EXAMPLE, "--url", url, env={"RECONCILER_RATE_LIMIT": "fast"})
    assert result.code == 1
    assert "RECONCILER_RATE_LIMIT" in result.err


def test_the_pace_is_60_a_minute_unless_the_environment_or_the_spec_says(served: str) -> None:
    target = Target(served)
    portal = open_portal(target, {"USERECHO_TOKEN": TOKEN})
    assert portal.limit_per_minute == 60
    portal.close()
    portal = open_portal(target, {"USERECHO_TOKEN": TOKEN, "RECONCILER_RATE_LIMIT": "0"})
    assert portal.limit_per_minute is None
    portal.close()
    portal = open_portal(target, {"USERECHO_TOKEN": TOKEN, "RECONCILER_RATE_LIMIT": "6000"})
    spec = spec_of({"portal": {"rate_limit": 9000}})
    portal.read(portal.product.desired(spec))
    assert portal.limit_per_minute == 6000  # the environment wins over the spec
    portal.close()
    portal = open_portal(target, {"USERECHO_TOKEN": TOKEN})
    portal.client.fixed_rate = 6000  # so this read is quick; the spec then sets the pace
    portal.read(portal.product.desired(spec))
    assert portal.limit_per_minute == 9000
    portal.close()


def test_what_only_the_portal_refuses_is_located_in_the_spec(run: Runner, tmp_path: Path) -> None:
    """Checked once the portal is read, and still FILE:LINE:COL: a name past the API's
    length, a forum's type changed, a webhook event the portal does not know."""
    url = f"sandbox:{tmp_path / 'ue.db'}"
    assert run("apply", EXAMPLE, "--auto-approve", "--url", url).code == 0
    text = EXAMPLE.read_text("utf-8")
    cases = [
        ("tags: [beta]", "tags: [" + "t" * 51 + "]", ":32:12: names longer than the portal takes"),
        ("type: PUBLIC ", "type: PRIVATE", ":14:5: changes no write can make: forum 'Feedback'"),
        ("event: topic.created", "event: topic.exploded", ":47:5: webhook events the portal"),
    ]
    for old, new, where in cases:
        assert old in text
        spec = tmp_path / "edited.yaml"
        spec.write_text(text.replace(old, new), "utf-8")
        result = run("plan", spec, "--url", url)
        assert result.code == 1
        assert f"{spec}{where}" in result.err, result.err


def test_renaming_a_forum_keeps_the_long_names_its_children_already_have(
    run: Runner, tmp_path: Path
) -> None:
    """A 150-character category the portal holds is accepted as it is, also once its forum
    is renamed (it is held under the forum's earlier name)."""
    url = f"sandbox:{tmp_path / 'ue.db'}"
    assert run("apply", EXAMPLE, "--auto-approve", "--url", url).code == 0
    with closing(sqlite3.connect(tmp_path / "ue.db")) as db, db:  # as by hand in the portal
        db.execute("UPDATE categories SET name = ? WHERE name = 'Beta feedback'", ("c" * 150,))
    renamed = (
        EXAMPLE.read_text("utf-8")
        .replace(
            "  - name: Private beta\n", "  - name: Closed beta\n    renamed_from: [Private beta]\n"
        )
        .replace("      - name: Beta feedback\n", "      - name: " + "c" * 150 + "\n")
    )
    spec = tmp_path / "renamed.yaml"
    spec.write_text(renamed, "utf-8")
    result = run("plan", spec, "--url", url, "--format", "json")
    assert result.code == 0, result.err
    assert [(c["action"], c["name"]) for c in json.loads(result.out)["changes"]] == [
        ("update", "Closed beta")
    ]


def test_names_the_portal_holds_export_validate_and_plan_as_they_are(
    run: Runner, tmp_path: Path
) -> None:
    """Names made by hand with a line break or outer spaces (the API took them): the export
    validates and plans empty; a new name like them is refused at plan time, located."""
    url = f"sandbox:{tmp_path / 'ue.db'}"
    assert run("apply", EXAMPLE, "--auto-approve", "--url", url).code == 0
    with closing(sqlite3.connect(tmp_path / "ue.db")) as db, db:
        db.execute("UPDATE categories SET name = ? WHERE name = 'Bugs'", ("line1\nline2",))
        db.execute("UPDATE categories SET name = ? WHERE name = 'Integrations'", (" spaced ",))
    exported = tmp_path / "exported.yaml"
    assert run("export", "--provider", "userecho", "--url", url, "--out", exported).code == 0
    assert run("validate", exported).code == 0
    planned = run("plan", exported, "--url", url, "--detailed-exitcode")
    assert planned.code == 0, planned.out + planned.err
    text = EXAMPLE.read_text("utf-8").replace("- name: Feature requests", "- name: ' Features'")
    spec = tmp_path / "new.yaml"
    spec.write_text(text, "utf-8")
    refused = run("plan", spec, "--url", url)
    assert refused.code == 1
    assert f"{spec}:23:9: new names with outer spaces or line breaks" in refused.err, refused.err


def test_a_plan_over_http_gives_no_time_estimate_though_paced(run: Runner, served: str) -> None:
    """UserEcho sends no rate-limit header: the plan names no limit (CONTRACT: both null),
    although the client keeps its own pace of 60 a minute."""
    env = {"USERECHO_URL": served, "USERECHO_TOKEN": TOKEN, "RECONCILER_RATE_LIMIT": "6000"}
    planned = run("plan", EXAMPLE, "--format", "json", env=env)
    assert planned.code == 0, planned.err
    requests = json.loads(planned.out)["requests"]
    assert (requests["limit_per_minute"], requests["eta_seconds"]) == (None, None)
    assert "the portal named no rate limit" in run("plan", EXAMPLE, env=env).out
