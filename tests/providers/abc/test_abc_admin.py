"""The admin API's quirks: tokens, channels, fields and webhooks (in process)."""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.providers.abc.tokens import unseal

from .helpers import FakeClock, bearer, field, sign_in

CHANNELS = "/api/admin/projects/1/channels"
HOOKS = "/api/admin/projects/1/webhooks"


def _channel(admin: httpx.Client, name: str = "Web", fields: list[Any] | None = None) -> int:
    body = {"name": name, "description": None, "feedbackSearchMaxDays": 365, "fields": fields or []}
    answer = admin.post(CHANNELS, json=body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _fields(admin: httpx.Client, channel: int) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in admin.get(f"{CHANNELS}/{channel}").json()["fields"]}


def test_wrong_password_and_token_expiry(admin: httpx.Client, clock: FakeClock) -> None:
    wrong = admin.post(
        "/api/admin/auth/signIn/email", json={"email": "admin@example.com", "password": "nope"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (404, "PasswordNotMatch")
    tokens = sign_in(admin)
    clock.advance(599)
    assert admin.get(CHANNELS, headers=bearer(tokens["accessToken"])).status_code == 200
    clock.advance(2)
    expired = admin.get(CHANNELS, headers=bearer(tokens["accessToken"]))
    assert (expired.status_code, expired.json()["message"]) == (401, "Invalid jwt")
    fresh = admin.get("/api/admin/auth/refresh", headers=bearer(tokens["refreshToken"]))
    assert fresh.status_code == 200
    assert admin.get(CHANNELS, headers=bearer(fresh.json()["accessToken"])).status_code == 200
    clock.advance(3600)
    late = admin.get("/api/admin/auth/refresh", headers=bearer(tokens["refreshToken"]))
    assert late.status_code == 401


def test_channel_list_pages_without_fields(admin: httpx.Client) -> None:
    ids = [_channel(admin, f"channel {n:02d}") for n in range(12)]
    page = admin.get(CHANNELS).json()
    assert [c["id"] for c in page["items"]] == ids[:10]
    assert page["meta"]["totalItems"] == 12
    assert all("fields" not in c for c in page["items"])
    second = admin.get(CHANNELS, params={"page": 2}).json()["items"]
    assert [c["id"] for c in second] == ids[10:]


def test_channel_create_read_update_delete(admin: httpx.Client) -> None:
    left_out = admin.post(
        CHANNELS, json={"name": "X", "description": None, "feedbackSearchMaxDays": 1}
    )
    assert left_out.json() == {"statusCode": 500, "message": "Internal server error"}
    web = _channel(admin, "Web", [field("message", "Message")])
    assert set(_fields(admin, web)) == {"id", "createdAt", "updatedAt", "issues", "message"}
    assert admin.post(
        CHANNELS,
        json={"name": "Web", "description": None, "feedbackSearchMaxDays": 1, "fields": []},
    ).json()["code"] == ("ChannelAlreadyExists")
    _channel(admin, "web")  # exact names: another channel
    body = {"name": "web", "description": "d", "feedbackSearchMaxDays": 30}
    assert admin.put(f"{CHANNELS}/{web}", json=body).json()["code"] == "ChannelInvalidName"
    unknown = admin.put(f"{CHANNELS}/999", json=body)
    assert (unknown.status_code, unknown.json()["code"]) == (400, "ChannelNotFound")
    assert admin.get(f"{CHANNELS}/999").json()["code"] == "ChannelNotFound"
    assert admin.delete(f"{CHANNELS}/{web}").status_code == 200
    assert admin.delete(f"{CHANNELS}/{web}").status_code == 200


def test_fields_are_never_deleted_and_keep_key_and_format(admin: httpx.Client) -> None:
    web = _channel(admin, "Web", [field("message", "Message"), field("note", "Note")])
    ids = {key: f["id"] for key, f in _fields(admin, web).items()}
    only = [field("message", "Text", id=ids["message"], status="INACTIVE")]
    assert admin.put(f"{CHANNELS}/{web}/fields", json={"fields": only}).status_code == 200
    after = _fields(admin, web)
    assert (after["message"]["name"], after["message"]["status"]) == ("Text", "INACTIVE")
    assert after["note"]["name"] == "Note"  # left out: untouched
    assert {f["order"] for f in after.values()} == {0}
    for change in ({"key": "other"}, {"format": "keyword"}):
        bad = {**field("message", "Text", id=ids["message"]), **change}
        assert admin.put(f"{CHANNELS}/{web}/fields", json={"fields": [bad]}).status_code == 400
    for reserved in (field("issueIds", "Ok"), field("fine", "Created")):
        answer = admin.put(f"{CHANNELS}/{web}/fields", json={"fields": [reserved]})
        assert answer.status_code == 400


def test_a_colliding_or_too_long_new_field_is_a_500_rolled_back(admin: httpx.Client) -> None:
    web = _channel(admin, "Web", [field("message", "Message")])
    for bad in (field("message", "Another"), field("other", "Message"), field("x" * 256, "Long")):
        body = {"fields": [field("fresh", "Fresh"), bad]}
        answer = admin.put(f"{CHANNELS}/{web}/fields", json=body)
        assert answer.status_code == 500
        assert "fresh" not in _fields(admin, web)  # the whole request rolled back


def test_options_removed_and_restored(admin: httpx.Client) -> None:
    low, high = {"key": "low", "name": "Low"}, {"key": "high", "name": "High"}
    web = _channel(admin, "Web", [field("level", "Level", "select", options=[low, high])])
    level = _fields(admin, web)["level"]
    first_ids = {o["key"]: o["id"] for o in level["options"]}
    keep_low = field("level", "Level", "select", id=level["id"], options=[low])
    admin.put(f"{CHANNELS}/{web}/fields", json={"fields": [keep_low]})
    assert [o["key"] for o in _fields(admin, web)["level"]["options"]] == ["low"]
    both = field("level", "Level", "select", id=level["id"], options=[low, high])
    admin.put(f"{CHANNELS}/{web}/fields", json={"fields": [both]})
    again = {o["key"]: o["id"] for o in _fields(admin, web)["level"]["options"]}
    assert again == first_ids
    text_options = field("note", "Note", options=[low])
    answer = admin.put(f"{CHANNELS}/{web}/fields", json={"fields": [text_options]})
    assert answer.status_code == 400


def _hook(name: str = "Relay", **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "url": "https://hooks.example.com/abc",
        "status": "ACTIVE",
        "events": [{"type": "ISSUE_CREATION", "status": "ACTIVE", "channelIds": []}],
        **changes,
    }


def test_webhook_lifecycle(admin: httpx.Client) -> None:
    web = _channel(admin)
    events = [{"type": "FEEDBACK_CREATION", "status": "ACTIVE", "channelIds": [web]}]
    created = admin.post(HOOKS, json=_hook(events=events, token="a" * 16))
    assert created.status_code == 201
    id_ = created.json()["id"]
    listed = admin.get(HOOKS).json()
    assert set(listed) == {"items"}
    sealed = listed["items"][0]["token"]  # the server answers it in clear: the sandbox, sealed
    assert sealed != "a" * 16
    assert unseal(sealed, ["b" * 16, "a" * 16]) == "a" * 16
    assert listed["items"][0]["events"][0]["channels"][0]["name"] == "Web"
    one = admin.get(f"{HOOKS}/{id_}").json()
    assert isinstance(one, list)
    assert one[0]["id"] == id_
    assert admin.get(f"{HOOKS}/999").json() == []
    assert admin.post(HOOKS, json=_hook()).json()["code"] == "WebhookAlreadyExists"
    assert admin.post(HOOKS, json=_hook("relay")).status_code == 201  # exact names
    admin.put(f"{HOOKS}/{id_}", json=_hook(events=events, token=sealed))
    assert admin.get(f"{HOOKS}/{id_}").json()[0]["token"] == sealed  # sent back: kept
    admin.put(f"{HOOKS}/{id_}", json=_hook(events=events, token="b" * 16))
    assert unseal(admin.get(f"{HOOKS}/{id_}").json()[0]["token"], ["b" * 16]) == "b" * 16
    put = admin.put(f"{HOOKS}/{id_}", json=_hook("Renamed", status="INACTIVE", token=None))
    assert (put.status_code, put.json()) == (200, {"id": id_})
    after = admin.get(f"{HOOKS}/{id_}").json()[0]
    assert (after["name"], after["token"], after["events"][0]["type"]) == (
        "Renamed",
        None,
        "ISSUE_CREATION",
    )
    assert admin.delete(f"{HOOKS}/{id_}").status_code == 200
    gone = admin.delete(f"{HOOKS}/{id_}")
    assert (gone.status_code, gone.json()["code"]) == (404, "WebhookNotFound")


def test_webhook_url_token_and_event_rules(admin: httpx.Client) -> None:
    web = _channel(admin)
    cases = {
        "http://localhost/hook": 400,
        "http://127.0.0.1/hook": 201,
        "https://hooks.example.com/x": 201,
    }
    for n, (url, status) in enumerate(cases.items()):
        assert admin.post(HOOKS, json=_hook(f"u{n}", url=url)).status_code == status, url
    tokens = {"short": 400, "has space in it, and long": 400, "": 201, "ok.token-0123_456": 201}
    for n, (token, status) in enumerate(tokens.items()):
        assert admin.post(HOOKS, json=_hook(f"t{n}", token=token)).status_code == status, token
    bad_events = [
        {"type": "ISSUE_CREATION", "status": "ACTIVE", "channelIds": [web]},
        {"type": "FEEDBACK_CREATION", "status": "ACTIVE", "channelIds": [999]},
        {"type": "NOT_A_TYPE", "status": "ACTIVE", "channelIds": []},
    ]
    for n, event in enumerate(bad_events):
        answer = admin.post(HOOKS, json=_hook(f"e{n}", events=[event]))
        assert answer.status_code == 400, event
    good = {"type": "ISSUE_ADDITION", "status": "INACTIVE", "channelIds": [web]}
    assert admin.post(HOOKS, json=_hook("ok", events=[good])).status_code == 201


def test_category_search_applies_the_sort(admin: httpx.Client) -> None:
    for name in ("b", "A", "a", "B", "c"):
        admin.post("/api/projects/1/categories", json={"name": name})
    search = "/api/admin/projects/1/categories/search"
    answer = admin.post(search, json={"limit": 2, "page": 2, "sort": {"name": "ASC"}})
    assert answer.status_code == 201
    assert [c["name"] for c in answer.json()["items"]] == ["a", "b"]  # binary: A B a b c
    assert admin.post(search, json={"sort": {"name": "UP"}}).status_code == 400
