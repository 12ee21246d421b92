"""The pure diff: identity, renames, moves, prune, memberships and order, without a portal."""

from __future__ import annotations

from typing import Any

from reconciler.diff import diff
from reconciler.plan import Action
from reconciler.providers.productlift.desired import desired_state
from reconciler.providers.productlift.schema import SCHEMA
from reconciler.providers.productlift.spec import Spec
from reconciler.state import Desired, LiveState, Resource


def Res(
    kind: str,
    name: str,
    attrs: dict[str, Any],
    *,
    id: Any = None,
    parent: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Resource:
    """A live resource by the name the plan shows (``TAB/PARENT/TITLE``, ``GROUP/EMAIL``)."""
    split = kind in ("section", "membership")
    ident = tuple(name.split("/")) if split else (name,)
    up = tuple(parent.split("/")) if parent else None
    kept = {k: v for k, v in (extra or {}).items() if k in ("parent_id", "depth", "group_id")}
    return Resource(kind, ident, attrs, id=id, parent=up, extra=kept)


def live_state(**kinds: list[Resource]) -> LiveState:
    state = LiveState()
    state.resources["tab"] = [
        Resource("tab", ("roadmap",), {"slug": "roadmap"}, id=1),
        Resource("tab", ("wish-list",), {"slug": "wish-list"}, id=2),
    ]
    for kind, items in kinds.items():
        state.resources[kind] = items
    return state


def diff_of(desired: Desired, live: LiveState) -> Any:
    return diff(SCHEMA, desired, live)


def cat(id_: int, name: str, color: str = "#ABDEE6") -> Resource:
    return Res("category", name, {"name": name, "color": color}, id=id_)


def sec(id_: int, path: str, parent_id: int | None = None, **attrs: Any) -> Resource:
    tab, *rest = path.split("/")
    title = rest[-1]
    parent = path.rsplit("/", 1)[0] if parent_id else None
    base = {"title": title, "description": None, "icon": None, "color": None, "hidden": False}
    return Res(
        "section",
        path,
        {**base, **attrs},
        id=id_,
        parent=parent,
        extra={"tab": tab, "title": title, "parent_id": parent_id, "depth": len(rest) - 1},
    )


def plan_of(spec: dict[str, Any], live: LiveState) -> list[tuple[str, str, str]]:
    result = diff_of(desired_state(Spec.model_validate({"version": 1, **spec})), live)
    return [(c.action.value, c.kind, c.name) for c in result.changes]


def test_up_to_date_portal_has_no_changes() -> None:
    spec = {"categories": [{"name": "Bug", "color": "#abdee6"}]}
    assert plan_of(spec, live_state(category=[cat(1, "Bug")])) == []


def test_attribute_left_out_is_not_managed() -> None:
    spec = {"categories": [{"name": "Bug"}]}
    assert plan_of(spec, live_state(category=[cat(1, "Bug", "#000000")])) == []


def test_color_change_is_one_update_with_before_and_after() -> None:
    spec = {"categories": [{"name": "Bug", "color": "#FFFFFF"}]}
    result = diff_of(
        desired_state(Spec.model_validate({"version": 1, **spec})),
        live_state(category=[cat(1, "Bug")]),
    )
    [change] = result.changes
    assert (change.action, change.id) == (Action.UPDATE, 1)
    assert change.before == {"color": "#ABDEE6"}
    assert change.after == {"color": "#FFFFFF"}


def test_case_only_change_is_a_rename() -> None:
    spec = {"categories": [{"name": "BUG"}]}
    result = diff_of(
        desired_state(Spec.model_validate({"version": 1, **spec})),
        live_state(category=[cat(1, "Bug")]),
    )
    [change] = result.changes
    assert change.action is Action.UPDATE
    assert (change.before, change.after) == ({"name": "Bug"}, {"name": "BUG"})


def test_renamed_from_adopts_instead_of_delete_and_create() -> None:
    spec = {
        "prune": True,
        "categories": [{"name": "Integration", "renamed_from": ["Integrations"]}],
    }
    assert plan_of(spec, live_state(category=[cat(1, "integrations")])) == [
        ("update", "category", "Integration")
    ]


def test_renamed_from_ignored_when_own_name_exists() -> None:
    spec = {"categories": [{"name": "New", "renamed_from": ["Old"]}]}
    live = live_state(category=[cat(1, "New"), cat(2, "Old")])
    result = diff_of(desired_state(Spec.model_validate({"version": 1, **spec})), live)
    assert result.changes == []
    assert [u.name for u in result.unmanaged] == ["Old"]


def test_without_prune_nothing_is_deleted() -> None:
    spec = {"categories": [{"name": "Bug"}]}
    live = live_state(category=[cat(1, "Bug"), cat(2, "Legacy")])
    result = diff_of(desired_state(Spec.model_validate({"version": 1, **spec})), live)
    assert result.changes == []
    assert [(u.kind, u.name) for u in result.unmanaged] == [("category", "Legacy")]


def test_prune_per_kind() -> None:
    spec = {"prune": {"tags": True}, "categories": [], "tags": []}
    live = live_state(category=[cat(1, "Legacy")], tag=[Res("tag", "old", {"name": "old"}, id="t")])
    assert plan_of(spec, live) == [("delete", "tag", "old")]


def test_section_moved_within_tab_is_an_update_of_parent() -> None:
    spec = {
        "tabs": [{"slug": "roadmap"}],
        "sections": [
            {"title": "Now", "tab": "roadmap"},
            {"title": "Later", "tab": "roadmap", "sections": [{"title": "Backend"}]},
        ],
    }
    live = live_state(
        section=[
            sec(1, "roadmap/Now"),
            sec(2, "roadmap/Later"),
            sec(3, "roadmap/Now/Backend", parent_id=1),
        ]
    )
    result = diff_of(desired_state(Spec.model_validate({"version": 1, **spec})), live)
    [change] = result.changes
    assert (change.action, change.name, change.id) == (Action.UPDATE, "roadmap/Later/Backend", 3)
    assert change.before == {"parent": "roadmap/Now"}
    assert change.after == {"parent": "roadmap/Later"}


def test_parent_renamed_keeps_children_in_place() -> None:
    spec = {
        "tabs": [{"slug": "roadmap"}],
        "sections": [
            {
                "title": "Current",
                "tab": "roadmap",
                "renamed_from": ["Now"],
                "sections": [{"title": "Backend"}],
            },
        ],
    }
    live = live_state(section=[sec(1, "roadmap/Now"), sec(3, "roadmap/Now/Backend", parent_id=1)])
    assert plan_of(spec, live) == [("update", "section", "roadmap/Current")]


def test_section_to_other_tab_is_a_replace_with_warning() -> None:
    spec = {
        "tabs": [{"slug": "roadmap"}, {"slug": "wish-list"}],
        "sections": [{"title": "Ideas", "tab": "wish-list", "renamed_from": ["roadmap/Ideas"]}],
    }
    live = live_state(section=[sec(1, "roadmap/Ideas")])
    result = diff_of(desired_state(Spec.model_validate({"version": 1, **spec})), live)
    assert [(c.action.value, c.name) for c in result.changes] == [("replace", "wish-list/Ideas")]
    assert "posts lose their section" in result.warnings[0]


def test_order_renames_creates_then_deletes_children_first() -> None:
    spec = {
        "prune": True,
        "tabs": [{"slug": "roadmap"}],
        "categories": [{"name": "Fresh"}, {"name": "Renamed", "renamed_from": ["Old"]}],
        "sections": [{"title": "New", "tab": "roadmap", "sections": [{"title": "Child"}]}],
    }
    live = live_state(
        category=[cat(1, "Old"), cat(2, "Gone")],
        section=[sec(5, "roadmap/Dead"), sec(6, "roadmap/Dead/Kid", parent_id=5)],
    )
    assert plan_of(spec, live) == [
        ("update", "category", "Renamed"),
        ("create", "category", "Fresh"),
        ("create", "section", "roadmap/New"),
        ("create", "section", "roadmap/New/Child"),
        ("delete", "section", "roadmap/Dead/Kid"),
        ("delete", "section", "roadmap/Dead"),
        ("delete", "category", "Gone"),
    ]


def test_members_are_the_whole_membership() -> None:
    spec = {"groups": [{"name": "Beta", "members": ["alice@example.com", "bob@example.com"]}]}
    live = live_state(
        group=[Res("group", "Beta", {"name": "Beta"}, id="g1")],
        membership=[
            Res(
                "membership",
                f"Beta/{e}",
                {"email": e},
                id=f"u-{e}",
                parent="Beta",
                extra={"email": e, "group_id": "g1"},
            )
            for e in ("bob@example.com", "carol@example.com")
        ],
    )
    assert plan_of(spec, live) == [
        ("create", "membership", "Beta/alice@example.com"),
        ("delete", "membership", "Beta/carol@example.com"),
    ]


def test_members_left_out_are_not_managed() -> None:
    spec = {"groups": [{"name": "Beta"}]}
    live = live_state(
        group=[Res("group", "Beta", {"name": "Beta"}, id="g1")],
        membership=[
            Res(
                "membership",
                "Beta/x@example.com",
                {"email": "x@example.com"},
                id="u",
                parent="Beta",
                extra={"email": "x@example.com", "group_id": "g1"},
            )
        ],
    )
    assert plan_of(spec, live) == []


def test_replace_plans_the_deletes_it_takes_along_even_without_prune() -> None:
    spec = {
        "tabs": [{"slug": "roadmap"}, {"slug": "wish-list"}],
        "sections": [{"title": "Ideas", "tab": "wish-list", "renamed_from": ["roadmap/Ideas"]}],
    }
    live = live_state(
        section=[
            sec(1, "roadmap/Ideas"),
            sec(2, "roadmap/Ideas/Old", parent_id=1),
            sec(3, "roadmap/Ideas/Old/Older", parent_id=2),
            sec(4, "roadmap/Elsewhere"),
        ]
    )
    result = diff_of(desired_state(Spec.model_validate({"version": 1, **spec})), live)
    assert [(c.action.value, c.name) for c in result.changes] == [
        ("delete", "roadmap/Ideas/Old/Older"),
        ("delete", "roadmap/Ideas/Old"),
        ("replace", "wish-list/Ideas"),
    ]
    assert [u.name for u in result.unmanaged] == ["roadmap/Elsewhere"]
