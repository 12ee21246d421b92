"""Sessions: lazy sign-in, refresh before expiry and on 401, sign-in again when refresh fails."""

from __future__ import annotations

import base64
import json
import logging
import traceback

import httpx
import pytest

from reconciler.errors import ApiError
from reconciler.http import (
    Client,
    Dialect,
    HeaderKey,
    Session,
    Tokens,
    jwt_lifetime,
    jwt_session,
    nest_message,
)

from .conftest import FakeClock, MakeClient

EMAIL, PASSWORD, KEY = "admin@example.com", "pa55-W0rd-s3cret", "abc-key-0001"


def jwt(n: int, iat: float, life: float) -> str:
    def part(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part({'n': n, 'iat': iat, 'exp': iat + life})}.c2ln"


class AdminServer:
    """ABC's admin auth on a fake clock: 10-minute access tokens, refresh by Bearer."""

    def __init__(self, clock: FakeClock, life: float = 600.0) -> None:
        self.clock, self.life = clock, life
        self.issued = 0
        self.valid: dict[str, float] = {}  # access token → expiry
        self.refresh_ok = True
        self.log: list[str] = []

    def pair(self) -> dict[str, str]:
        self.issued += 1
        access = jwt(self.issued, 1_700_000_000 + self.clock.now, self.life)
        self.valid[access] = self.clock.now + self.life
        return {"accessToken": access, "refreshToken": f"refresh-{self.issued}-xyzzy"}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/")
        self.log.append(path)
        if path == "admin/auth/signIn/email":
            body = json.loads(request.content)
            if body != {"email": EMAIL, "password": PASSWORD}:
                return httpx.Response(404, json={"code": "PasswordNotMatch", "statusCode": 404})
            return httpx.Response(201, json=self.pair())
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if path == "admin/auth/refresh":
            if not self.refresh_ok or not bearer.startswith("refresh-"):
                return httpx.Response(401, json={"message": "Unauthorized", "statusCode": 401})
            return httpx.Response(200, json=self.pair())
        if request.headers.get("x-api-key") != KEY:
            return httpx.Response(403, json={"message": "Forbidden", "statusCode": 403})
        if self.valid.get(bearer, -1.0) <= self.clock.now:
            return httpx.Response(401, json={"message": "Invalid jwt", "statusCode": 401})
        return httpx.Response(200, json={"items": [], "token": int(bearer.split(".")[1] != "")})


@pytest.fixture
def server(clock: FakeClock) -> AdminServer:
    return AdminServer(clock)


def admin_client(
    make: MakeClient, server: AdminServer, **session: object
) -> tuple[Client, Session]:
    key = HeaderKey("x-api-key", KEY)
    creds = {"email": EMAIL, "password": session.pop("password", PASSWORD)}
    admin = jwt_session("admin/auth/signIn/email", creds, "admin/auth/refresh", **session)  # type: ignore[arg-type]
    abc = Dialect(hints={401: "check ABC_EMAIL and ABC_PASSWORD"}, error_message=nest_message)
    return make(server, auth=key + admin, api_prefix="/api", dialect=abc), admin


def test_the_session_signs_in_on_first_use_only(make: MakeClient, server: AdminServer) -> None:
    client, session = admin_client(make, server)
    assert server.log == []  # nothing until a request needs it
    client.get("admin/projects/1/channels")
    client.get("admin/projects/1/webhooks")
    assert server.log == [
        "admin/auth/signIn/email",
        "admin/projects/1/channels",
        "admin/projects/1/webhooks",
    ]
    assert (session.sign_ins, session.refreshes) == (1, 0)


def test_a_token_near_its_expiry_is_refreshed_before_use(
    make: MakeClient, server: AdminServer, clock: FakeClock
) -> None:
    client, session = admin_client(make, server)
    client.get("admin/projects/1/channels")
    clock.now += 590  # 10 s left of 600: inside the 30 s margin
    client.get("admin/projects/1/channels")
    assert server.log[-2:] == ["admin/auth/refresh", "admin/projects/1/channels"]
    assert "Invalid jwt" not in str(server.log)
    assert (session.sign_ins, session.refreshes) == (1, 1)


def test_a_401_refreshes_and_repeats_the_request_once(
    make: MakeClient, server: AdminServer, clock: FakeClock
) -> None:
    client, session = admin_client(make, server)
    client.get("admin/projects/1/channels")
    server.valid.clear()  # the server forgot every token (restart, revocation)
    assert client.get("admin/projects/1/channels")["items"] == []
    assert server.log[-3:] == [
        "admin/projects/1/channels",
        "admin/auth/refresh",
        "admin/projects/1/channels",
    ]
    assert session.refreshes == 1


def test_a_failed_refresh_signs_in_again(make: MakeClient, server: AdminServer) -> None:
    client, session = admin_client(make, server)
    client.get("admin/projects/1/channels")
    server.valid.clear()
    server.refresh_ok = False
    client.get("admin/projects/1/channels")
    assert server.log[-3:] == ["admin/auth/refresh", "admin/auth/signIn/email", server.log[-1]]
    assert session.sign_ins == 2


def test_a_401_that_persists_is_an_error_after_one_repeat(
    make: MakeClient, server: AdminServer
) -> None:
    client, _ = admin_client(make, server)
    client.get("admin/projects/1/channels")
    server.life = 0.0  # every new token is already expired
    server.valid.clear()
    with pytest.raises(ApiError) as caught:
        client.get("admin/projects/1/channels")
    assert caught.value.status == 401
    assert str(caught.value) == "GET /api/admin/projects/1/channels → 401: Invalid jwt"
    assert server.log.count("admin/projects/1/channels") == 3  # the first, the failed, one repeat


def test_a_wrong_password_fails_naming_the_sign_in_and_never_shows_the_password(
    make: MakeClient, server: AdminServer, caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = admin_client(make, server, password="wr0ng-Passw0rd")
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, logger="reconciler.http"),
        pytest.raises(ApiError) as caught,
    ):
        client.get("admin/projects/1/channels")
    assert str(caught.value) == "POST /api/admin/auth/signIn/email → 404: PasswordNotMatch"
    assert "admin/auth/signIn/email (no auth; body {email, password})" in caplog.text
    texts = [caplog.text, str(caught.value), *traceback.format_exception(caught.value)]
    assert not [t for t in texts if "wr0ng-Passw0rd" in t]


def test_every_token_ever_held_is_masked(make: MakeClient, server: AdminServer) -> None:
    client, session = admin_client(make, server)
    client.get("admin/projects/1/channels")
    server.valid.clear()
    client.get("admin/projects/1/channels")
    held = [*server.valid, "refresh-1-xyzzy", "refresh-2-xyzzy", PASSWORD]
    leaked = f"{held} {held[0][:-4]}"
    assert client.scrub(leaked).count("***") == len(held)
    assert repr(session) == "Session(signed in)"
    assert not [h for h in held if h in str(vars(session)) + repr(client)]


def test_a_sign_in_that_uses_the_session_itself_is_refused(make: MakeClient) -> None:
    holder: list[Session] = []

    def sign_in(client: Client) -> Tokens:
        return Tokens(client.get("login", auth=holder[0])["token"])

    holder.append(Session(sign_in))  # type: ignore[arg-type]
    client = make(lambda r: httpx.Response(200, json={"token": "t0k3n-abcd"}), auth=holder[0])
    with pytest.raises(RuntimeError, match="must not use the session itself"):
        client.get("x")


def test_an_explicit_lifetime_wins_over_the_jwt(make: MakeClient, clock: FakeClock) -> None:
    answers = iter(["first-token", "second-token"])
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        return httpx.Response(200, json={})

    session = Session(lambda client: Tokens(next(answers), lifetime=60.0), margin=5.0)
    client = make(handler, auth=session)
    client.get("a")
    clock.now += 56
    client.get("b")
    assert seen == ["Bearer first-token", "Bearer second-token"]


@pytest.mark.parametrize(
    ("token", "life"),
    [
        (jwt(1, 1_700_000_000, 600), 600.0),
        ("not-a-jwt", None),
        ("a.!!!.c", None),
        ("a." + base64.urlsafe_b64encode(b'{"exp": "soon"}').decode() + ".c", None),
    ],
)
def test_jwt_lifetime_is_read_without_verifying(token: str, life: float | None) -> None:
    assert jwt_lifetime(token) == life


def test_a_jwt_without_iat_is_measured_against_the_wall_clock() -> None:
    token = jwt(1, 0, 0).split(".")
    payload = base64.urlsafe_b64encode(json.dumps({"exp": 1000}).encode()).decode()
    assert jwt_lifetime(f"{token[0]}.{payload}.x", wall=lambda: 400.0) == 600.0


def test_the_session_is_shared_safely_across_threads(make: MakeClient, server: AdminServer) -> None:
    from functools import partial

    from reconciler.http import fetch_all

    client, session = admin_client(make, server)
    paths = [f"admin/projects/1/channels/{n}" for n in range(16)]
    fetch_all([partial(client.get, p) for p in paths], parallel=8)
    assert session.sign_ins == 1
    assert server.log.count("admin/auth/signIn/email") == 1
