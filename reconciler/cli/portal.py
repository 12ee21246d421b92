"""``export`` (the live portal as a spec) and ``sandbox serve`` (a local portal over HTTP)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ReconcilerError
from .app import cli, portal_for, url_option, verbose_option
from .options import portals_options


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
@click.option("--force", is_flag=True, help="Overwrite --out when it exists.")
@portals_options
@url_option
@verbose_option
def export(
    out: str | None,
    provider_name: str | None,
    force: bool,
    portals: str | None,
    portal: tuple[str, ...],
    url: str | None,
) -> None:
    """Write the live portal as a spec; `plan` on it shows no changes.

    With --out, the JSON Schema its header names is written beside it when absent.
    """
    from ..export import SCHEMA_FILE, dump_spec
    from ..state import Desired

    if portals or portal:
        from .many import run_export_portals

        sys.exit(run_export_portals(portals, portal, out=out, url=url))
    if out and Path(out).exists() and not force:
        raise ReconcilerError(
            f"{out} exists; export writes a new file", hint="pass --force to overwrite it"
        )
    with portal_for(None, url, "json", provider_name) as provider:
        live = provider.read(Desired(everything=True))
        sandbox = provider.target.startswith("sandbox:")
        doc = provider.product.export(live, None if sandbox or url else provider.target)
        text = dump_spec(doc)
    if out:
        _write(Path(out), text)
        click.echo(f"Wrote {out}", err=True)
        schema = Path(out).parent / SCHEMA_FILE
        if not schema.exists():
            from ..schema import render_schema

            _write(schema, render_schema())
            click.echo(f"Wrote {schema} (the JSON Schema its header names, for editors)", err=True)
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
    from ..providers import DEFAULT, get

    args, name = list(ctx.args), DEFAULT
    for at, arg in enumerate(args):
        if arg.startswith("--provider="):
            name = arg.partition("=")[2]
            del args[at]
            break
        if arg in ("--provider", "-p"):
            if at + 1 >= len(args):
                raise click.UsageError(f"{arg} needs a provider name")
            name = args[at + 1]
            del args[at : at + 2]
            break
    if "-h" in args or "--help" in args:
        from ..providers import names

        click.echo(
            "reconciler sandbox serve [--provider NAME] [OPTIONS]\n\n"
            f"  --provider NAME  the sandbox of this provider ({', '.join(names())}; "
            f"default {DEFAULT}); its own options follow.\n"
        )
    real = get(name).serve()
    real.main(args=args, prog_name="reconciler sandbox serve", standalone_mode=False)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReconcilerError(f"cannot write {path}: {error.strerror or error}") from None
