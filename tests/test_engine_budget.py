"""The plan's ``requests`` is what apply then sends: reads included, every write counted."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .engine_helpers import BASE, Portal

USERS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"]
NAMES = st.sampled_from(["Bug", "Idea", "Speed", "Mobile", "Docs", "Billing"])


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    cats = draw(st.lists(NAMES, unique=True, max_size=4))
    tags = draw(st.lists(NAMES.map(str.lower), unique=True, max_size=4))
    groups = [
        {"name": name, "members": draw(st.lists(st.sampled_from(USERS), unique=True))}
        for name in draw(st.lists(NAMES, unique=True, max_size=2))
    ]
    sections = [
        {"title": name, "tab": "roadmap", "hidden": draw(st.booleans())}
        for name in draw(st.lists(NAMES, unique=True, max_size=3))
    ]
    return {
        "tabs": BASE["tabs"],
        "prune": draw(st.booleans()),
        "categories": [
            {"name": c, "color": draw(st.sampled_from(["#ABCDEF", "#123456"]))} for c in cats
        ],
        "tags": tags,
        "groups": groups,
        "sections": sections,
    }


def sent(portal: Portal) -> int:
    return sum(portal.box.stats.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=specs(), second=specs())
def test_the_budget_is_what_apply_sends(first: dict[str, Any], second: dict[str, Any]) -> None:
    portal = Portal()
    try:
        for spec in (first, second):
            before = sent(portal)
            plan = portal.apply(spec)
            assert plan.requests is not None
            assert plan.requests.total == sent(portal) - before, plan.requests
            assert plan.requests.writes == 0 or plan.changes
    finally:
        portal.close()


def test_the_text_plan_says_how_long_apply_takes(run: Any, sandbox_url: str) -> None:
    from .conftest import EXAMPLE

    out = run("plan", EXAMPLE, "--url", sandbox_url).out
    assert "Apply sends 41 requests, ~41 s at 60 requests a minute." in out
