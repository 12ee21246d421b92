"""``reconciler sandbox serve --provider abc``: a local ABC User Feedback server until Ctrl-C."""

from __future__ import annotations

import click

from ...errors import ReconcilerError
from ...sandbox.faults import Faults
from ...sandbox.serving import serve_until_stopped
from .sandbox import DEFAULT_DB
from .sandbox.serve import banner, open_sandbox

_RATE = click.FloatRange(0.0, 1.0)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8766, show_default=True,
    help="Port to listen on (0: any free port).",
)  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--db", type=click.Path(dir_okay=False), default=str(DEFAULT_DB), show_default=True,
    help="SQLite file holding the server's data (or :memory:).",
)  # fmt: skip
@click.option("--api-key", default=None, help="Project 1's API key (default: made up, printed).")
@click.option("--password", default=None, help="The admin's password (default: made up, printed).")
@click.option("--fail-rate", type=_RATE, default=0.0, help="Share of requests answered 5xx.")
@click.option("--lose-rate", type=_RATE, default=0.0, help="Share of writes whose answer is lost.")
@click.option("--reset-rate", type=_RATE, default=0.0, help="Share of connections reset.")
@click.option("--timeout-rate", type=_RATE, default=0.0, help="Share of requests left hanging.")
@click.option(
    "--timeout-delay", type=click.FloatRange(min=0.0), default=10.0, show_default=True,
    help="How long a timed-out request hangs, seconds.",
)  # fmt: skip
@click.option("--seed", type=int, default=None, help="Seed for the fault draws (repeatable).")
@click.option("-v", "--verbose", is_flag=True, expose_value=False, help="Accepted; serve logs.")
def serve(
    port: int,
    host: str,
    db: str,
    api_key: str | None,
    password: str | None,
    fail_rate: float,
    lose_rate: float,
    reset_rate: float,
    timeout_rate: float,
    timeout_delay: float,
    seed: int | None,
) -> None:
    """Run a local ABC User Feedback server over HTTP (stop with Ctrl-C).

    It prints the ABC_URL, ABC_API_KEY, ABC_EMAIL and ABC_PASSWORD to export (a key or
    password given here is never printed back).
    """
    try:
        faults = Faults(
            error_rate=fail_rate, lose_rate=lose_rate, reset_rate=reset_rate,
            timeout_rate=timeout_rate, seed=seed, timeout_delay=timeout_delay,
        )  # fmt: skip
        box = open_sandbox(db, api_key=api_key, password=password, faults=faults)
    except ReconcilerError as error:
        raise click.ClickException(str(error)) from None

    def announce(url: str) -> None:
        for line in banner(box, url):
            click.echo(line)

    serve_until_stopped(box, box.close, host, port, announce, stopped="Sandbox stopped.")
