"""What every ``reconciler sandbox serve`` does once its sandbox is open: listen, say where,
serve until Ctrl-C or SIGTERM, then close everything."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import click

from ..cli.options import Number
from ..errors import ReconcilerError
from .faults import Faults
from .reply import Answering
from .server import make_server


def _log(line: str) -> None:
    click.echo(line, err=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve_until_stopped(
    box: Answering,
    close: Callable[[], None],
    host: str,
    port: int,
    announce: Callable[[str], None],
    stopped: str = "Sandbox portal stopped.",
) -> None:
    """Serve ``box`` on ``host:port`` (``announce`` gets the URL) until Ctrl-C or SIGTERM;
    ``close`` closes the sandbox however the server ends."""
    try:
        server = make_server(box, host, port, log=_log)
    except OSError as error:
        close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    announce(server.url)
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C and SIGTERM stop the server, even when started in the background by a
        # shell that set SIGINT to be ignored (a user who sends it means it)
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        close()
        click.echo(stopped, err=True)


F = TypeVar("F", bound=Callable[..., Any])
_RATE = Number(0.0, 1.0)


def listen_options(port: int, db: Path, holds: str) -> Callable[[F], F]:
    """``--port`` (default ``port``), ``--host``, ``--db`` (default ``db``, the SQLite file
    holding ``holds``), and ``-v`` (accepted: serve always logs)."""

    def add(f: F) -> F:
        for option in reversed(
            (
                click.option(
                    "--port", type=click.IntRange(0, 65535), default=port, show_default=True,
                    help="Port to listen on (0: any free port).",
                ),
                click.option(
                    "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
                ),
                click.option(
                    "--db", type=click.Path(dir_okay=False), default=str(db), show_default=True,
                    help=f"SQLite file holding {holds} (or :memory:).",
                ),
                click.option(
                    "-v", "--verbose", is_flag=True, expose_value=False,
                    help="Log each request to stderr (serve always does; accepted like on "
                    "every command).",
                ),
            )
        ):  # fmt: skip
            f = option(f)
        return f

    return add


def fault_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The faults a sandbox injects, given to the command as one ``faults``
    (:class:`~.faults.Faults`); options that do not add up are a usage error."""

    @functools.wraps(f)
    def with_faults(
        *args: Any,
        fail_rate: float,
        lose_rate: float,
        reset_rate: float,
        timeout_rate: float,
        timeout_delay: float,
        latency: float,
        seed: int | None,
        **kwargs: Any,
    ) -> Any:
        try:
            faults = Faults(
                error_rate=fail_rate, lose_rate=lose_rate, reset_rate=reset_rate,
                timeout_rate=timeout_rate, seed=seed, timeout_delay=timeout_delay,
                latency=latency,
            )  # fmt: skip
        except ReconcilerError as error:
            raise click.ClickException(str(error)) from None
        return f(*args, faults=faults, **kwargs)

    command: Callable[..., Any] = with_faults
    for option in reversed(
        (
            click.option(
                "--fail-rate", type=_RATE, default=0.0, help="Share of requests answered 5xx."
            ),
            click.option(
                "--lose-rate", type=_RATE, default=0.0,
                help="Share of writes performed whose answer is lost.",
            ),
            click.option(
                "--reset-rate", type=_RATE, default=0.0,
                help="Share of requests whose connection is reset before acting.",
            ),
            click.option(
                "--timeout-rate", type=_RATE, default=0.0,
                help="Share of requests left unanswered (writes performed half of the time).",
            ),
            click.option(
                "--timeout-delay", type=Number(min=0.0), default=10.0,
                show_default=True, help="How long a timed-out request hangs, seconds.",
            ),
            click.option(
                "--latency", type=Number(0.0, 60.0), default=0.0,
                help="Seconds every answer takes (a portal far away), e.g. 0.1.",
            ),
            click.option(
                "--seed", type=int, default=None, help="Seed for the fault draws (repeatable)."
            ),
        )
    ):  # fmt: skip
        command = option(command)
    return command
