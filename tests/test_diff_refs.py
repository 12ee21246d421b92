"""A reference to a resource the same plan renames: the portal links it by id, so it is
not a change (one write fewer, no spurious diff), unless it moves to another resource."""

from __future__ import annotations

from typing import Any

from reconciler.diff import diff
from reconciler.providers.abc.schema import SCHEMA
from reconciler.state import Desired, LiveState, Resource


def category(name: str, id_: int | None = None, *old: str) -> Resource:
    return Resource(
        "category", (name,), {"name": name}, id=id_, renamed_from=tuple((o,) for o in old)
    )


def issue(name: str, to: str, id_: int | None = None) -> Resource:
    return Resource("issue", (name,), {"name": name, "category": to}, id=id_)


LIVE = LiveState(
    resources={
        "category": [category("Pay", 1), category("Ops", 2)],
        "issue": [issue("Refunds", "Pay", 10), issue("Outage", "Ops", 11)],
    }
)


def rows(desired: Desired) -> list[tuple[str, str, str, Any]]:
    return [(c.action.value, c.kind, c.name, c.after) for c in diff(SCHEMA, desired, LIVE).changes]


def test_a_reference_to_a_renamed_resource_is_unchanged() -> None:
    desired = Desired(
        {
            "category": [category("Payments", None, "Pay"), category("Ops")],
            "issue": [issue("Refunds", "Payments"), issue("Outage", "Ops")],
        }
    )
    assert rows(desired) == [("update", "category", "Payments", {"name": "Payments"})]


def test_a_reference_moved_to_a_renamed_resource_names_its_new_name() -> None:
    desired = Desired(
        {
            "category": [category("Payments", None, "Pay"), category("Ops")],
            "issue": [issue("Refunds", "Payments"), issue("Outage", "Payments")],
        }
    )
    assert rows(desired) == [
        ("update", "category", "Payments", {"name": "Payments"}),
        ("update", "issue", "Outage", {"category": "Payments"}),
    ]
    [moved] = [c for c in diff(SCHEMA, desired, LIVE).changes if c.kind == "issue"]
    assert moved.before == {"category": "Ops"}
