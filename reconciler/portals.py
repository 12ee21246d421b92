"""The portals file (``portals.yaml``): several named portals kept in one repository.

::

    version: 1
    portals:
      - name: staging
        spec: [portal.yaml, overlays/staging.yaml]   # base first, overlays after
        url: https://staging.feedback.acme.com         # else the spec's portal.url
        env: {USERECHO_TOKEN: STAGING_FEEDBACK_TOKEN}   # the provider's variable ← where it is

Paths in the file (specs, ``sandbox:PATH``) are relative to it. Every problem is reported as
``FILE:LINE:COL: message``, all at once. A portal's target is its ``url``, else its spec's
``portal.url``, else an error: a portals file is explicit, so there is no sandbox default
and no URL variable. ``env`` maps a provider variable to the variable that holds this
portal's value; it wins over the variable already set, for this portal only.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .connect import SANDBOX_SCHEME, Target, default_sandbox, resolve_target
from .errors import Problem, SpecError, TargetError
from .loader import LoadedSpec, credential_variables, suggest
from .overlay import load_layers
from .providers import Product, get, names
from .spec_doc import Document, Pos, YamlError
from .spec_yaml import decode, read

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")  # usable as a CI job or group name
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TOP_KEYS = ("version", "portals")
PORTAL_KEYS = ("name", "spec", "url", "env")


@dataclass(frozen=True)
class PortalEntry:
    """One portal of the file: its spec files (base first), target and variables."""

    name: str
    specs: tuple[Path, ...]
    url: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)  # provider variable ← source
    file: str = "portals.yaml"  # the portals file, as given
    pos: Pos = (1, 1)  # where the entry starts in it

    @property
    def shown_specs(self) -> tuple[str, ...]:
        """The spec paths as problems name them: relative to the working directory."""
        return tuple(_shown(p) for p in self.specs)

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The process environment as this portal sees it: ``env`` mapped over ``base``.
        A source variable that is not set leaves the provider variable unset (so the
        credential check names it); :meth:`missing` says which."""
        base = os.environ if base is None else base
        seen = dict(base)
        for variable, source in self.env.items():
            if source in base:
                seen[variable] = base[source]
            else:
                seen.pop(variable, None)
        return seen

    def missing(self, base: Mapping[str, str] | None = None) -> list[str]:
        """The ``env`` sources that are not set, as ``SOURCE (for VARIABLE)``."""
        base = os.environ if base is None else base
        return [f"{s} (for {v})" for v, s in self.env.items() if not base.get(s)]

    def load(self, base: Mapping[str, str] | None = None) -> LoadedSpec:
        """The portal's spec: its files merged (overlays), ``${NAME}`` read from this
        portal's environment; a variable ``env`` maps a credential from is refused as the
        credential itself is. Raises SpecError."""
        credentials = credential_variables()
        secret = [source for variable, source in self.env.items() if variable in credentials]
        return load_layers(self.specs, self.shown_specs, self.environment(base), secret)

    def target(self, loaded: LoadedSpec) -> Target:
        """``url``, else the spec's ``portal.url``, else TargetError; never a URL variable
        nor the implicit sandbox."""
        product: Product = loaded.product
        portal = getattr(loaded.spec, "portal", None)
        spec_url = getattr(portal, "url", None)
        if self.url:
            found = resolve_target(self._url(product), None, {}, product)
            return dataclasses.replace(found, source=f"{self.file}, portal {self.name}")
        if spec_url:
            found = resolve_target(None, spec_url, {}, product)
            return dataclasses.replace(found, source=f"portal.url of {self.shown_specs[0]}")
        raise TargetError(
            f"portal {self.name!r} has no target: no url in {self.file} and no portal.url in "
            f"{self.shown_specs[0]}",
            hint="a portals file never falls back to a URL variable or the local sandbox: "
            "give the portal `url: https://…` (or `url: sandbox:PATH`)",
        )

    def _url(self, product: Product) -> str:
        url = (self.url or "").strip()
        if not url.startswith(SANDBOX_SCHEME):
            return url
        path = Path(url[len(SANDBOX_SCHEME) :] or default_sandbox(product))
        if not path.is_absolute():
            path = Path(self.file).parent / path
        return SANDBOX_SCHEME + _shown(path)


@dataclass(frozen=True)
class PortalsFile:
    """A loaded portals file: its portals in file order."""

    path: str
    portals: tuple[PortalEntry, ...]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.portals]

    def choose(self, chosen: Sequence[str] = ()) -> tuple[PortalEntry, ...]:
        """The portals named (in the order given, each once), or all; TargetError naming
        an unknown one."""
        if not chosen:
            return self.portals
        by_name = {p.name: p for p in self.portals}
        unknown = [n for n in chosen if n not in by_name]
        if unknown:
            raise TargetError(
                f"no portal {unknown[0]!r} in {self.path}{suggest(unknown[0], self.names)}",
                hint=f"its portals: {', '.join(self.names)}",
            )
        return tuple(by_name[n] for n in dict.fromkeys(chosen))


def _shown(path: Path) -> str:
    return os.path.normpath(path)


def load_portals(path: str | Path) -> PortalsFile:
    """Read and check the portals file at ``path``; SpecError carries every problem."""
    shown = str(path)
    try:
        doc = read(decode(Path(path).read_bytes()))
    except OSError as error:
        reason = error.strerror or str(error)
        raise SpecError([Problem(shown, 1, 1, f"cannot read the portals file: {reason}")]) from None
    except YamlError as error:
        raise SpecError([Problem(shown, *error.pos, error.message)]) from None
    checker = _Checker(doc, shown)
    portals = checker.run()
    if checker.problems:
        raise SpecError(checker.problems)
    return PortalsFile(shown, portals)


class _Checker:
    """Validates the raw document; collects every problem."""

    def __init__(self, doc: Document, file: str) -> None:
        self.doc = doc
        self.file = file
        self.base = Path(file).parent
        self.problems: list[Problem] = [Problem(file, *pos, m) for pos, m in doc.problems]
        self.url_variables = {_url_env(n) for n in names()} - {""}

    def problem(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.file, pos[0], pos[1], message))

    def run(self) -> tuple[PortalEntry, ...]:
        data, doc = self.doc.data, self.doc
        if not isinstance(data, dict):
            self.problem(doc.root, "a portals file is a mapping: version: 1 and portals: [...]")
            return ()
        self._unknown(data, TOP_KEYS)
        if type(data.get("version")) is not int or data["version"] != 1:
            where = doc.value_pos(data, "version") if "version" in data else doc.root
            self.problem(where, "version: 1 is the only portals file format")
        items = data.get("portals")
        if not isinstance(items, list) or not items:
            where = doc.value_pos(data, "portals") if "portals" in data else doc.root
            self.problem(where, "portals: expected a list of portals ({name, spec, url, env})")
            return ()
        found: dict[str, Pos] = {}
        portals = []
        for entry, pos in zip(items, doc.items[id(items)], strict=True):
            portal = self._portal(entry, pos)
            if portal is None:
                continue
            if portal.name in found:
                first = found[portal.name][0]
                self.problem(pos, f"portal {portal.name!r} listed twice (first at line {first})")
                continue
            found[portal.name] = pos
            portals.append(portal)
        return tuple(portals)

    def _unknown(self, mapping: dict[str, Any], allowed: Sequence[str]) -> None:
        for key in mapping:
            if key not in allowed:
                hint = suggest(key, list(allowed))
                self.problem(self.doc.key_pos(mapping, key), f"unknown key '{key}'{hint}")

    def _portal(self, entry: Any, pos: Pos) -> PortalEntry | None:
        if not isinstance(entry, dict):
            self.problem(pos, "a portal is a mapping: {name, spec, url, env}")
            return None
        self._unknown(entry, PORTAL_KEYS)
        name = self._name(entry, pos)
        specs = self._specs(entry, pos)
        url = self._string(entry, "url")
        env = self._env(entry)
        if name is None or specs is None:
            return None
        return PortalEntry(name, specs, url, env, self.file, pos)

    def _name(self, entry: dict[str, Any], pos: Pos) -> str | None:
        if "name" not in entry:
            self.problem(pos, "missing required key 'name'")
            return None
        name = self._string(entry, "name")
        if name is not None and not NAME.match(name):
            self.problem(
                self.doc.value_pos(entry, "name"),
                f"name {name!r}: letters, digits, '.', '_' and '-' only (it names CI jobs)",
            )
            return None
        return name

    def _specs(self, entry: dict[str, Any], pos: Pos) -> tuple[Path, ...] | None:
        if "spec" not in entry:
            self.problem(pos, "missing required key 'spec' (a file, or a list: base first)")
            return None
        value = entry["spec"]
        where = self.doc.value_pos(entry, "spec")
        listed = value if isinstance(value, list) else [value]
        if not listed or not all(isinstance(v, str) and v.strip() for v in listed):
            self.problem(where, "spec: expected a file name, or a list of them (base first)")
            return None
        return tuple(self.base / v for v in listed)

    def _string(self, entry: dict[str, Any], key: str) -> str | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(self.doc.value_pos(entry, key), f"{key}: expected a non-empty string")
            return None
        return value

    def _env(self, entry: dict[str, Any]) -> dict[str, str]:
        value = entry.get("env")
        if value is None:
            return {}
        if not isinstance(value, dict):
            where = self.doc.value_pos(entry, "env")
            self.problem(where, "env: expected a mapping {PROVIDER_VARIABLE: SOURCE_VARIABLE}")
            return {}
        env: dict[str, str] = {}
        for variable, source in value.items():
            if variable in self.url_variables:
                self.problem(
                    self.doc.key_pos(value, variable),
                    f"{variable}: a portals file reads no URL variable; give the portal `url:`",
                )
            elif not VARIABLE.match(variable):
                self.problem(self.doc.key_pos(value, variable), f"{variable!r} is no variable name")
            elif not isinstance(source, str) or not VARIABLE.match(source):
                self.problem(
                    self.doc.value_pos(value, variable),
                    f"{variable}: expected the name of the variable that holds its value",
                )
            else:
                env[variable] = source
        return env


def _url_env(name: str) -> str:
    try:
        return get(name).url_env
    except TargetError:
        return ""
