"""``validate`` (specs offline) and ``schema`` (the JSON Schema of every provider's spec)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import ReconcilerError, SpecError
from .app import cli, load, verbose_option
from .options import portals_options, show_option


@cli.command()
@click.argument("specs", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="json: {valid: [...], problems: [{file, line, col, message}]} alone on stdout.",
)
@portals_options
@show_option
@verbose_option
def validate(
    specs: tuple[str, ...], fmt: str, portals: str | None, portal: tuple[str, ...], show: str | None
) -> None:
    """Load and check specs offline (default ./portal.yaml); no request is sent.

    With --portals, every portal's spec and overlays, merged (--show NAME prints one).
    """
    from ..loader import summarize

    if portals or portal or show:
        from .many import run_validate_portals

        sys.exit(run_validate_portals(portals, portal, fmt=fmt, show=show))
    problems = []
    valid: list[dict[str, object]] = []
    for spec in specs or ("portal.yaml",):
        try:
            loaded = load(spec, "text" if fmt == "json" else fmt)
        except SpecError as error:
            problems.extend(error.problems)
            continue
        counts = summarize(loaded)
        valid.append({"file": spec, "provider": loaded.product.name, "counts": counts})
        message = f"{spec}: valid ({', '.join(f'{n} {kind}' for kind, n in counts.items())})"
        if fmt == "github":
            click.echo(f"::notice file={spec}::{message}")
        elif fmt == "text":
            click.echo(message)
    if fmt == "json":
        listed = [
            {"file": p.file, "line": p.line, "col": p.col, "message": p.message}
            for p in sorted(problems)
        ]
        click.echo(json.dumps({"valid": valid, "problems": listed}, indent=2, ensure_ascii=False))
    if problems:
        raise SpecError(problems)


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Write the schema to FILE (default: stdout).",
)
@verbose_option
def schema(out: str | None) -> None:
    """Print the JSON Schema of the spec formats (every provider), for editors."""
    from ..schema import render_schema

    text = render_schema()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReconcilerError(f"cannot write {out}: {error.strerror or error}") from None
    click.echo(f"Wrote {out}", err=True)
