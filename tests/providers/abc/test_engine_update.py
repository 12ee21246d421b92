"""Engine-level: updates and renames of every kind; the issue PUT that replaces the whole issue;
references to what the same apply creates."""

from __future__ import annotations

import pytest

from reconciler.errors import PlanError

from .world import BASE, WEB_FIELDS, World, changes, edit, sealed


@pytest.fixture
def world(world: World) -> World:
    """The conftest's world, with BASE applied."""
    world.converge(BASE)
    return world


def test_an_issue_update_keeps_what_the_spec_does_not_change(world: World) -> None:
    issue = {"name": "Card declined", "description": "Cards still fail"}
    plan = world.converge(edit(issues=[issue]))
    assert changes(plan) == [("update", "issue", "Card declined")]
    row = world.rows("issues")[0]
    # the PUT replaces the issue: an omitted status would have reset to INIT
    assert (row["description"], row["status"], row["external_issue_id"]) == (
        "Cards still fail",
        "IN_PROGRESS",
        "JIRA-1",
    )
    assert row["category_id"] is not None


def test_issue_status_external_id_and_category_change(world: World) -> None:
    issue = {"name": "Card declined", "status": "RESOLVED", "external_id": None, "category": None}
    world.converge(edit(issues=[issue]))
    row = world.rows("issues")[0]
    assert (row["status"], row["external_issue_id"], row["category_id"]) == ("RESOLVED", None, None)


def test_an_issue_moves_to_a_category_this_apply_creates(world: World) -> None:
    categories = [{"name": "Payments"}, {"name": "Checkout"}]
    issue = {**BASE["issues"][0], "category": "Checkout"}
    world.converge(edit(categories=categories, issues=[issue]))
    by_id = {r["id"]: r["name"] for r in world.rows("categories")}
    assert by_id[world.rows("issues")[0]["category_id"]] == "Checkout"


def test_renames_follow_renamed_from(world: World) -> None:
    kinds = edit(
        categories=[{"name": "Billing", "renamed_from": ["Payments"]}],
        issues=[{**BASE["issues"][0], "category": "Billing"}],
        channels=[{**BASE["channels"][0], "name": "Website", "renamed_from": ["Web"]}],
        webhooks=[
            {
                **BASE["webhooks"][0],
                "name": "Slack",
                "renamed_from": ["Relay"],
                "events": [{"type": "FEEDBACK_CREATION", "channels": ["Website"]}],
            }
        ],
    )
    ids = {t: [r["id"] for r in world.rows(t)] for t in ("categories", "channels", "webhooks")}
    plan = world.converge(kinds)
    assert {c.action.value for c in plan.changes} == {"update"}
    assert {t: [r["id"] for r in world.rows(t)] for t in ids} == ids
    assert [r["name"] for r in world.rows("channels")] == ["Website"]


def test_an_issue_is_renamed(world: World) -> None:
    issue = {**BASE["issues"][0], "name": "Card refused", "renamed_from": ["Card declined"]}
    world.converge(edit(issues=[issue]))
    assert [(r["name"], r["status"]) for r in world.rows("issues")] == [
        ("Card refused", "IN_PROGRESS")
    ]


def test_channel_and_field_updates(world: World) -> None:
    fields = [
        {"key": "message", "name": "Your message", "format": "text", "property": "READ_ONLY"},
        {
            "key": "severity",
            "name": "Severity",
            "format": "select",
            "description": "How bad",
            "options": [{"key": "low", "name": "Minor"}, {"key": "mid", "name": "Medium"}],
        },
    ]
    channel = {"name": "Web", "description": None, "feedback_search_max_days": 90, "fields": fields}
    plan = world.converge(edit(channels=[channel]))
    assert changes(plan) == [
        ("update", "channel", "Web"),
        ("update", "field", "Web/message"),
        ("update", "field", "Web/severity"),
    ]
    row = world.rows("channels")[0]
    assert (row["description"], row["feedback_search_max_days"]) == (None, 90)


def test_a_new_field_in_an_existing_channel(world: World) -> None:
    fields = [*WEB_FIELDS, {"key": "tags", "name": "Tags", "format": "multiSelect"}]
    plan = world.converge(edit(channels=[{"name": "Web", "fields": fields}]))
    assert changes(plan) == [("create", "field", "Web/tags")]


def test_a_format_change_is_a_plan_error_before_any_write(world: World) -> None:
    fields = [{"key": "message", "name": "Message", "format": "keyword"}]
    before = world.changed()
    with pytest.raises(PlanError, match="format cannot change"):
        world.plan(edit(channels=[{"name": "Web", "fields": fields}]))
    assert world.changed() == before


def test_a_new_field_named_like_another_is_refused_before_any_write(world: World) -> None:
    fields = [{"key": "body", "name": "Message", "format": "text"}]
    with pytest.raises(PlanError, match="two fields would be named 'Message'"):
        world.plan(edit(channels=[{"name": "Web", "fields": fields}]))


def test_fields_that_pass_names_between_them_go_in_an_order_that_works(world: World) -> None:
    """One field takes the name another gives up: fine when the other comes first in the
    spec (the writes go in spec order); refused when it comes after, or when the two trade
    names (the server refuses two fields of one name even between two writes)."""
    severity, message = WEB_FIELDS[1], WEB_FIELDS[0]
    ahead = [{**severity, "name": "Level"}, {**message, "name": "Severity"}]
    behind = [{**message, "name": "Severity"}, {**severity, "name": "Level"}]
    traded = [{**message, "name": "Severity"}, {**severity, "name": "Message"}]
    with pytest.raises(PlanError) as refused:
        world.plan(edit(channels=[{"name": "Web", "fields": behind}]))
    assert refused.value.message.endswith(
        "channel 'Web': field 'message' takes the name 'Severity' that field 'severity' holds "
        "until it is renamed after it (list 'severity' first)"
    )
    with pytest.raises(PlanError) as refused:
        world.plan(edit(channels=[{"name": "Web", "fields": traded}]))
    assert refused.value.message.count("trade names") == 1
    assert "fields 'message' and 'severity' trade names" in refused.value.message
    plan = world.converge(edit(channels=[{"name": "Web", "fields": ahead}]))
    assert changes(plan) == [
        ("update", "field", "Web/severity"),
        ("update", "field", "Web/message"),
    ]
    assert {
        r["key"]: r["name"] for r in world.rows("fields") if r["key"] in ("message", "severity")
    } == {
        "message": "Severity",
        "severity": "Level",
    }


def test_webhook_update_sends_the_whole_webhook(world: World) -> None:
    hook = {
        "name": "Relay",
        "url": "https://hooks.example.com/v2",
        "events": [{"type": "ISSUE_CREATION"}, {"type": "FEEDBACK_CREATION", "channels": ["Web"]}],
    }
    plan = world.converge(edit(webhooks=[hook]))
    assert changes(plan) == [("update", "webhook", "Relay")]
    row = world.rows("webhooks")[0]
    assert row["url"] == "https://hooks.example.com/v2"
    assert sealed(row["token"], "abcdefghijklmnop1234")  # sent back sealed: kept
    assert sorted(r["type"] for r in world.rows("events")) == [
        "FEEDBACK_CREATION",
        "ISSUE_CREATION",
    ]


def test_a_token_change_is_planned_and_masked_nowhere_in_the_plan_data(world: World) -> None:
    hook = {**BASE["webhooks"][0], "token": "zyxwvutsrqponmlk9876"}
    plan = world.converge(edit(webhooks=[hook]))
    assert changes(plan) == [("update", "webhook", "Relay")]
    assert sealed(world.rows("webhooks")[0]["token"], "zyxwvutsrqponmlk9876")


def test_a_webhook_moves_to_a_channel_this_apply_creates(world: World) -> None:
    channels = [*BASE["channels"], {"name": "Mobile"}]
    hook = {
        **BASE["webhooks"][0],
        "events": [{"type": "FEEDBACK_CREATION", "channels": ["Mobile"]}],
    }
    world.converge(edit(channels=channels, webhooks=[hook]))
    mobile = next(r["id"] for r in world.rows("channels") if r["name"] == "Mobile")
    assert [r["channel_id"] for r in world.rows("event_channels")] == [mobile]


def test_unknown_names_are_a_plan_error(world: World) -> None:
    issue = {**BASE["issues"][0], "category": "payments"}
    with pytest.raises(PlanError, match="category 'payments'"):
        world.plan(edit(issues=[issue]))


def test_renaming_a_channel_leaves_the_webhooks_naming_it_unchanged(world: World) -> None:
    """A webhook links its channels by id: the rename is one write, not one per webhook."""
    hook = {**BASE["webhooks"][0], "events": [{"type": "FEEDBACK_CREATION", "channels": ["Site"]}]}
    channel = {**BASE["channels"][0], "name": "Site", "renamed_from": ["Web"]}
    plan = world.converge(edit(channels=[channel], webhooks=[hook]))
    assert changes(plan) == [("update", "channel", "Site")]
