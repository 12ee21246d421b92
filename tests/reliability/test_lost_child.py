"""A child section's create whose answer is lost, on a portal whose ``GET sections`` lists
root sections only (issue 12, item 5): the retry is refused as taken, the apply adopts the
section it made through ``GET sections/{id}/children``, and completes; nothing is made twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, Runner

from .stateful_portal import Stateful, serving

SPEC = """\
version: 1
tabs: [{slug: roadmap}]
sections:
  - title: Now
    tab: roadmap
    sections:
      - title: Backend
      - title: Frontend
"""


@pytest.fixture
def run(run: Runner) -> Runner:
    def with_token(*args: Any, env: dict[str, str] | None = None) -> Result:
        return run(*args, env={"PRODUCTLIFT_TOKEN": "fake-portal-token", **(env or {})})

    return with_token


@pytest.mark.parametrize("parent_exists", [True, False], ids=["under-existing", "under-new"])
def test_lost_child_create_is_adopted_through_the_children_endpoint(
    run: Runner, write_spec: Callable[[str], Path], parent_exists: bool
) -> None:
    state = Stateful()
    if parent_exists:
        state.add("sections", title="Now", tab_id=1, parent_id=None)
    spec = write_spec(SPEC)
    with serving(state) as portal:
        state.lose("POST", "sections", when=lambda body: body.get("title") == "Backend")
        result = run("apply", spec, "--auto-approve", "--url", portal.url)
        assert result.code == 0, result.err
        assert any(s.path.endswith("/children") for s in portal.requests)
        again = run("plan", spec, "--format", "json", "--url", portal.url)
    assert again.code == 0, again.err
    assert json.loads(again.out)["changes"] == []
    titles = sorted(s["title"] for s in state.items["sections"])
    assert titles == ["Backend", "Frontend", "Now"]
    now = next(s for s in state.items["sections"] if s["title"] == "Now")
    assert {s["parent_id"] for s in state.items["sections"] if s["title"] != "Now"} == {now["id"]}
