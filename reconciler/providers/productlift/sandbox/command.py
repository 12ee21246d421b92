"""``reconciler sandbox serve``: run the sandbox portal over HTTP until Ctrl-C."""

from __future__ import annotations

import secrets

import click

from ....cli.options import Number
from ....errors import ReconcilerError
from ....sandbox.faults import Faults
from ....sandbox.ratelimit import DEFAULT_LIMIT, DEFAULT_WINDOW
from ....sandbox.serving import fault_options, listen_options, serve_until_stopped
from .core import Sandbox
from .store import DEFAULT_DB


@click.group(name="sandbox")
def sandbox() -> None:
    """The local ProductLift-compatible portal."""


@sandbox.command(context_settings={"help_option_names": ["-h", "--help"]})
@listen_options(8765, DEFAULT_DB, "the portal")
@click.option(
    "--token",
    default=None,
    help="Bearer token to require (default: a random one, printed; '' for none).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Requests per window; 0 turns limiting off.",
)
@click.option(
    "--window",
    type=Number(min=0.0, min_open=True),
    default=DEFAULT_WINDOW,
    show_default=True,
    help="Rate-limit window, seconds.",
)
@fault_options
def serve(
    port: int,
    host: str,
    db: str,
    token: str | None,
    rate_limit: int,
    window: float,
    faults: Faults,
) -> None:
    """Run the sandbox portal over HTTP (stop with Ctrl-C)."""
    try:
        made_up = token is None
        token = secrets.token_urlsafe(18) if token is None else token
        box = Sandbox(
            db,
            token=token,
            rate_limit=rate_limit,
            window=window,
            faults=faults if faults.in_use else None,
        )
    except ReconcilerError as error:
        raise click.ClickException(str(error)) from None
    shown_token = token if made_up else None
    serve_until_stopped(
        box,
        box.close,
        host,
        port,
        lambda url: _announce(url, shown_token, bool(token), db, faults, window),
    )


def _announce(
    url: str, made_up: str | None, required: bool, db: str, faults: Faults, window: float
) -> None:
    """Show a token only when serve made it up: one given with --token is never echoed."""
    if made_up:
        shown = f"token: {made_up}"
    elif required:
        shown = "token: the one given with --token (set PRODUCTLIFT_TOKEN to it)"
    else:
        shown = "no token required"
    click.echo(f"Sandbox portal at {url} ({shown})")
    click.echo(f"Database: {db}")
    if faults.in_use:
        click.echo(f"Injecting faults: {faults}")
    # a line to paste as it is: the token only when serve made it up (never echo a given one)
    exports = f"export PRODUCTLIFT_URL={url}"
    if made_up:
        exports += f" PRODUCTLIFT_TOKEN={made_up}"
    if window != DEFAULT_WINDOW:  # the client paces from it instead of learning it from a 429
        exports += f" RECONCILER_RATE_WINDOW={window:g}"
    click.echo(exports)
    click.echo("Press Ctrl-C to stop.")
