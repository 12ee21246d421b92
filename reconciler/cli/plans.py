"""``plan`` (read the portal, print the ordered plan) and ``show`` (render a saved plan)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import EXIT_CHANGES, PlanError, ReconcilerError
from .app import cli, console, load, portal_for, url_option, verbose_option
from .options import Number, portals_options

if TYPE_CHECKING:
    from ..loader import LoadedSpec
    from ..plan import Plan, Thresholds

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "markdown", "github")


def threshold_options(f: F) -> F:
    """``--delete-threshold`` and ``--update-threshold``: plan shows what apply would refuse."""
    f = click.option(
        "--update-threshold",
        type=Number(0, 100),
        default=None,
        metavar="PCT",
        help="Refuse plans updating more than PCT% of any kind that has at least 4 (default: off).",
    )(f)
    return click.option(
        "--delete-threshold",
        type=Number(0, 100),
        default=25.0,
        show_default=True,
        metavar="PCT",
        help="Refuse plans deleting more than PCT% of any kind that has at least 4.",
    )(f)


def thresholds(delete: float | None, update: float | None) -> Thresholds:
    from ..plan import Thresholds

    return Thresholds(delete=delete, update=update)


def target_option(f: F) -> F:
    return click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="KIND[:NAME]",
        help="Only these changes (and what they depend on); repeatable. The plan says it is "
        "partial.",
    )(f)


def build(
    loaded: LoadedSpec,
    portal: Any,
    limits: Thresholds,
    targets: tuple[str, ...] = (),
    *,
    fingerprinted: bool = True,
    desired: Any = None,
) -> Plan:
    """The plan (cut to ``targets``), with what apply would refuse; plan-time errors
    located in the spec. ``fingerprinted=False`` for a plan only shown (no JSON, no file)."""
    from dataclasses import replace

    from ..engine import build_plan
    from ..plan import refusals
    from ..targets import parse_targets

    chosen = parse_targets(loaded.product.schema, targets)
    try:
        result = build_plan(
            loaded.spec, portal, targets=chosen, fingerprinted=fingerprinted, desired=desired
        )
    except PlanError as error:
        raise_located(error, loaded)
    return replace(result, refusals=tuple(refusals(result, limits)))


def raise_located(error: PlanError, loaded: LoadedSpec) -> Any:
    """A plan-time error about spec entries becomes located problems (and annotations)."""
    from ..errors import Problem
    from ..spec_doc import file_of

    spots = [
        (name, said[0] if said else name, where)
        for kind, name, *said in error.entries
        for where in loaded.where_all(kind, name)
    ]
    if not spots or {name for name, _, _ in spots} != {e[1] for e in error.entries}:
        raise error  # an entry the spec does not hold: the message says it all
    what = error.message.split(":", 1)[0]
    problems = sorted(
        {
            Problem(file_of(where, loaded.path), where[0], where[1], f"{what}: {said}")
            for _, said, where in spots
        }
    )
    raise LocatedPlanError(problems, error) from None


class LocatedPlanError(ReconcilerError):
    """A PlanError whose entries were found in the spec: printed as FILE:LINE:COL lines."""

    def __init__(self, problems: list[Any], cause: PlanError) -> None:
        super().__init__(cause.message, hint=cause.hint)
        self.problems = problems


@cli.command()
@click.argument("spec", default="portal.yaml", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Also save the plan (JSON) here.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when the plan has changes (drift).")
@click.option(
    "--base",
    "base_spec",
    type=click.Path(dir_okay=False),
    metavar="BASE_SPEC",
    help="The spec before the change under review (the target branch's): each change is then "
    "marked as asked for by the edit, or drift made by hand.",
)
@threshold_options
@target_option
@portals_options
@url_option
@verbose_option
def plan(
    spec: str,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    base_spec: str | None,
    delete_threshold: float | None,
    update_threshold: float | None,
    targets: tuple[str, ...],
    portals: str | None,
    portal: tuple[str, ...],
    url: str | None,
) -> None:
    """Read the portal and print the ordered plan (and what apply would refuse).

    With --portals, every portal of the file (or those --portal names), each on its own.
    """
    if portals or portal:
        from .many import run_plan_portals

        sys.exit(
            run_plan_portals(
                portals,
                portal,
                fmt=fmt,
                out=out,
                detailed_exitcode=detailed_exitcode,
                url=url,
                delete_threshold=delete_threshold,
                update_threshold=update_threshold,
            )
        )
    loaded = load(spec, fmt)
    base = load(base_spec, fmt) if base_spec else None
    if base is not None and base.product.name != loaded.product.name:
        raise ReconcilerError(
            f"--base {base_spec} is a {base.product.name} spec, {spec} a {loaded.product.name} one"
        )
    # with --base, the spec's resources serve the plan and the origins alike
    now = loaded.product.desired(loaded.spec) if base is not None else None
    with portal_for(loaded, url, fmt) as connection:
        try:
            limits = thresholds(delete_threshold, update_threshold)
            shown_only = fmt != "json" and not out
            result = build(
                loaded, connection, limits, targets, fingerprinted=not shown_only, desired=now
            )
        except LocatedPlanError as error:
            if fmt == "github":
                from ..render import render_problems_github

                click.echo(render_problems_github(error.problems), nl=False)
            raise
    if base is not None and now is not None:
        from ..origin import with_origins

        product = loaded.product
        result = with_origins(result, product.schema, now, product.desired(base.spec))
    if out:
        save(result, out, loaded)
    print_plan(result, fmt, loaded)
    if detailed_exitcode and result.has_changes:
        sys.exit(EXIT_CHANGES)


def save(result: Plan, out: str, loaded: LoadedSpec) -> None:
    from ..saved import saved_document

    document = saved_document(result, loaded.path, Path(loaded.path).read_bytes())
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReconcilerError(f"cannot write {out}: {error.strerror or error}") from None


def print_plan(result: Plan, fmt: str, loaded: LoadedSpec | None) -> None:
    from .. import render

    if fmt == "json":
        click.echo(render.render_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(render.render_markdown(result), nl=False)
    elif fmt == "github":
        where = loaded.where if loaded is not None else (lambda kind, name: None)
        path = loaded.path if loaded is not None else ""
        click.echo(render.render_github(result, where, path), nl=False)
    else:
        console().print(render.render_text(result))


@cli.command()
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@verbose_option
def show(plan_file: str, fmt: str) -> None:
    """Render a saved plan (plan --out, with or without --portals) in any format; no request
    is sent."""
    from ..errors import SpecError
    from ..loader import load_spec
    from ..plan import Plan
    from ..saved import read_saved, recorded_spec

    data = read_saved(plan_file)
    if isinstance(data.get("portals"), list):
        _show_portals(data["portals"], fmt)
        return
    if not isinstance(data.get("changes"), list):
        raise ReconcilerError(f"{plan_file}: not a plan file written by `reconciler plan --out`")
    result = _labelled(Plan.from_json(data))
    loaded = None
    spec = recorded_spec(data)
    if fmt == "github" and spec is not None and Path(spec).exists():
        try:
            loaded = load_spec(spec)  # only to locate annotations; a broken spec just loses them
        except SpecError:
            loaded = None
    print_plan(result, fmt, loaded)


def _labelled(result: Plan) -> Plan:
    """A plan read from a file, with its provider's labels (plurals, what a create's shown
    name says); an unknown provider's plan keeps plain ones."""
    from dataclasses import replace

    from ..diff import named_by
    from ..plan import Action
    from ..providers import get

    try:
        schema = get(result.provider).schema
    except ReconcilerError:
        return result
    named = {k.name: named_by(k) for k in schema.kinds}
    changes = tuple(
        replace(c, named_by=named[c.kind]) if c.action is Action.CREATE and c.kind in named else c
        for c in result.changes
    )
    return replace(result, plurals=schema.plurals, changes=changes)


def _show_portals(items: list[Any], fmt: str) -> None:
    """A ``plan --portals --out`` document, each portal as ``plan --portals`` shows it."""
    from ..plan import Plan
    from ..render.portals import Outcome
    from .many import print_outcomes

    outcomes = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        if isinstance(item.get("plan"), dict):
            outcomes.append(Outcome(item["name"], _labelled(Plan.from_json(item["plan"]))))
        else:
            error = ReconcilerError(str(item.get("error") or "no plan"))
            outcomes.append(Outcome(item["name"], error=error))
    print_outcomes(outcomes, fmt)
