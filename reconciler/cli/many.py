"""The command line for several portals: ``--portals FILE [--portal NAME]...``.

The commands call these functions when ``--portals`` is given; they print, and
return the exit code (1 if any portal failed, else 2 with ``--detailed-exitcode`` if any has
changes, else 0). Each portal is loaded, connected, planned (and applied) on its own: a
portal that fails (bad spec, wrong token, unreachable) is reported and the others go on.
What each output looks like is :mod:`reconciler.portals_render`'s business.
"""

from __future__ import annotations

import dataclasses
import json
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from ..errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, Aborted, ReconcilerError, StalePlanError
from ..portals import PortalEntry, load_portals
from ..render.portals import Outcome, render_outcomes, render_portal_text, scrub, summary_line
from .options import portals_options, show_option

if TYPE_CHECKING:
    from ..plan import Plan, Thresholds

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


def plan_one(entry: PortalEntry, fmt: str, limits: Thresholds | None = None) -> Outcome:
    """Load, connect and plan one portal (with what ``limits`` would refuse); any
    ReconcilerError becomes its outcome."""
    try:
        loaded = entry.load()
        with _connected(entry, loaded, fmt) as portal:
            return Outcome(entry.name, _build(loaded, portal, limits), loaded=loaded)
    except ReconcilerError as error:
        return Outcome(entry.name, error=error)


def _build(loaded: Any, portal: Any, limits: Thresholds | None) -> Plan:
    from ..engine import build_plan
    from ..plan import refusals

    result = build_plan(loaded.spec, portal)
    if limits is None:
        return result
    return dataclasses.replace(result, refusals=tuple(refusals(result, limits)))


class _connected:
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
        _report(failed)
    if out:
        Path(out).write_text(render_outcomes(outcomes, "json"), encoding="utf-8")
    print_outcomes(outcomes, fmt)
    return exit_code(outcomes, detailed_exitcode)


def print_outcomes(outcomes: Sequence[Outcome], fmt: str) -> None:
    """Every portal's plan in ``fmt``, and the one-line summary (on stderr when stdout holds
    a document)."""
    if fmt == "text":
        for outcome in outcomes:
            _console().print(render_portal_text(outcome))
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


def run_apply_portals(
    portals: str | None,
    portal: Sequence[str],
    *,
    plan_file: str | None = None,
    auto_approve: bool = False,
    url: str | None = None,
    delete_threshold: float | None = 25.0,
    update_threshold: float | None = None,
    interactive: bool | None = None,
) -> int:
    """Plan (or check the saved plan of) each chosen portal, confirm, apply; a portal that
    fails is reported and the others go on. Returns the exit code."""
    import sys

    interactive = sys.stdin.isatty() if interactive is None else interactive
    if not auto_approve and not interactive:
        raise ReconcilerError(
            "apply needs confirmation, and there is no terminal to ask on",
            hint="pass --auto-approve to apply without asking",
        )
    from ..plan import Thresholds

    file = load_portals(refuse_mixing(url, portal, portals))
    limits = Thresholds(delete=delete_threshold, update=update_threshold)
    saved = _saved_portals(plan_file) if plan_file else None
    chosen = list(portal) or ([n for n in file.names if n in saved] if saved else [])
    stop = {"asked": False}
    outcomes: list[Outcome] = []
    previous = signal.signal(signal.SIGINT, _interrupt(stop))
    try:
        for entry in file.choose(chosen):
            if stop["asked"]:
                outcomes.append(Outcome(entry.name, error=Aborted("interrupted: not applied")))
                continue
            step = _Apply(entry, saved, plan_file, limits, auto_approve, stop)
            outcomes.append(step.run())
    finally:
        signal.signal(signal.SIGINT, previous)
    for failed in (o for o in outcomes if o.error is not None):
        _report(failed)
    click.echo(summary_line(outcomes, applied=True))
    return exit_code(outcomes, False)


def _interrupt(stop: dict[str, bool]) -> Callable[[int, object], None]:
    def handler(signum: int, frame: object) -> None:
        if stop["asked"]:
            raise KeyboardInterrupt
        stop["asked"] = True
        click.echo("\nInterrupted: finishing the write in flight, then stopping…", err=True)

    return handler


class _Apply:
    """One portal's apply: plan, check the saved plan, show, gate, confirm, write."""

    def __init__(
        self,
        entry: PortalEntry,
        saved: dict[str, Any] | None,
        plan_file: str | None,
        limits: Thresholds,
        auto_approve: bool,
        stop: dict[str, bool],
    ) -> None:
        self.entry, self.saved, self.plan_file = entry, saved, plan_file
        self.limits, self.auto_approve, self.stop = limits, auto_approve, stop

    def run(self) -> Outcome:
        name = self.entry.name
        try:
            saved = self._saved_plan()
            loaded = self.entry.load()
            with _connected(self.entry, loaded, "text") as portal:
                plan = _build(loaded, portal, self.limits)
                outcome = Outcome(name, plan, loaded=loaded)
                self._check(saved, plan)
                _console().print(render_portal_text(outcome))
                if plan.has_changes:
                    self._write(plan, portal)
                    outcome.applied = True
                return outcome
        except ReconcilerError as error:
            return Outcome(name, error=error)

    def _saved_plan(self) -> Any:
        if self.saved is None:
            return None
        found = self.saved.get(self.entry.name)
        if found is None or "plan" not in found:
            why = f" (its plan failed: {found['error']})" if found and "error" in found else ""
            raise StalePlanError(
                f"{self.plan_file} holds no plan for portal {self.entry.name!r}{why}",
                hint="run `reconciler plan --portals … --out` again, review it, and apply that",
            )
        return found["plan"]

    def _check(self, saved: Any, plan: Any) -> None:
        from ..engine import check_saved_plan, load_saved_plan
        from ..plan import check_thresholds

        if saved is not None:
            source = f"{self.plan_file} (portal {self.entry.name})"
            check_saved_plan(load_saved_plan(saved, source), plan, source)
        if plan.has_changes:
            check_thresholds(plan, self.limits)

    def _write(self, plan: Any, portal: Any) -> None:
        from ..engine import Applied, apply_plan
        from ..render import change_line

        if not self.auto_approve:
            click.echo(
                f"\nDo you want to apply these changes to {plan.target} (portal {self.entry.name})?"
            )
            answer = click.prompt("Only 'yes' will be accepted", default="", show_default=False)
            if answer.strip() != "yes":
                raise Aborted("apply cancelled: nothing was changed")

        def applied(index: int, done: Applied) -> None:
            line = change_line(done.change)
            line.append(f" {done.change.action.value}d" + (f" (id {done.id})" if done.id else ""))
            _console().print(line)

        apply_plan(plan, portal, on_applied=applied, should_stop=lambda: self.stop["asked"])


def _saved_portals(path: str) -> dict[str, Any]:
    """The portals of a saved ``plan --portals --out`` document, by name."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StalePlanError(f"{path}: cannot read the saved plan: {error}") from None
    items = data.get("portals") if isinstance(data, dict) else None
    if not isinstance(items, list) or data.get("format_version") != 1:
        hint = "a single portal's plan applies without --portals: `reconciler apply --plan FILE`"
        raise StalePlanError(
            f"{path}: not written by `reconciler plan --portals … --out`", hint=hint
        )
    return {p["name"]: p for p in items if isinstance(p, dict) and isinstance(p.get("name"), str)}


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
    with _connected(entry, loaded, "json") as connection:
        live = connection.read(Desired(everything=True))
        url = None if connection.target.startswith("sandbox:") else connection.target
        text = dump_spec(connection.product.export(live, url))
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
    return EXIT_OK


def _report(outcome: Outcome) -> None:
    """A failed portal's error on stderr, as the CLI shows errors (secrets masked)."""
    error = outcome.error
    assert error is not None
    click.secho(f"Error: [{outcome.name}] {scrub(error.message)}", fg="red", err=True)
    if error.hint:
        click.echo(f"Hint: {scrub(error.hint)}", err=True)


def _console() -> Any:
    from rich.console import Console

    return Console(soft_wrap=True, highlight=False)


__all__ = [
    "exit_code",
    "plan_one",
    "portals_options",
    "refuse_mixing",
    "run_apply_portals",
    "run_export_portals",
    "run_plan_portals",
    "run_validate_portals",
    "show_option",
]
