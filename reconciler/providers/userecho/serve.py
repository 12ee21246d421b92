"""``reconciler sandbox serve --provider userecho``: the UserEcho sandbox over HTTP."""

from __future__ import annotations

import click

from ...errors import ReconcilerError
from ...sandbox.serving import listen_options, serve_until_stopped
from .sandbox import DEFAULT_DB, banner, open_sandbox


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@listen_options(8766, DEFAULT_DB, "the portal")
@click.option(
    "--token",
    default=None,
    help="access_token to require (default: one made up, kept in the file and printed).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Requests a minute before 429 (0: no limit, as UserEcho documents none).",
)
@click.option(
    "--faults",
    default="",
    metavar="SPEC",
    help="Faults and switches, e.g. 'error=0.1,lose=0.05,seed=3,errors_as_200,echo_url_in_errors'.",
)
def serve(port: int, host: str, db: str, token: str | None, rate_limit: int, faults: str) -> None:
    """Run the UserEcho sandbox portal over HTTP (stop with Ctrl-C)."""
    try:
        box = open_sandbox(db, token=token, faults=faults or None, rate_limit=rate_limit)
    except ReconcilerError as error:
        raise click.ClickException(str(error)) from None

    def announce(url: str) -> None:
        for line in banner(box, url):
            click.echo(line)

    serve_until_stopped(box, box.close, host, port, announce)
