"""A tiny click group calling the portals functions as ``reconciler/cli`` does (flags as
there), so the command-line paths are tested whether or not the CLI has them wired."""

from __future__ import annotations

from collections.abc import Sequence

import click

from reconciler.cli.many import (
    portals_options,
    run_export_portals,
    run_plan_portals,
    run_validate_portals,
    show_option,
)
from reconciler.cli.many_apply import run_apply_portals
from reconciler.errors import ReconcilerError, SpecError


@click.group()
def mini() -> None:
    """reconciler, its --portals paths only."""


@mini.command()
@click.argument("specs", nargs=-1)
@click.option("--format", "fmt", default="text")
@portals_options
@show_option
def validate(
    specs: tuple[str, ...], fmt: str, portals: str | None, portal: Sequence[str], show: str | None
) -> int:
    return run_validate_portals(portals, portal, fmt=fmt, show=show)


@mini.command()
@click.argument("spec", default="portal.yaml")
@click.option("--format", "fmt", default="text")
@click.option("--out")
@click.option("--detailed-exitcode", is_flag=True)
@click.option("--url")
@portals_options
def plan(
    spec: str,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    url: str | None,
    portals: str | None,
    portal: Sequence[str],
) -> int:
    return run_plan_portals(
        portals, portal, fmt=fmt, out=out, detailed_exitcode=detailed_exitcode, url=url
    )


@mini.command()
@click.argument("spec", default="portal.yaml")
@click.option("--plan", "plan_file")
@click.option("--auto-approve", is_flag=True)
@click.option("--delete-threshold", type=float, default=25.0)
@click.option("--url")
@portals_options
def apply(
    spec: str,
    plan_file: str | None,
    auto_approve: bool,
    delete_threshold: float,
    url: str | None,
    portals: str | None,
    portal: Sequence[str],
) -> int:
    return run_apply_portals(
        portals,
        portal,
        url=url,
        plan_file=plan_file,
        auto_approve=auto_approve,
        delete_threshold=delete_threshold,
    )


@mini.command()
@click.option("--out")
@portals_options
def export(out: str | None, portals: str | None, portal: Sequence[str]) -> int:
    return run_export_portals(portals, portal, out=out)


def main(args: Sequence[str]) -> int:
    """Run like ``reconciler.cli.main``: errors rendered to stderr, the exit code returned."""
    try:
        code = mini.main(args=list(args), prog_name="reconciler", standalone_mode=False)
    except SpecError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        return error.exit_code
    except ReconcilerError as error:
        click.echo(f"Error: {error.message}", err=True)
        return error.exit_code
    except click.ClickException as error:
        error.show()
        return 1
    return code if isinstance(code, int) else 0
