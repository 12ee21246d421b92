"""Properties of plan and apply, for random specs against random starting portals.

Starting portals hold random categories, statuses, tags, groups (with members) and nested
sections; specs name some of the same resources, often in another letter case, some under
earlier names (``renamed_from``), and prune some kinds. For each pair:

1. apply, then plan again: the plan is empty;
2. apply sends exactly one write per planned change (a replace takes two: delete, create;
   creating a hidden section takes one more: the create endpoint takes no visibility);
3. the plan does not depend on the order in which the portal lists its collections;
4. no section is created before its parent, no membership before its group;
5. planning (a dry run) writes nothing;
6. without prune, nothing the spec does not name is deleted.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from reconciler.engine import build_plan
from reconciler.plan import Action, Plan
from reconciler.providers.productlift import ProductLift
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.spec import Spec

from .engine_helpers import TARGET, Portal, spec_of

NAMES = ("Bug", "Idea", "Billing", "Mobile", "Speed", "Docs")
TITLES = ("Now", "Next", "Later", "Backend", "Frontend")
COLORS = ("#ABDEE6", "#ffaea5", "#000000")
EMAILS = tuple(f"{n}@example.com" for n in ("alice", "bob", "carol", "dave", "erin"))
TABS = {"roadmap": 1, "wish-list": 2}
PLURAL = {"category": "categories", "status": "statuses", "tag": "tags", "group": "groups"}


def spelled(name: str) -> st.SearchStrategy[str]:
    """A name as written, sometimes in another letter case."""
    return st.sampled_from((name, name, name.lower(), name.upper()))


def unique_names(pool: tuple[str, ...], max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), unique=True, max_size=max_size).flatmap(
        lambda names: st.tuples(*(spelled(n) for n in names)).map(list)
    )


# -- starting portals ----------------------------------------------------------------------------


@dataclass
class SectionSeed:
    title: str
    hidden: bool
    description: str | None
    children: list[SectionSeed] = field(default_factory=list)


def section_seeds(depth: int) -> st.SearchStrategy[list[SectionSeed]]:
    children = section_seeds(depth - 1) if depth > 1 else st.just([])
    return unique_names(TITLES, 3 if depth > 1 else 2).flatmap(
        lambda titles: st.tuples(
            *(
                st.builds(
                    SectionSeed,
                    st.just(t),
                    st.booleans(),
                    st.sampled_from((None, "old text")),
                    children,
                )
                for t in titles
            )
        ).map(list)
    )


@st.composite
def start_portals(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "categories": [
            {"name": n, "color": draw(st.sampled_from(COLORS)).upper()}
            for n in draw(unique_names(NAMES, 4))
        ],
        "statuses": [
            {"name": n, "color": "#123456", "tab_id": draw(st.sampled_from((1, 2)))}
            for n in draw(unique_names(NAMES, 2))
        ],
        "tags": draw(unique_names(NAMES, 4)),
        "groups": [
            {
                "name": n,
                "description": draw(st.sampled_from((None, "old"))),
                "members": draw(st.lists(st.sampled_from(EMAILS), unique=True, max_size=3)),
            }
            for n in draw(unique_names(NAMES, 3))
        ],
        "sections": {tab: draw(section_seeds(3)) for tab in TABS},
    }


def build_portal(portal: Portal, start: dict[str, Any]) -> None:
    for item in start["categories"]:
        portal.add("categories", **item)
    for item in start["statuses"]:
        portal.add("statuses", **item)
    for text in start["tags"]:
        portal.add("tags", tag=text)
    users = {u["email"]: u["id"] for u in portal.get("users")}
    for group in start["groups"]:
        made = portal.add("groups", name=group["name"], description=group["description"])
        for email in group["members"]:
            portal.add(f"groups/{made['id']}/users", user_id=users[email])
    for tab, seeds in start["sections"].items():
        _build_sections(portal, TABS[tab], None, seeds)


def _build_sections(
    portal: Portal, tab_id: int, parent_id: int | None, seeds: list[SectionSeed]
) -> None:
    for seed in seeds:
        body: dict[str, Any] = {"title": seed.title, "tab_id": tab_id}
        if seed.description:
            body["description"] = seed.description
        if parent_id is not None:
            body["parent_id"] = parent_id
        made = portal.add("sections", **body)
        if seed.hidden:
            portal.send(
                "PUT", f"sections/{made['id']}", {"title": seed.title, "is_hidden_for_users": True}
            )
        _build_sections(portal, tab_id, made["id"], seed.children)


# -- specs ---------------------------------------------------------------------------------------


def renames(names: list[str], olds: list[str]) -> list[list[str]]:
    """``renamed_from`` per entry, kept to what the loader accepts: an old name is no entry's
    own name and is claimed by one entry only."""
    own = {n.casefold() for n in names}
    claimed: set[str] = set()
    out: list[list[str]] = []
    for old in olds:
        if old.casefold() in own or old.casefold() in claimed:
            out.append([])
        else:
            claimed.add(old.casefold())
            out.append([old])
    return out


@st.composite
def flat_entries(draw: st.DrawFn, kind: str) -> list[dict[str, Any]]:
    names = draw(unique_names(NAMES, 4))
    olds = [draw(st.sampled_from(("", *NAMES))) for _ in names]
    entries: list[dict[str, Any]] = []
    for name, renamed in zip(names, renames(names, olds), strict=True):
        entry: dict[str, Any] = {"name": name}
        if renamed and renamed[0]:
            entry["renamed_from"] = renamed
        if kind in ("category", "status") and draw(st.booleans()):
            entry["color"] = draw(st.sampled_from(COLORS))
        if kind == "status":
            entry["tab"] = draw(spelled(draw(st.sampled_from(tuple(TABS)))))
        if kind == "group":
            description = draw(st.sampled_from(("absent", None, "new", "", "old ")))
            if description != "absent":
                entry["description"] = description
            if draw(st.booleans()):
                entry["members"] = draw(st.lists(st.sampled_from(EMAILS), unique=True, max_size=4))
        entries.append(entry)
    return entries


def spec_sections(depth: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    children = spec_sections(depth - 1) if depth > 1 else st.just([])

    def entry(title: str) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries(
            {"title": st.just(title)},
            optional={
                "description": st.sampled_from((None, "new text", "", " old text ")),
                "hidden": st.booleans(),
                "icon": st.sampled_from((None, "rocket")),
                "sections": children,
            },
        )

    return unique_names(TITLES, 3 if depth > 1 else 2).flatmap(
        lambda titles: st.tuples(*(entry(t) for t in titles)).map(list)
    )


OLD_PATHS = tuple(
    "/".join((tab, *titles)) for tab in TABS for titles in ((a,) for a in TITLES) for _ in range(1)
) + tuple(f"{tab}/{a}/{b}" for tab in TABS for a in TITLES for b in TITLES)


def section_renames(draw: st.DrawFn, sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give some sections an earlier title or ``TAB/.../TITLE`` path, as the loader allows:
    never another entry's own path, never one claimed twice."""
    own: set[str] = set()

    def paths(entries: list[dict[str, Any]], prefix: str | None) -> None:
        for e in entries:
            path = f"{prefix or e['tab']}/{e['title']}"
            own.add(path.casefold())
            paths(e.get("sections", []), path)

    paths(sections, None)
    claimed: set[str] = set()

    def walk(entries: list[dict[str, Any]], prefix: str | None) -> list[dict[str, Any]]:
        out = []
        for e in entries:
            path = f"{prefix or e['tab']}/{e['title']}"
            entry = {**e, "sections": walk(e.get("sections", []), path)}
            old = draw(st.sampled_from(("", "", "", *TITLES, *OLD_PATHS)))
            head = old.split("/", 1)[0]
            resolved = old if head in TABS else f"{prefix or e['tab']}/{old}"
            if old and resolved.casefold() not in own | claimed:
                claimed.add(resolved.casefold())
                entry["renamed_from"] = [old]
            out.append(entry)
        return out

    return walk(sections, None)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    prune: Any = draw(
        st.one_of(
            st.booleans(),
            st.fixed_dictionaries(
                {}, optional={p: st.booleans() for p in (*PLURAL.values(), "sections")}
            ),
        )
    )
    sections = [
        {**entry, "tab": draw(spelled(tab))} for tab in TABS for entry in draw(spec_sections(3))
    ]
    sections = section_renames(draw, sections)
    return {
        "prune": prune,
        "tabs": [{"slug": draw(spelled(t))} for t in TABS],
        "categories": draw(flat_entries("category")),
        "statuses": draw(flat_entries("status")),
        "tags": [
            {
                "name": e["name"],
                **({"renamed_from": e["renamed_from"]} if "renamed_from" in e else {}),
            }
            for e in draw(flat_entries("tag"))
        ],
        "groups": draw(flat_entries("group")),
        "sections": draw(st.permutations(sections)),
    }


# -- the portal listing its collections in another order -----------------------------------------


class Shuffled(httpx.BaseTransport):
    """Answers every list in a shuffled order (sections keep their ``order`` field)."""

    def __init__(self, inner: httpx.BaseTransport, seed: int) -> None:
        self.inner, self.rng = inner, random.Random(seed)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method != "GET" or response.status_code != 200:
            return response
        body = json.loads(response.read())
        if isinstance(body.get("data"), list):
            self.rng.shuffle(body["data"])
        limits = {k: v for k, v in response.headers.items() if k.startswith("x-ratelimit-")}
        return httpx.Response(200, json=body, headers=limits, request=request)


def shuffled_plan(portal: Portal, spec: Spec, seed: int) -> Plan:
    client = Client(
        "http://sandbox.local", None, transport=Shuffled(portal.box.transport(), seed),
        allow_insecure=True,
    )  # fmt: skip
    with client:
        return build_plan(spec, ProductLift(client, TARGET))


# -- the properties ------------------------------------------------------------------------------


@dataclass
class Case:
    portal: Portal
    doc: dict[str, Any]
    spec: Spec
    plan: Plan


def prepared(start: dict[str, Any], doc: dict[str, Any]) -> Iterator[Case]:
    portal = Portal()
    try:
        build_portal(portal, start)
        portal.reset_stats()
        spec = spec_of(doc)
        yield Case(portal, doc, spec, portal.plan(spec))
    finally:
        portal.close()


def extra_writes(plan: Plan) -> int:
    """Writes beyond one per change: a replace is a delete and a create, and creating a
    hidden section takes a second write (the create endpoint takes no visibility)."""
    extra = 0
    for c in plan.changes:
        extra += c.action is Action.REPLACE
        creates = c.action in (Action.CREATE, Action.REPLACE)
        extra += creates and c.kind == "section" and bool((c.after or {}).get("hidden"))
    return extra


def check_order(plan: Plan) -> None:
    """What a create needs (a section's parent, a membership's group) is created earlier in
    the plan, or not at all (it exists)."""
    made = [
        (c.kind, c.name.casefold())
        for c in plan.changes
        if c.action in (Action.CREATE, Action.REPLACE)
    ]
    for position, (kind, name) in enumerate(made):
        if kind == "section" and name.count("/") > 1:
            needed = ("section", name.rsplit("/", 1)[0])
        elif kind == "membership":
            needed = ("group", name.rsplit("/", 1)[0])
        else:
            continue
        assert needed not in made[position:], (name, "before", needed)


def check_no_unnamed_deletes(case: Case) -> None:
    prunes = case.spec.prunes
    replaced = [
        str((c.before or {})["name"]).casefold() + "/"
        for c in case.plan.changes
        if c.action is Action.REPLACE
    ]
    for c in case.plan.changes:
        if c.action is not Action.DELETE:
            continue
        if c.kind == "section" and c.name.casefold().startswith(tuple(replaced)):
            continue  # taken along by a replace: planned, so the user sees it
        if c.kind == "membership":
            group = "/".join(c.refs.parent or ()).casefold()
            named = {g.name.casefold() for g in case.spec.groups if g.members is not None}
            assert group in named, c
        else:
            assert prunes("sections" if c.kind == "section" else PLURAL[c.kind]), c


# Failing examples the hunt found, kept: a create under a section whose own sibling of that
# title moves out later ('title already taken'); a create placed after a section that moves
# in later, held back by a title it waits for ('the selected after id is invalid').
TAKEN_TITLE: dict[str, Any] = {
    "start": {
        "categories": [],
        "statuses": [
            {"name": "BILLING", "color": "#123456", "tab_id": 2},
            {"name": "Docs", "color": "#123456", "tab_id": 2},
        ],
        "tags": ["MOBILE", "IDEA", "BILLING", "Docs"],
        "groups": [],
        "sections": {
            "roadmap": [],
            "wish-list": [
                SectionSeed(
                    title="BACKEND",
                    hidden=False,
                    description="old text",
                    children=[
                        SectionSeed(
                            title="FRONTEND",
                            hidden=False,
                            description="old text",
                            children=[
                                SectionSeed(
                                    title="NEXT", hidden=False, description="old text", children=[]
                                )
                            ],
                        ),
                        SectionSeed(title="Now", hidden=False, description="old text", children=[]),
                        SectionSeed(
                            title="later",
                            hidden=False,
                            description="old text",
                            children=[
                                SectionSeed(
                                    title="FRONTEND",
                                    hidden=True,
                                    description="old text",
                                    children=[],
                                )
                            ],
                        ),
                    ],
                )
            ],
        },
    },
    "doc": {
        "prune": {"sections": False, "groups": True, "tags": True},
        "tabs": [{"slug": "roadmap"}, {"slug": "wish-list"}],
        "categories": [
            {"name": "Docs"},
            {"name": "Idea", "renamed_from": ["Billing"]},
            {"name": "MOBILE"},
            {"name": "Speed"},
        ],
        "statuses": [
            {"name": "Mobile", "renamed_from": ["Docs"], "color": "#000000", "tab": "wish-list"},
            {"name": "Bug", "color": "#000000", "tab": "ROADMAP"},
            {"name": "Billing", "color": "#ffaea5", "tab": "wish-list"},
            {"name": "idea", "color": "#ABDEE6", "tab": "roadmap"},
        ],
        "tags": [
            {"name": "bug", "renamed_from": ["Speed"]},
            {"name": "Docs"},
            {"name": "Idea"},
            {"name": "BILLING", "renamed_from": ["Mobile"]},
        ],
        "groups": [{"name": "Idea", "renamed_from": ["Speed"], "description": "old "}],
        "sections": [
            {
                "hidden": True,
                "icon": "rocket",
                "sections": [
                    {
                        "hidden": False,
                        "icon": None,
                        "title": "Next",
                        "description": " old text ",
                        "sections": [],
                    },
                    {
                        "description": "",
                        "title": "Backend",
                        "icon": None,
                        "hidden": True,
                        "sections": [
                            {
                                "hidden": False,
                                "description": "new text",
                                "sections": [],
                                "icon": None,
                                "title": "Later",
                                "renamed_from": ["wish-list/Now"],
                            }
                        ],
                        "renamed_from": ["roadmap/Later/Frontend"],
                    },
                    {
                        "icon": "rocket",
                        "sections": [
                            {
                                "description": " old text ",
                                "title": "Now",
                                "icon": None,
                                "sections": [],
                                "renamed_from": ["wish-list/Backend"],
                            },
                            {
                                "hidden": False,
                                "icon": "rocket",
                                "description": "",
                                "sections": [],
                                "title": "Next",
                                "renamed_from": ["roadmap/Frontend/Next"],
                            },
                        ],
                        "title": "NOW",
                        "hidden": False,
                        "description": None,
                        "renamed_from": ["wish-list/Now/Later"],
                    },
                ],
                "title": "frontend",
                "description": None,
                "tab": "wish-list",
                "renamed_from": ["roadmap/Next/Later"],
            },
            {
                "title": "next",
                "hidden": True,
                "icon": "rocket",
                "description": "",
                "sections": [],
                "tab": "WISH-LIST",
                "renamed_from": ["wish-list/Next/Next"],
            },
            {
                "title": "Later",
                "tab": "roadmap",
                "sections": [],
                "renamed_from": ["roadmap/Next/Backend"],
            },
            {
                "description": " old text ",
                "hidden": False,
                "icon": None,
                "title": "later",
                "tab": "wish-list",
                "sections": [],
                "renamed_from": ["roadmap/Frontend/Later"],
            },
        ],
    },
}
AFTER_A_LATE_MOVE: dict[str, Any] = {
    "start": {
        "categories": [],
        "statuses": [{"name": "BILLING", "color": "#123456", "tab_id": 1}],
        "tags": ["Billing", "Mobile"],
        "groups": [
            {
                "name": "mobile",
                "description": "old",
                "members": ["bob@example.com", "dave@example.com", "carol@example.com"],
            },
            {
                "name": "Docs",
                "description": None,
                "members": ["erin@example.com", "bob@example.com", "alice@example.com"],
            },
            {
                "name": "Billing",
                "description": "old",
                "members": ["bob@example.com", "dave@example.com", "alice@example.com"],
            },
        ],
        "sections": {
            "roadmap": [
                SectionSeed(
                    title="Backend",
                    hidden=True,
                    description="old text",
                    children=[
                        SectionSeed(
                            title="Now",
                            hidden=True,
                            description=None,
                            children=[
                                SectionSeed(
                                    title="NOW", hidden=True, description=None, children=[]
                                ),
                                SectionSeed(
                                    title="BACKEND", hidden=False, description=None, children=[]
                                ),
                            ],
                        ),
                        SectionSeed(title="frontend", hidden=False, description=None, children=[]),
                    ],
                )
            ],
            "wish-list": [],
        },
    },
    "doc": {
        "prune": False,
        "tabs": [{"slug": "roadmap"}, {"slug": "wish-list"}],
        "categories": [],
        "statuses": [],
        "tags": [{"name": "Idea", "renamed_from": ["Docs"]}, {"name": "Bug"}],
        "groups": [
            {"name": "BUG", "description": "new"},
            {
                "name": "Mobile",
                "description": "new",
                "members": [
                    "alice@example.com",
                    "erin@example.com",
                    "bob@example.com",
                    "carol@example.com",
                ],
            },
            {"name": "speed", "description": None},
            {
                "name": "docs",
                "description": "new",
                "members": [
                    "carol@example.com",
                    "bob@example.com",
                    "alice@example.com",
                    "erin@example.com",
                ],
            },
        ],
        "sections": [
            {
                "hidden": False,
                "title": "backend",
                "description": " old text ",
                "icon": "rocket",
                "sections": [],
                "tab": "WISH-LIST",
            },
            {
                "description": "",
                "title": "later",
                "tab": "wish-list",
                "sections": [],
                "renamed_from": ["wish-list/Later/Later"],
            },
            {
                "title": "Frontend",
                "description": None,
                "sections": [
                    {
                        "sections": [
                            {"title": "now", "sections": [], "renamed_from": ["roadmap/Backend"]},
                            {
                                "title": "later",
                                "hidden": True,
                                "sections": [],
                                "renamed_from": ["wish-list/Later/Next"],
                            },
                        ],
                        "description": " old text ",
                        "icon": "rocket",
                        "title": "Backend",
                        "hidden": True,
                        "renamed_from": ["roadmap/Next/Backend"],
                    },
                    {
                        "title": "NEXT",
                        "sections": [],
                        "renamed_from": ["roadmap/Frontend/Frontend"],
                    },
                    {
                        "sections": [],
                        "hidden": True,
                        "title": "Later",
                        "description": "new text",
                        "icon": "rocket",
                        "renamed_from": ["roadmap/Now/Frontend"],
                    },
                ],
                "hidden": False,
                "icon": None,
                "tab": "roadmap",
                "renamed_from": ["wish-list/Frontend/Later"],
            },
            {
                "hidden": True,
                "title": "Later",
                "sections": [
                    {
                        "hidden": False,
                        "icon": None,
                        "description": "new text",
                        "title": "NOW",
                        "sections": [
                            {
                                "title": "now",
                                "icon": None,
                                "sections": [],
                                "renamed_from": ["roadmap/Now/Backend"],
                            }
                        ],
                        "renamed_from": ["wish-list/Now/Now"],
                    }
                ],
                "icon": None,
                "tab": "roadmap",
            },
            {"title": "Now", "tab": "roadmap", "sections": []},
        ],
    },
}


# Shrinking is off: each example builds a portal, so shrinking a failure takes minutes; the
# failing example is printed as drawn. ENGINE_EXAMPLES=1000 runs a longer hunt.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("ENGINE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


@PROPERTY_SETTINGS
@given(start=start_portals(), doc=specs(), seed=st.integers(0, 2**16))
def test_plan_is_a_dry_run_ordered_safe_and_independent_of_listing_order(
    start: dict[str, Any], doc: dict[str, Any], seed: int
) -> None:
    for case in prepared(start, doc):
        assert case.portal.write_requests() == 0  # (5)
        other = shuffled_plan(case.portal, case.spec, seed)
        assert case.portal.write_requests() == 0
        assert other.as_json() == case.plan.as_json()  # (3)
        check_order(case.plan)  # (4)
        check_no_unnamed_deletes(case)  # (6)


@PROPERTY_SETTINGS
@example(**TAKEN_TITLE)
@example(**AFTER_A_LATE_MOVE)
@given(start=start_portals(), doc=specs())
def test_apply_writes_once_per_change_then_plans_empty(
    start: dict[str, Any], doc: dict[str, Any]
) -> None:
    for case in prepared(start, doc):
        portal = case.portal
        before = {p: {i["id"] for i in portal.get(p)} for p in (*PLURAL.values(), "sections")}
        # a replace deletes the section and, as its warning says, its children with it
        replaced = replaced_with_descendants(portal, case.plan)
        portal.run(case.plan)
        assert portal.write_requests() == len(case.plan.changes) + extra_writes(case.plan)  # (2)
        again = portal.plan(case.spec)
        assert again.as_json()["changes"] == []  # (1)
        for kind, plural in (*PLURAL.items(), ("section", "sections")):  # (6), in the portal
            if not case.spec.prunes(plural):
                gone = before[plural] - {i["id"] for i in portal.get(plural)}
                assert gone <= replaced, (kind, gone)


def replaced_with_descendants(portal: Portal, plan: Plan) -> set[Any]:
    ids = {c.id for c in plan.changes if c.action is Action.REPLACE}
    sections = portal.get("sections")
    grew = True
    while grew:
        below = {s["id"] for s in sections if s["parent_id"] in ids}
        grew = not below <= ids
        ids |= below
    return ids
