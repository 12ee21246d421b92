"""A provider defined in the test suite plans, applies and converges through the engine.

The toy provider (``tests/toy_provider.py``) is registered the way a third-party package
would be, by name; nothing in ``reconciler/`` knows it. Through the loader, the diff, the
write order and apply, with a fake API behind an httpx transport.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler import providers
from reconciler.connect import Target, open_provider
from reconciler.engine import apply_plan, build_plan
from reconciler.errors import SpecError
from reconciler.loader import parse_spec
from reconciler.plan import Plan

from . import toy_provider

SPEC = """\
version: 1
provider: toy
boards:
  - name: Roadmap
    cards:
      - {title: Search, body: Find anything}
      - {title: search, body: Lower-case is another card here}
  - name: Ideas
"""


@pytest.fixture(autouse=True)
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[toy_provider.FakeApi]:
    monkeypatch.setitem(providers.BUILT_IN, "toy", "tests.toy_provider:PRODUCT")
    api = toy_provider.FakeApi()
    monkeypatch.setattr(toy_provider, "API", api)
    yield api
    providers._loaded.pop("toy", None)


def plan_of(text: str) -> Plan:
    loaded = parse_spec(text, "toy.yaml")
    assert loaded.product.name == "toy"
    portal = open_provider(Target("https://toy.example"), env={}, product=loaded.product)
    try:
        return build_plan(loaded.spec, portal)
    finally:
        portal.close()


def apply_text(text: str) -> Plan:
    loaded = parse_spec(text, "toy.yaml")
    portal = open_provider(Target("https://toy.example"), env={}, product=loaded.product)
    try:
        plan = build_plan(loaded.spec, portal)
        apply_plan(plan, portal)
        return plan
    finally:
        portal.close()


def test_a_new_provider_plans_applies_and_converges(toy: toy_provider.FakeApi) -> None:
    plan = apply_text(SPEC)
    assert plan.provider == "toy"
    assert [(c.action.value, c.kind, c.name) for c in plan.changes] == [
        ("create", "board", "Roadmap"),
        ("create", "board", "Ideas"),
        ("create", "card", "Roadmap/Search"),
        ("create", "card", "Roadmap/search"),
    ]
    assert plan.as_json()["provider"] == "toy"
    assert sorted(c["title"] for c in toy.cards.values()) == ["Search", "search"]
    assert not plan_of(SPEC).has_changes


def test_renames_updates_and_prune_come_from_the_declarations(toy: toy_provider.FakeApi) -> None:
    apply_text(SPEC)
    edited = """\
version: 1
provider: toy
prune: true
boards:
  - name: Now
    renamed_from: [Roadmap]
    cards:
      - {title: Search, body: Find everything}
"""
    plan = apply_text(edited)
    assert [(c.action.value, c.kind, c.name) for c in plan.changes] == [
        ("update", "board", "Now"),
        ("update", "card", "Now/Search"),
        ("delete", "card", "Now/search"),
        ("delete", "board", "Ideas"),
    ]
    assert plan.changes[0].before == {"name": "Roadmap"}
    assert [b["name"] for b in toy.boards.values()] == ["Now"]
    assert not plan_of(edited).has_changes


def test_names_compare_as_each_kind_declares(toy: toy_provider.FakeApi) -> None:
    apply_text(SPEC)
    # boards compare ignoring case: "ROADMAP" is the existing board, renamed
    plan = plan_of(SPEC.replace("name: Roadmap", "name: ROADMAP"))
    assert [(c.action.value, c.name) for c in plan.changes] == [("update", "ROADMAP")]


def test_a_bad_toy_spec_is_refused_with_its_place() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("version: 1\nprovider: toy\nboards:\n  - nam: x\n", "toy.yaml")
    shown = [str(p) for p in caught.value.problems]
    assert "toy.yaml:4:5: unknown key 'nam'; did you mean 'name'?" in shown
