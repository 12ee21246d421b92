"""The command line for several portals: ``--portals FILE [--portal NAME]...``.

The commands call these functions when ``--portals`` is given; they print, and
return the exit code (1 if any portal failed, else 2 with ``--detailed-exitcode`` if any has
changes, else 0). Each portal is loaded, connected, planned (and applied) on its own: a
portal that fails (bad spec, wrong token, unreachable) is reported and the others go on.
``apply`` is :mod:`reconciler.cli.many_apply`; what each output looks like is
:mod:`reconciler.render.portals`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from ..errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, ReconcilerError
from ..portals import PortalEntry, load_portals
from ..render.portals import Outcome, render_outcomes, render_portal_text, scrub, summary_line
from .app import console
from .options import portals_options, show_option

if TYPE_CHECKING:
    from ..plan import Thresholds

F = TypeVar("F", bound=Callable[..., Any])


def refuse_mixing(url: str | None, portal: Sequence[str], portals: str | None) -> str:
    """``portals``, once sure that no ``--url`` nor SPEC argument goes with it and that
    ``--portal`` does not come without it (a usage error)."""
    if portals is None:
        raise click.UsageError("--portal NAME needs --portals FILE")
    if url is not None:
        raise click.UsageError(
            "--url cannot be combined with --portals: each portal names its target"
        )
    ctx = click.get_current_context(silent=True)
    for name in ("spec", "specs"):
        if ctx is not None and ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            raise click.UsageError("a SPEC argument cannot be combined with --portals")
    return portals


def run_validate_portals(
    portals: str | None, portal: Sequence[str], *, fmt: str = "text", show: str | None = None
) -> int:
    """Load and check each chosen portal's spec (overlays merged) offline; with ``show``,
    print that portal's merged spec to stdout (status lines then go to stderr)."""
    from ..errors import SpecError
    from ..loader import summarize

    portals = refuse_mixing(None, portal, portals)
    entries = _choose(portals, portal, show)
    problems = []
    for entry in entries:
        if entry.name == show:
            click.echo(_shown_spec(entry), nl=False)
        try:
            loaded = entry.load()
        except SpecError as error:
            problems.extend(error.problems)
            continue
        counts = ", ".join(f"{n} {kind}" for kind, n in summarize(loaded).items())
        message = f"portal {entry.name} ({' + '.join(entry.shown_specs)}): valid ({counts})"
        if fmt == "github":
            click.echo(f"::notice file={entry.shown_specs[0]}::{message}", err=bool(show))
        else:
            click.echo(message, err=bool(show))
    if problems:
        if fmt == "github":
            from ..render import render_problems_github

            click.echo(render_problems_github(problems), nl=False, err=bool(show))
        raise SpecError(problems)
    return EXIT_OK


def _shown_spec(entry: PortalEntry) -> str:
    import yaml

    from ..overlay import masked, merge_files, schema_of

    doc = merge_files(entry.specs, entry.shown_specs)
    body = yaml.safe_dump(
        masked(doc.data, schema_of([doc])), sort_keys=False, allow_unicode=True, width=100
    )
    head = f"# portal {entry.name}: {' + '.join(entry.shown_specs)} merged; secrets masked\n"
    return head + body


def _choose(portals: str, portal: Sequence[str], show: str | None = None) -> list[PortalEntry]:
    chosen = load_portals(portals).choose([*portal, *([show] if show and portal else [])])
    return list(chosen)


def plan_one(entry: PortalEntry, fmt: str, limits: Thresholds) -> Outcome:
    """Load, connect and plan one portal (with what ``limits`` would refuse; plan-time
    errors located in the file, base or overlay, that set the entry); any ReconcilerError
    becomes its outcome."""
    from .plans import build

    try:
        loaded = entry.load()
        with connected(entry, loaded, fmt) as portal:
            return Outcome(entry.name, build(loaded, portal, limits), loaded=loaded)
    except ReconcilerError as error:
        return Outcome(entry.name, error=error)


class connected:
    """A portal connection for one portal of the file, closed on exit."""

    def __init__(self, entry: PortalEntry, loaded: Any, fmt: str) -> None:
        self.entry, self.loaded, self.fmt = entry, loaded, fmt

    def __enter__(self) -> Any:
        from ..connect import open_provider
        from ..errors import TargetError

        target = self.entry.target(self.loaded)
        missing = self.entry.missing()
        if missing and target.sandbox is None:
            raise TargetError(
                f"{' and '.join(missing)} not set: portal {self.entry.name!r} reads its "
                f"credentials from {'it' if len(missing) == 1 else 'them'} ({self.entry.file})",
                hint="set it in this job's environment (a secret per portal or environment)",
            )
        if self.fmt != "text":
            click.echo(f"[{self.entry.name}] {target.banner()}", err=True)
        from .app import connection_env

        env = connection_env(self.entry.environment())
        self.portal = open_provider(target, env, self.loaded.product, self.loaded.spec)
        return self.portal

    def __exit__(self, *exc: object) -> None:
        self.portal.close()


def run_plan_portals(
    portals: str | None,
    portal: Sequence[str],
    *,
    fmt: str = "text",
    out: str | None = None,
    detailed_exitcode: bool = False,
    url: str | None = None,
    delete_threshold: float | None = 25.0,
    update_threshold: float | None = None,
) -> int:
    """Plan every chosen portal on its own and print them in ``fmt``; ``out`` also writes
    the portals JSON document. Each plan lists what the thresholds would refuse (not an
    error here). Returns the exit code."""
    from ..plan import Thresholds

    entries = _choose(refuse_mixing(url, portal, portals), portal)
    limits = Thresholds(delete=delete_threshold, update=update_threshold)
    outcomes = [plan_one(entry, fmt, limits) for entry in entries]
    for failed in (o for o in outcomes if o.error is not None):
        report(failed)
    if out:
        Path(out).write_text(render_outcomes(outcomes, "json"), encoding="utf-8")
    print_outcomes(outcomes, fmt)
    return exit_code(outcomes, detailed_exitcode)


def print_outcomes(outcomes: Sequence[Outcome], fmt: str) -> None:
    """Every portal's plan in ``fmt``, and the one-line summary (on stderr when stdout holds
    a document)."""
    if fmt == "text":
        for outcome in outcomes:
            console().print(render_portal_text(outcome))
        click.echo(summary_line(outcomes))
    else:
        click.echo(render_outcomes(outcomes, fmt), nl=False)
        click.echo(summary_line(outcomes), err=True)


def exit_code(outcomes: Sequence[Outcome], detailed: bool) -> int:
    """1 if any portal failed, else 2 with ``detailed`` if any has changes, else 0."""
    if any(o.error is not None for o in outcomes):
        return EXIT_ERROR
    if detailed and any(o.plan is not None and o.plan.has_changes for o in outcomes):
        return EXIT_CHANGES
    return EXIT_OK


def run_export_portals(
    portals: str | None, portal: Sequence[str], *, out: str | None = None, url: str | None = None
) -> int:
    """Write one portal's live state as a spec (``export --portals FILE --portal NAME``)."""
    from ..errors import TargetError
    from ..export import dump_spec
    from ..state import Desired

    file = load_portals(refuse_mixing(url, portal, portals))
    entries = file.choose(portal)
    if len(entries) != 1:
        raise TargetError(
            "export writes one portal", hint=f"choose it with --portal ({', '.join(file.names)})"
        )
    entry = entries[0]
    loaded = entry.load()
    with connected(entry, loaded, "json") as connection:
        live = connection.read(Desired(everything=True))
        url = None if connection.target.startswith("sandbox:") else connection.target
        text = dump_spec(connection.product.export(live, url))
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
    return EXIT_OK


def report(outcome: Outcome) -> None:
    """A failed portal's error on stderr, as the CLI shows errors (secrets masked)."""
    error = outcome.error
    assert error is not None
    click.secho(f"Error: [{outcome.name}] {outcome.message}", fg="red", err=True)
    if error.hint:
        click.echo(f"Hint: {scrub(error.hint)}", err=True)


__all__ = [
    "connected",
    "exit_code",
    "plan_one",
    "portals_options",
    "refuse_mixing",
    "report",
    "run_export_portals",
    "run_plan_portals",
    "run_validate_portals",
    "show_option",
]
