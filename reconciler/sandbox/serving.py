"""What every ``reconciler sandbox serve`` does once its sandbox is open: listen, say where,
serve until Ctrl-C or SIGTERM, then close everything."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

import click

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
