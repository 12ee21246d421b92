"""``apply``: plan (or take a saved plan), confirm, write; ``apply PLAN.json`` alone too."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import Aborted, ReconcilerError
from .app import cli, console, load, portal_for, target_of, url_option, verbose_option
from .options import portals_options
from .plans import build, print_plan, target_option, threshold_options, thresholds

if TYPE_CHECKING:
    from rich.console import Console

    from ..engine import Applied
    from ..plan import Plan
    from ..providers import Portal


@cli.command()
@click.argument("spec", metavar="[SPEC | PLAN.json]", default="portal.yaml")
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, exists=True),
    help="A saved plan (plan --out): applied only if the portal and the spec still match it.",
)
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: each change with its outcome and id, alone on stdout.",
)
@threshold_options
@target_option
@portals_options
@url_option
@verbose_option
def apply(
    spec: str,
    plan_file: str | None,
    auto_approve: bool,
    fmt: str,
    delete_threshold: float | None,
    update_threshold: float | None,
    targets: tuple[str, ...],
    portals: str | None,
    portal: tuple[str, ...],
    url: str | None,
) -> None:
    """Plan (or check a saved plan), confirm, and apply.

    SPEC defaults to ./portal.yaml. `apply PLAN.json` applies a saved plan alone: it
    records its spec, provider and target, and is refused when any of them changed.
    """
    from ..engine import check_saved_plan, load_saved_plan
    from ..plan import check_thresholds
    from ..saved import (
        check_provider,
        check_spec,
        check_target,
        looks_like_plan,
        read_saved,
        recorded_spec,
    )

    if portals or portal:
        from .many_apply import run_apply_portals

        sys.exit(
            run_apply_portals(
                portals,
                portal,
                plan_file=plan_file,
                auto_approve=auto_approve,
                url=url,
                delete_threshold=delete_threshold,
                update_threshold=update_threshold,
            )
        )
    saved: dict[str, Any] | None = None
    plan_target: str | None = None  # applied alone: the plan's target, if nothing names one
    if plan_file is None and looks_like_plan(spec):
        plan_file = spec
        saved = read_saved(plan_file)
        if isinstance(saved.get("portals"), list):
            raise ReconcilerError(
                f"{plan_file} holds the plans of several portals (plan --portals --out)",
                hint=f"apply it with its portals file: reconciler apply --portals FILE "
                f"--plan {plan_file}",
            )
        recorded = recorded_spec(saved)
        if recorded is None:
            raise ReconcilerError(
                f"{plan_file} does not record its spec (made by an older reconciler)",
                hint=f"apply it with its spec: reconciler apply SPEC --plan {plan_file}",
            )
        spec = recorded
        plan_target = str(saved.get("target") or "") or None
    elif plan_file is not None:
        saved = read_saved(plan_file)
    loaded = load(spec)
    target = target_of(loaded, url, saved=plan_target)
    if saved is not None and plan_file is not None:
        check_spec(saved, plan_file, spec, Path(spec).read_bytes())
        check_provider(saved, plan_file, loaded.product.name)
        check_target(saved, plan_file, target.url)  # before any request
    limits = thresholds(delete_threshold, update_threshold)
    out = console(stderr=fmt == "json")
    with portal_for(loaded, url, "json" if fmt == "json" else "text", target=target) as connection:
        result = build(loaded, connection, limits, targets)
        if saved is not None and plan_file is not None:
            check_saved_plan(load_saved_plan(saved, plan_file), result, plan_file)
        print_plan(result, "text", None) if fmt == "text" else out.print(_text(result))
        if not result.has_changes:
            if fmt == "json":
                click.echo(json.dumps(_outcomes(result, []), indent=2, ensure_ascii=False))
            return
        check_thresholds(result, limits)
        if not auto_approve:
            _confirm(result)
        done: list[Applied] = []
        cut = False
        try:
            _run(result, connection, out, done)
        except KeyboardInterrupt:  # a second Ctrl-C: the write in flight was cut off
            cut = True
            raise _cut_off(result, done) from None
        finally:  # also when it stopped part-way: which changes were made, which not
            if fmt == "json":
                document = _outcomes(result, done, cut_off=cut)
                click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _text(result: Plan) -> Any:
    from ..render import render_text

    return render_text(result)


def _confirm(result: Plan) -> None:
    """Ask on a terminal; read a piped answer (``echo yes | reconciler apply``); with
    nothing to read, refuse: a pipeline must say --auto-approve."""
    question = f"\nDo you want to apply these changes to {result.target}?"
    if sys.stdin is not None and sys.stdin.isatty():
        click.echo(question)
        answer = click.prompt("Only 'yes' will be accepted", default="", show_default=False)
    else:
        try:
            line = sys.stdin.readline() if sys.stdin is not None else ""
        except (OSError, ValueError):  # closed, or not readable here
            line = ""
        if not line:
            raise ReconcilerError(
                "apply needs confirmation, and there is no terminal to ask on",
                hint="pass --auto-approve to apply without asking (or pipe 'yes' in)",
            )
        answer = line
    if answer.strip() != "yes":
        raise Aborted("apply cancelled: nothing was changed")


def _run(result: Plan, portal: Portal, out: Console, done: list[Applied]) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..engine import apply_plan
    from ..http.stops import INTERRUPT
    from ..render import change_line

    stop = {"asked": False}

    def interrupt(signum: int, frame: object) -> None:
        if stop["asked"]:
            raise KeyboardInterrupt
        stop["asked"] = True
        INTERRUPT.set()  # every wait ends now, and no request is sent after the one in flight
        click.echo("\nInterrupted: finishing the write in flight, then stopping…", err=True)

    total = len(result.changes)
    err = console(stderr=True)
    progress = Progress(
        TextColumn("Applying"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=total <= 3 or not err.is_terminal,
    )

    def applied(index: int, change: Applied) -> None:
        done.append(change)
        progress.advance(task)  # before the line: the count never runs behind the lines
        line = change_line(change.change)
        shown_id = change.id is not None and change.id != change.change.id
        line.append(f" {change.change.action.value}d", style="dim")
        if shown_id:
            line.append(f" (id {change.id})", style="dim")
        progress.console.print(line) if not progress.disable else out.print(line)

    INTERRUPT.clear()
    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        with progress:
            task = progress.add_task("apply", total=total)
            apply_plan(result, portal, on_applied=applied, should_stop=lambda: stop["asked"])
    finally:
        signal.signal(signal.SIGINT, previous)
        INTERRUPT.clear()
    summary = ", ".join(f"{n} {action}d" for action, n in result.summary().items())
    out.print(f"\nApply complete: {summary}.")


def _cut_off(result: Plan, done: list[Applied]) -> Aborted:
    """What a second Ctrl-C says: the changes the apply was between, and that the one whose
    write was cut off may have been made (the next plan tells)."""
    from ..render import change_line

    hint = "`reconciler plan` shows what is left; apply again to finish"
    if len(done) >= len(result.changes):
        return Aborted("interrupted again after the last write", hint=hint)
    flight = change_line(result.changes[len(done)]).plain
    return Aborted(
        f"interrupted again: stopped at once after {len(done)} of {len(result.changes)} "
        f"changes; the write in flight ({flight}) may or may not have been made",
        hint=hint,
    )


def _outcomes(result: Plan, done: list[Applied], *, cut_off: bool = False) -> dict[str, Any]:
    """``apply --format json``: every change with its outcome (and the id it has now); with
    ``cut_off`` (a write stopped in flight), that change's outcome is ``unknown``."""
    finished = {id(a.change): a for a in done}
    changes = []
    for index, change in enumerate(result.changes):
        entry = change.as_json()
        made = finished.get(id(change))
        entry["outcome"] = "applied" if made is not None else "not applied"
        if cut_off and index == len(done) and made is None:
            entry["outcome"] = "unknown"
        if made is not None and made.id is not None:
            entry["id"] = made.id
        changes.append(entry)
    return {
        "format_version": 1,
        "provider": result.provider,
        "target": result.target,
        "changes": changes,
        "summary": result.summary(),
    }
