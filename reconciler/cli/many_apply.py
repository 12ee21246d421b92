"""``apply --portals FILE [--portal NAME]...``: each chosen portal planned (or its saved plan
checked), shown, confirmed and applied on its own; one that fails is reported and the others
go on. Ctrl-C finishes the write in flight, then stops."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import Aborted, ReconcilerError, StalePlanError
from ..portals import PortalEntry, load_portals
from ..render.portals import Outcome, render_portal_text, summary_line
from .app import console
from .many import connected, exit_code, refuse_mixing, report
from .plans import build

if TYPE_CHECKING:
    from ..plan import Thresholds


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
        report(failed)
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
            with connected(self.entry, loaded, "text") as portal:
                plan = build(loaded, portal, self.limits)
                outcome = Outcome(name, plan, loaded=loaded)
                self._check(saved, plan)
                console().print(render_portal_text(outcome))
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
            console().print(line)

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
