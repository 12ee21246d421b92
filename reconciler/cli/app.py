"""The group, the options every command shares, and ``main``: outcomes → exit codes.

Every error is a ReconcilerError rendered as one line (plus a hint) with exit code 1;
tracebacks only with ``--verbose``.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import __version__
from ..errors import EXIT_ERROR, ReconcilerError, SpecError
from .options import Number

if TYPE_CHECKING:
    from rich.console import Console

    from ..connect import Target
    from ..loader import LoadedSpec
    from ..providers import Portal

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "markdown", "github")
_verbose = False
_handler: logging.Handler | None = None


class _LogFormat(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return f"Warning: {text}" if record.levelno >= logging.WARNING else text


def _set_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Log to stderr: retries and long waits always; with --verbose, each HTTP request."""
    global _verbose, _handler
    _verbose = value
    log = logging.getLogger("reconciler")
    if _handler is not None:
        log.removeHandler(_handler)
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(_LogFormat("%(message)s"))
    log.addHandler(_handler)
    # with --verbose, each request and (at DEBUG) its shape: path, auth kind, body keys
    log.setLevel(logging.DEBUG if value else logging.WARNING)
    return value


def _no_color(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        os.environ["NO_COLOR"] = "1"  # rich and click both honour it
    return value


def verbose_option(f: F) -> F:
    """``-v/--verbose`` and ``--no-color``, which every command takes."""
    f = click.option(
        "--no-color",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_no_color,
        help="No colour (as NO_COLOR=1 does).",
    )(f)
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_verbose,
        help="More on stderr: each HTTP request and its shape (where one is sent); tracebacks.",
    )(f)


def _deadline(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
    """Keep a connection setting for connection_env() (never written into os.environ)."""
    if value is not None:
        ctx.meta[f"reconciler.{param.name}"] = value


def url_option(f: F) -> F:
    """``--url`` and the deadlines: what every command that talks to a portal takes."""
    for name, help_text in (
        (
            "--run-deadline",
            "Seconds the whole run may take; past it, one line naming the request "
            "(or RECONCILER_RUN_DEADLINE).",
        ),
        (
            "--deadline",
            "Seconds each request may take in all, however slowly it answers "
            "(or RECONCILER_DEADLINE; default 60).",
        ),
    ):
        f = click.option(
            name,
            type=Number(0, min_open=True),
            metavar="SECONDS",
            expose_value=False,
            callback=_deadline,
            help=help_text,
        )(f)
    f = click.option(
        "--parallel",
        type=click.IntRange(1, 64),
        metavar="N",
        expose_value=False,
        callback=_deadline,
        help="Reads in flight at once, within the rate-limit budget (default 8).",
    )(f)
    return click.option(
        "--url",
        metavar="URL",
        help="Portal URL (or sandbox:[PATH]); overrides the provider's URL variable "
        "and portal.url.",
    )(f)


def connection_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a portal connection reads, with --deadline, --run-deadline and
    --parallel."""
    env = dict(os.environ if base is None else base)
    ctx = click.get_current_context(silent=True)
    for key, name in (
        ("deadline", "RECONCILER_DEADLINE"),
        ("run_deadline", "RECONCILER_RUN_DEADLINE"),
        ("parallel", "RECONCILER_PARALLEL"),
    ):
        value = ctx.meta.get(f"reconciler.{key}") if ctx is not None else None
        if value is not None:
            env[name] = str(value)
    return env


def spec_argument(f: F) -> F:
    return click.argument("spec", default="portal.yaml", type=click.Path(dir_okay=False))(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="reconciler")
def cli() -> None:
    """Configuration as code for customer-feedback portals.

    Keep the portal's configuration (categories, statuses, tags, sections, groups and
    members; forums; channels and fields; webhooks) in a YAML spec whose `provider:` names
    the product; `plan` shows what differs, `apply` makes the portal match.

    \b
    Target: --url > the provider's URL variable > the spec's portal.url > the local sandbox.
    Credentials: the provider's variables (README, "Providers").
    Exit codes: 0 success, 1 error, 2 changes present (plan --detailed-exitcode).
    """


def console(*, stderr: bool = False) -> Console:
    """Where plans are printed: styled on a terminal; with NO_COLOR (or --no-color) no escape
    code at all, bold and dim included, as Terraform's -no-color (rich keeps those)."""
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr, soft_wrap=True, highlight=False, color_system=None if plain else "auto"
    )


def load(path: str, fmt: str = "text") -> LoadedSpec:
    from ..loader import load_spec

    try:
        return load_spec(path)
    except SpecError as error:
        if fmt == "github":
            from ..render import render_problems_github

            click.echo(render_problems_github(error.problems), nl=False)
        raise


@contextmanager
def portal_for(
    loaded: LoadedSpec | None,
    url: str | None,
    fmt: str,
    name: str | None = None,
    target: Target | None = None,
) -> Iterator[Portal]:
    """A connection to ``target`` (else :func:`target_of`), announced, closed on exit."""
    from ..connect import open_provider
    from ..providers import DEFAULT, get

    product = loaded.product if loaded is not None else get(name or DEFAULT)
    target = target_of(loaded, url, product) if target is None else target
    announce(target, fmt)
    provider = open_provider(
        target, connection_env(), product=product, spec=loaded.spec if loaded else None
    )
    try:
        yield provider
    finally:
        provider.close()


def target_of(
    loaded: LoadedSpec | None, url: str | None, product: Any = None, saved: str | None = None
) -> Target:
    """The portal this run talks to (:func:`reconciler.connect.resolve_target`)."""
    from ..connect import resolve_target

    portal = getattr(loaded.spec, "portal", None) if loaded is not None else None
    product = loaded.product if product is None and loaded is not None else product
    return resolve_target(url, getattr(portal, "url", None), product=product, saved=saved)


def announce(target: Target, fmt: str) -> None:
    """Name the target on stderr (stdout may hold a document); the text plan names it in
    its first line, so there only why the local sandbox was chosen is said."""
    if fmt != "text":
        click.echo(target.banner(), err=True)
    elif target.implicit:
        click.echo(f"({target.why_sandbox()})", err=True)


_SECRET_NAME = re.compile(r"(TOKEN|API_KEY|APIKEY|PASSWORD|SECRET)$")


def _scrub(text: str) -> str:
    """Every secret the environment holds (a provider's credential variables), masked."""
    for name, value in os.environ.items():
        if value and len(value) >= 4 and _SECRET_NAME.search(name.upper()):
            text = text.replace(value, "***")
    return text


def _fail(error: BaseException, message: str, hint: str | None) -> None:
    if _verbose:
        import traceback

        click.echo(_scrub("".join(traceback.format_exception(error))), err=True)
    click.secho(f"Error: {_scrub(message)}", fg="red", err=True)
    if hint:
        click.echo(f"Hint: {_scrub(hint)}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the CLI and turn every outcome into an exit code."""
    gc.set_threshold(50_000, 50, 100)  # a short-lived process: collect garbage less often
    try:
        code = cli.main(args=argv, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted: nothing more was changed.", err=True)
        code = EXIT_ERROR
    except click.ClickException as error:
        error.show()
        code = EXIT_ERROR
    except SpecError as error:  # one FILE:LINE:COL line per problem, then what it means
        for problem in error.problems:
            click.echo(_scrub(str(problem)), err=True)
        count = len(error.problems)
        message = f"{count} problem{'s' * (count != 1)} in the spec; no request was sent"
        _fail(error, message, error.extra_hint)
        code = error.exit_code
    except ReconcilerError as error:
        for problem in getattr(error, "problems", ()):  # a plan error located in the spec
            click.echo(_scrub(str(problem)), err=True)
        _fail(error, error.message, error.hint)
        code = error.exit_code
    except KeyboardInterrupt as error:
        _fail(error, "interrupted", "`reconciler plan` shows what is left to do")
        code = EXIT_ERROR
    sys.exit(code if isinstance(code, int) else 0)
