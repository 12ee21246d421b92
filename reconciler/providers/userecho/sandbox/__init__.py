"""The UserEcho sandbox: a local, persistent (SQLite) UserEcho API v2 (``provider: userecho``).

    from reconciler.providers.userecho.sandbox import UserEchoSandbox
    box = UserEchoSandbox(":memory:", token="t")     # default file: DEFAULT_DB
    client = httpx.Client(base_url="http://sandbox.local/api/v2/", transport=box.transport())
    client.get("forums.json", params={"access_token": "t"})

or over HTTP: ``start_server(box).url`` (``serving``). Modules: ``core`` (handle: rate limit,
faults, token, envelope, counters), ``routes`` (the command table, input), ``forums``,
``children`` (categories, tags, access lists), ``people`` (users, groups, membership),
``hooks``, ``listing`` (filters, paging), ``errors``, ``store`` (SQLite, seed),
``options`` (the fault string and its switches), ``serving`` (HTTP).
"""

from __future__ import annotations

from .core import TOKEN_VARIABLE, URL_VARIABLE, UserEchoSandbox
from .options import Options, parse_options
from .serving import banner, make_server, open_sandbox, start_server
from .store import DEFAULT_DB, MEMORY

__all__ = [
    "DEFAULT_DB",
    "MEMORY",
    "TOKEN_VARIABLE",
    "URL_VARIABLE",
    "Options",
    "UserEchoSandbox",
    "banner",
    "make_server",
    "open_sandbox",
    "parse_options",
    "start_server",
]
