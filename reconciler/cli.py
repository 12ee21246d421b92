"""The command line: the only module that prints, prompts or exits.

Heavy modules (pydantic, httpx, deepdiff, rich) are imported inside the commands that use
them, so ``reconciler --help`` stays fast. Every error is a ReconcilerError rendered as one
line (plus a hint) with exit code 1; tracebacks only with ``--verbose``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import EXIT_CHANGES, EXIT_ERROR, Aborted, ReconcilerError, SpecError

if TYPE_CHECKING:
    from rich.console import Console

    from .connect import Target
    from .loader import LoadedSpec
    from .plan import Plan
    from .providers import Portal

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


def verbose_option(f: F) -> F:
    return click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_verbose,
        help="Log each HTTP request (and its shape) to stderr; show tracebacks.",
    )(f)


def url_option(f: F) -> F:
    return click.option(
        "--url",
        metavar="URL",
        help="Portal URL (or sandbox:[PATH]); overrides the provider's URL variable "
        "and portal.url.",
    )(f)


def spec_argument(f: F) -> F:
    return click.argument("spec", default="portal.yaml", type=click.Path(dir_okay=False))(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
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


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True, highlight=False)


def _load(path: str, fmt: str = "text") -> LoadedSpec:
    from .errors import SpecError
    from .loader import load_spec

    try:
        return load_spec(path)
    except SpecError as error:
        if fmt == "github":
            from .render import render_problems_github

            click.echo(render_problems_github(error.problems), nl=False)
        raise


@contextmanager
def _provider(
    loaded: LoadedSpec | None, url: str | None, fmt: str, name: str | None = None
) -> Iterator[Portal]:
    from .connect import open_provider, resolve_target
    from .providers import DEFAULT, get

    product = loaded.product if loaded is not None else get(name or DEFAULT)
    portal = getattr(loaded.spec, "portal", None) if loaded is not None else None
    spec_url = getattr(portal, "url", None)
    target = resolve_target(url, spec_url, product=product)
    _announce(target, fmt)
    provider = open_provider(target, product=product, spec=loaded.spec if loaded else None)
    try:
        yield provider
    finally:
        provider.close()


def _announce(target: Target, fmt: str) -> None:
    """Name the target: on stderr, since stdout may hold a document."""
    if fmt != "text" or target.implicit:
        click.echo(target.banner(), err=True)


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text")
@verbose_option
def validate(specs: tuple[str, ...], fmt: str) -> None:
    """Load and check specs offline (default ./portal.yaml); no request is sent."""
    from .errors import SpecError
    from .loader import summarize

    problems = []
    for spec in specs or ("portal.yaml",):
        try:
            loaded = _load(spec, fmt)
        except SpecError as error:
            problems.extend(error.problems)
            continue
        counts = ", ".join(f"{n} {kind}" for kind, n in summarize(loaded).items())
        message = f"{spec}: valid ({counts})"
        click.echo(f"::notice file={spec}::{message}" if fmt == "github" else message)
    if problems:
        raise SpecError(problems)


@cli.command()
@spec_argument
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Also save the plan as JSON.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes (drift).")
@url_option
@verbose_option
def plan(spec: str, fmt: str, out: str | None, detailed_exitcode: bool, url: str | None) -> None:
    """Read the portal and print the ordered plan."""
    from .engine import build_plan

    loaded = _load(spec, fmt)
    with _provider(loaded, url, fmt) as provider:
        result = build_plan(loaded.spec, provider)
    if out:
        _save_plan(result, out)
    _print_plan(result, fmt, loaded)
    if detailed_exitcode and result.has_changes:
        sys.exit(EXIT_CHANGES)


def _save_plan(result: Plan, out: str) -> None:
    from .render import render_json

    Path(out).write_text(render_json(result), encoding="utf-8")


def _print_plan(result: Plan, fmt: str, loaded: LoadedSpec) -> None:
    from . import render

    if fmt == "json":
        click.echo(render.render_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(render.render_markdown(result), nl=False)
    elif fmt == "github":
        click.echo(render.render_github(result, loaded.where, loaded.path), nl=False)
    else:
        _console().print(render.render_text(result))


@cli.command()
@spec_argument
@click.option(
    "--plan", "plan_file", type=click.Path(dir_okay=False, exists=True), help="A saved plan."
)
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option(
    "--delete-threshold",
    type=click.FloatRange(0, 100),
    default=25.0,
    show_default=True,
    metavar="PCT",
    help="Refuse plans deleting more than PCT% of any kind that has at least 4.",
)
@url_option
@verbose_option
def apply(
    spec: str, plan_file: str | None, auto_approve: bool, delete_threshold: float, url: str | None
) -> None:
    """Plan (or check a saved plan), confirm, and apply."""
    from .engine import build_plan, check_saved_plan, load_saved_plan
    from .plan import check_delete_threshold
    from .render import render_text

    interactive = sys.stdin.isatty()
    if not auto_approve and not interactive:
        raise ReconcilerError(
            "apply needs confirmation, and there is no terminal to ask on",
            hint="pass --auto-approve to apply without asking",
        )
    saved = _read_saved(plan_file) if plan_file else None
    loaded = _load(spec)
    with _provider(loaded, url, "text") as provider:
        result = build_plan(loaded.spec, provider)
        if saved is not None and plan_file:
            check_saved_plan(load_saved_plan(saved, plan_file), result, plan_file)
        out = _console()
        out.print(render_text(result))
        if not result.has_changes:
            return
        check_delete_threshold(result, delete_threshold)
        if not auto_approve:
            _confirm(result)
        _run_apply(result, provider, out)


def _read_saved(path: str) -> Any:
    from .errors import StalePlanError

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StalePlanError(f"{path}: cannot read the saved plan: {error}") from None


def _confirm(result: Plan) -> None:
    click.echo(f"\nDo you want to apply these changes to {result.target}?")
    answer = click.prompt("Only 'yes' will be accepted", default="", show_default=False)
    if answer.strip() != "yes":
        raise Aborted("apply cancelled: nothing was changed")


def _run_apply(result: Plan, provider: Portal, out: Console) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .engine import Applied, apply_plan
    from .render import change_line

    stop = {"asked": False}

    def interrupt(signum: int, frame: object) -> None:
        if stop["asked"]:
            raise KeyboardInterrupt
        stop["asked"] = True
        click.echo("\nInterrupted: finishing the write in flight, then stopping…", err=True)

    total = len(result.changes)
    err = _console(stderr=True)
    progress = Progress(
        TextColumn("Applying"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=total <= 3 or not err.is_terminal,
    )

    def applied(index: int, done: Applied) -> None:
        line = change_line(done.change)
        outcome = f" {done.change.action.value}d" + (f" (id {done.id})" if done.id else "")
        line.append(outcome, style="dim")
        progress.console.print(line) if not progress.disable else out.print(line)
        progress.advance(task)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        with progress:
            task = progress.add_task("apply", total=total)
            apply_plan(result, provider, on_applied=applied, should_stop=lambda: stop["asked"])
    finally:
        signal.signal(signal.SIGINT, previous)
    summary = ", ".join(f"{n} {action}d" for action, n in result.summary().items())
    out.print(f"\nApply complete: {summary}.")


@cli.command()
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write the spec here (default: stdout)."
)
@click.option(
    "--provider",
    "provider_name",
    default=None,
    help="The product the portal runs (default: the default provider).",
)
@url_option
@verbose_option
def export(out: str | None, provider_name: str | None, url: str | None) -> None:
    """Write the live portal as a spec; `plan` on it shows no changes."""
    from .export import dump_spec
    from .state import Desired

    with _provider(None, url, "json", provider_name) as provider:
        live = provider.read(Desired(everything=True))
        sandbox = provider.target.startswith("sandbox:")
        doc = provider.product.export(live, None if sandbox or url else provider.target)
        text = dump_spec(doc)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


@cli.group()
def sandbox() -> None:
    """The local portals: each provider's API, stored in SQLite."""


@sandbox.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Run a sandbox portal over HTTP until Ctrl-C (--provider NAME, --port, --db, ...)."""
    # the real command lives with the provider's sandbox; imported here so --help stays fast
    from .providers import DEFAULT, get

    args, name = list(ctx.args), DEFAULT
    for flag in ("--provider", "-p"):
        if flag in args:
            at = args.index(flag)
            if at + 1 >= len(args):
                raise click.UsageError(f"{flag} needs a provider name")
            name = args[at + 1]
            del args[at : at + 2]
    real = get(name).serve()
    real.main(args=args, prog_name="reconciler sandbox serve", standalone_mode=False)


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
        _fail(error, f"{count} problem{'s' * (count != 1)} in the spec; no request was sent", None)
        code = error.exit_code
    except ReconcilerError as error:
        _fail(error, error.message, error.hint)
        code = error.exit_code
    except KeyboardInterrupt as error:
        _fail(error, "interrupted", "`reconciler plan` shows what is left to do")
        code = EXIT_ERROR
    sys.exit(code if isinstance(code, int) else 0)
