"""The fault string, with two UserEcho switches on top of the generic fault keys.

``parse_options("error=0.1,seed=3,errors_as_200,echo_url_in_errors=1")``: the keys of
``reconciler.sandbox.faults.Faults.parse`` plus

- ``errors_as_200``: failures answer HTTP 200 carrying ``"status": "error"`` (as UserEcho
  may; the contract makes such an answer a failure);
- ``echo_url_in_errors``: error messages quote the full request URL, access token included
  (to prove a client scrubs what the portal echoes).

A switch alone means on; ``=1/true/yes/on`` and ``=0/false/no/off`` say it explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass

from ....errors import TargetError
from ....sandbox.faults import Faults

SWITCHES = ("errors_as_200", "echo_url_in_errors")
_ON = {"", "1", "true", "yes", "on"}
_OFF = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Options:
    """What a fault string asks for: the faults (None when none is active) and the switches."""

    faults: Faults | None = None
    errors_as_200: bool = False
    echo_url_in_errors: bool = False


def parse_options(text: str) -> Options:
    """Read a fault string; raises TargetError naming what it cannot read."""
    rest: list[str] = []
    switches = dict.fromkeys(SWITCHES, False)
    for part in text.replace(";", ",").split(","):
        name, _, raw = part.partition("=")
        name = name.strip().lower()
        if name not in switches:
            rest.append(part)
            continue
        value = raw.strip().lower()
        if value not in _ON | _OFF:
            raise TargetError(f"sandbox faults: {name} must be on or off, not {raw.strip()!r}")
        switches[name] = value in _ON
    faults = Faults.parse(",".join(rest))
    return Options(
        faults if faults.in_use else None,
        errors_as_200=switches["errors_as_200"],
        echo_url_in_errors=switches["echo_url_in_errors"],
    )
