"""The envelope, the token, the status codes, and the two error switches."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.errors import TargetError
from reconciler.providers.userecho.sandbox import UserEchoSandbox, parse_options, start_server

from .helpers import SSL, TOKEN, connect, data, error


def test_success_is_json_with_status_and_data(api: httpx.Client) -> None:
    response = api.get("users/current.json")
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"status", "data"}
    assert "x-ratelimit-limit" not in response.headers  # UserEcho documents no limit


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_a_missing_or_wrong_token_is_refused_without_echoing_it(
    box: UserEchoSandbox, way: str, token: str | None
) -> None:
    with connect(box, way, token=None) as client:
        params = {} if token is None else {"access_token": token}
        response = client.post("forums.json", params=params, json={"name": "X"})
        message = error(response, 401)
        assert "access_token" in message
        assert not token or token not in response.text
    assert box.writes.total() == 0


def test_the_token_travels_only_in_the_query(box: UserEchoSandbox, way: str) -> None:
    with connect(box, way, token=None) as client:
        error(client.get("forums.json", headers={"Authorization": f"Bearer {TOKEN}"}), 401)
        error(client.post("forums.json", json={"name": "X", "access_token": TOKEN}), 401)


@pytest.mark.parametrize(
    "path",
    ["/api/v2/nothing.json", "/api/v2/forums", "/api/v1/forums.json", "/api/v2/users/x.json"],
)
def test_unknown_commands_answer_404(box: UserEchoSandbox, way: str, path: str) -> None:
    with connect(box, way) as client:
        error(client.get(path), 404)
    assert box.stats[("GET", "?")] == 1


def test_a_known_command_with_another_method_answers_405(api: httpx.Client) -> None:
    error(api.patch("forums.json", json={"id": 1}), 405)
    error(api.post("users.json", json={"email": "x@y.org"}), 405)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_no_json_object_is_refused(api: httpx.Client, body: bytes) -> None:
    sent = api.post("forums.json", content=body, headers={"content-type": "application/json"})
    error(sent, 400)


def test_a_delete_may_carry_its_id_in_the_query(api: httpx.Client) -> None:
    forum = data(api.post("forums.json", json={"name": "F"}))["id"]
    data(api.delete("forums.json", params={"id": forum}))
    assert data(api.get("forums.json")) == []


@pytest.fixture(params=["flag", "fault string"])
def lenient(request: pytest.FixtureRequest) -> Iterator[UserEchoSandbox]:
    """A sandbox answering failures with HTTP 200, switched on either way."""
    if request.param == "flag":
        box = UserEchoSandbox(":memory:", token=TOKEN, errors_as_200=True)
    else:
        box = UserEchoSandbox(":memory:", token=TOKEN, faults="seed=1,errors_as_200")
    yield box
    box.close()


def test_errors_as_200_answer_200_carrying_error(lenient: UserEchoSandbox, way: str) -> None:
    with connect(lenient, way) as client:
        for response in (
            client.post("forums.json", json={"name": ""}),
            client.put("forums.json", json={"id": 42, "name": "X"}),
            client.get("nothing.json"),
            client.patch("forums.json"),
        ):
            error(response, 200)
    with connect(lenient, way, token="wrong") as client:
        error(client.get("forums.json"), 200)
    assert lenient.writes.total() == 0  # a refused write is no write, whatever the status


def test_the_url_is_echoed_only_when_asked(box: UserEchoSandbox, way: str) -> None:
    with connect(box, way) as client:
        plain = error(client.put("forums.json", json={"id": 42, "name": "X"}), 404)
        assert TOKEN not in plain
        assert "forums.json" not in plain
    box.echo_url_in_errors = True
    with connect(box, way) as client:
        echoed = error(client.put("forums.json", json={"id": 42, "name": "X"}), 404)
        assert f"/api/v2/forums.json?access_token={TOKEN}" in echoed
        assert echoed.split("request: ")[1].startswith("http://")
    with connect(box, way, token="wrong-one") as client:
        assert "access_token=wrong-one" in error(client.get("forums.json"), 401)


def test_the_fault_string_turns_the_switches_on_and_keeps_the_faults() -> None:
    options = parse_options("error=0.5, seed=3, echo_url_in_errors=1, errors_as_200=off")
    assert options.echo_url_in_errors
    assert not options.errors_as_200
    assert options.faults is not None
    assert (options.faults.error_rate, options.faults.seed) == (0.5, 3)
    assert parse_options("errors_as_200").faults is None
    with UserEchoSandbox(":memory:", faults="echo_url_in_errors") as box:
        assert box.echo_url_in_errors
        assert box.faults is None


@pytest.mark.parametrize("text", ["errors_as_200=maybe", "boom=1", "error=2"])
def test_the_fault_string_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(TargetError):
        parse_options(text)


def test_the_server_log_never_holds_the_token(box: UserEchoSandbox) -> None:
    lines: list[str] = []
    server = start_server(box, log=lines.append)
    try:
        with httpx.Client(base_url=f"{server.url}/api/v2/", verify=SSL) as client:
            client.get("forums.json", params={"access_token": TOKEN})
            client.get("forums.json", params={"access_token": "wrong-secret"})
            client.get("nothing.json", params={"access_token": TOKEN})
    finally:
        server.shutdown()
    assert len(lines) == 3
    assert all("forums.json" in line or "nothing.json" in line for line in lines)
    assert not [line for line in lines if TOKEN in line or "wrong-secret" in line]
