"""``reconciler sandbox serve --provider abc``: a local ABC User Feedback server until Ctrl-C."""

from __future__ import annotations

import click

from ...errors import ReconcilerError
from ...sandbox.faults import Faults
from ...sandbox.serving import fault_options, listen_options, serve_until_stopped
from .sandbox import DEFAULT_DB
from .sandbox.serve import banner, open_sandbox


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@listen_options(8766, DEFAULT_DB, "the server's data")
@click.option("--api-key", default=None, help="Project 1's API key (default: made up, printed).")
@click.option("--password", default=None, help="The admin's password (default: made up, printed).")
@fault_options
def serve(
    port: int,
    host: str,
    db: str,
    api_key: str | None,
    password: str | None,
    faults: Faults,
) -> None:
    """Run a local ABC User Feedback server over HTTP (stop with Ctrl-C).

    It prints the ABC_URL, ABC_API_KEY, ABC_EMAIL and ABC_PASSWORD to export (a key or
    password given here is never printed back).
    """
    try:
        box = open_sandbox(db, api_key=api_key, password=password, faults=faults)
    except ReconcilerError as error:
        raise click.ClickException(str(error)) from None

    def announce(url: str) -> None:
        for line in banner(box, url):
            click.echo(line)

    serve_until_stopped(box, box.close, host, port, announce, stopped="Sandbox stopped.")
