"""What ``reconciler sandbox serve --provider userecho`` needs: open, serve, say how to reach it.

The CLI lead wires it as::

    box = open_sandbox(db, token=opt_token, faults=opt_faults, rate_limit=opt_rate_limit)
    server = make_server(box, host, port, log)      # or reconciler.sandbox.server.make_server
    for line in banner(box, server.url):
        click.echo(line)

A token given on the command line is never printed back (``USERECHO_TOKEN`` is left out of the
``export`` line); one the sandbox made up is printed, and stays the same for that file. The
generic server (``reconciler.sandbox.server``) serves any ``Answering`` sandbox, this one
included; ``make_server``/``start_server`` here are the same, typed for this sandbox.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ....sandbox import server as generic
from ....sandbox.faults import Faults
from .core import UserEchoSandbox


def open_sandbox(
    db: str | Path,
    *,
    token: str | None = None,
    faults: Faults | str | None = None,
    rate_limit: int | None = None,
) -> UserEchoSandbox:
    """The sandbox in ``db`` (created and seeded if new). ``faults``: a ``Faults`` (kept only
    when some fault is active) or a fault string, which may also name the switches
    ``errors_as_200`` and ``echo_url_in_errors``. ``rate_limit``: requests a minute (0 or
    None: off)."""
    if isinstance(faults, Faults) and not faults.in_use:
        faults = None
    return UserEchoSandbox(db, token=token or None, faults=faults, rate_limit=rate_limit or None)


def banner(box: UserEchoSandbox, url: str) -> list[str]:
    """The lines ``serve`` prints: where it runs, the file, and an ``export`` line to paste."""
    found = box.credentials(url)
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in found.items())
    lines = [f"UserEcho sandbox at {url} (API under {url}/api/v2/)", f"Database: {box.path}"]
    if box.faults is not None:
        lines.append(f"Injecting faults: {box.faults}")
    switches = [s for s in ("errors_as_200", "echo_url_in_errors") if getattr(box, s)]
    if switches:
        lines.append(f"Switches on: {', '.join(switches)}")
    return [*lines, f"export {exports}", "Press Ctrl-C to stop."]


def make_server(
    box: UserEchoSandbox, host: str = "127.0.0.1", port: int = 0, log: generic.Log | None = None
) -> generic.SandboxHTTPServer:
    """A bound, not yet serving, server for ``box`` (port 0: a free one; see ``.url``)."""
    return generic.make_server(box, host, port, log)


def start_server(
    box: UserEchoSandbox, host: str = "127.0.0.1", port: int = 0, log: generic.Log | None = None
) -> generic.RunningServer:
    """Serve ``box`` over HTTP in a background thread (``.url``, ``.shutdown()``)."""
    return generic.start_server(box, host, port, log)
