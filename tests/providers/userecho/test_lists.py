"""Lists: paging (``page`` from 1, ``limit`` at most 100), ``details.count``, filters."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconciler.providers.userecho.sandbox.listing import DEFAULT_PAGE_SIZE

from .helpers import SEEDED, create, data, error


def _page(api: httpx.Client, command: str, **params: Any) -> Any:
    """The whole answer of a list request (asserting it succeeded)."""
    response = api.get(f"{command}.json", params=params)
    data(response)
    return response.json()


def test_pages_cover_every_record_once(api: httpx.Client) -> None:
    forum = create(api, "forums", {"name": "F"})
    for n in range(7):
        create(api, f"forums/{forum}/tags", {"name": f"tag {n}"})
    seen = []
    for number in (1, 2, 3):
        body = _page(api, f"forums/{forum}/tags", page=number, limit=3)
        assert body["details"] == {"page": number, "limit": 3, "count": 7}
        seen += [t["name"] for t in body["data"]]
    assert seen == [f"tag {n}" for n in range(7)]
    past = _page(api, f"forums/{forum}/tags", page=4, limit=3)
    assert past["data"] == []
    assert past["details"] == {"page": 4, "limit": 3, "count": 7}


def test_limit_defaults_and_a_hundred_is_the_most(api: httpx.Client) -> None:
    for n in range(DEFAULT_PAGE_SIZE + 1):
        create(api, "hooks", {"event": "topic.created", "target_url": f"https://h.example.com/{n}"})
    first = _page(api, "hooks")
    assert len(first["data"]) == DEFAULT_PAGE_SIZE
    assert first["details"] == {"page": 1, "limit": DEFAULT_PAGE_SIZE, "count": 21}
    assert len(_page(api, "hooks", limit=100)["data"]) == 21
    assert "100" in error(api.get("hooks.json", params={"limit": 101}), 400)


@pytest.mark.parametrize("params", [{"page": 0}, {"page": -1}, {"page": "x"}, {"limit": 0}])
def test_bad_paging_is_refused(api: httpx.Client, params: dict[str, int | str]) -> None:
    error(api.get("users.json", params=params), 400)


def test_access_lists_and_events_page_too(api: httpx.Client) -> None:
    forum = create(api, "forums", {"name": "P", "type": "PRIVATE"})
    emails = [f"user{n}@example.com" for n in range(5)]
    data(api.post(f"forums/{forum}/access_list.json", json={"emails": emails}))
    body = _page(api, f"forums/{forum}/access_list", page=2, limit=2)
    assert body["data"] == emails[2:4]
    assert body["details"] == {"page": 2, "limit": 2, "count": 5}
    events = _page(api, "hooks/events", limit=1)
    assert len(events["data"]) == 1
    assert events["details"]["count"] > 1


def test_users_filtered_by_email(api: httpx.Client) -> None:
    body = _page(api, "users", filter__email__in="carol@example.com,alice@example.com,x@y.org")
    assert [u["email"] for u in body["data"]] == ["alice@example.com", "carol@example.com"]
    assert body["details"]["count"] == 2
    assert _page(api, "users", filter__email="erin@example.com")["details"]["count"] == 1


def test_users_filtered_and_paged_count_what_passes(api: httpx.Client) -> None:
    body = _page(api, "users", filter__email__in=",".join(SEEDED[1:]), limit=2, page=2)
    assert [u["email"] for u in body["data"]] == SEEDED[3:5]
    assert body["details"] == {"page": 2, "limit": 2, "count": 5}


def test_lists_filter_by_id(api: httpx.Client) -> None:
    ids = [create(api, "users/groups", {"name": f"G{n}"}) for n in range(4)]
    body = _page(api, "users/groups", filter__id__in=f"{ids[3]},{ids[1]}")
    assert [g["id"] for g in body["data"]] == [ids[1], ids[3]]
    forum = create(api, "forums", {"name": "F"})
    tag = create(api, f"forums/{forum}/tags", {"name": "t"})
    create(api, f"forums/{forum}/tags", {"name": "u"})
    tags = _page(api, f"forums/{forum}/tags", filter__id__in=str(tag))
    assert [t["name"] for t in tags["data"]] == ["t"]


def test_other_documented_conditions(api: httpx.Client) -> None:
    admin = _page(api, "users", filter__is_admin="true")
    assert [u["email"] for u in admin["data"]] == ["admin@example.com"]
    late = _page(api, "users", filter__id__gte=5)
    assert [u["id"] for u in late["data"]] == [5, 6]
    named = _page(api, "users", filter__name__icontains="AR")
    assert [u["name"] for u in named["data"]] == ["Carol"]


@pytest.mark.parametrize(
    "params",
    [{"filter__nothing__in": "1"}, {"filter__email__like": "a"}, {"filter__groups__in": "1"}],
)
def test_unknown_filters_are_refused(api: httpx.Client, params: dict[str, str]) -> None:
    error(api.get("users.json", params=params), 400)


def test_filters_on_lists_of_plain_values_are_refused(api: httpx.Client) -> None:
    error(api.get("hooks/events.json", params={"filter__name__in": "topic.created"}), 400)
