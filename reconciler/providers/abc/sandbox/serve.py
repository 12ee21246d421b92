"""What ``reconciler sandbox serve --provider abc`` needs: open the sandbox, say how to reach it.

The CLI lead wires it as::

    box = open_sandbox(db, api_key=opt_api_key, password=opt_password, faults=faults)
    server = reconciler.sandbox.server.make_server(box, host, port, log)
    for line in banner(box, server.url):
        click.echo(line)

A key or password given on the command line is never printed back (its variable is left out
of the ``export`` line); one the sandbox made up is printed, and lasts as long as this run
(the file keeps only hashes: a restart makes up new ones).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ....sandbox.faults import Faults
from .core import AbcSandbox


def open_sandbox(
    db: str | Path,
    *,
    api_key: str | None = None,
    password: str | None = None,
    faults: Faults | None = None,
) -> AbcSandbox:
    """The sandbox in ``db`` (created and seeded if new); faults only when some are active."""
    active = faults if faults is not None and faults.in_use else None
    return AbcSandbox(db, api_key=api_key or None, password=password or None, faults=active)


def banner(box: AbcSandbox, url: str) -> list[str]:
    """The lines ``serve`` prints: where it runs, the file, and an ``export`` line to paste."""
    found = box.credentials(url)
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in found.items())
    lines = [f"ABC User Feedback sandbox at {url} (project 1)", f"Database: {box.path}"]
    if box.faults is not None:
        lines.append(f"Injecting faults: {box.faults}")
    return [*lines, f"export {exports}", "Press Ctrl-C to stop."]
