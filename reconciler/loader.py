"""Load ``portal.yaml``: every problem of the file at once, each as ``FILE:LINE:COL: message``.

Three passes, each collecting rather than stopping: :mod:`reconciler.spec_yaml` reads the
YAML (syntax, encoding, duplicate keys, aliases), pydantic validates the shapes and values
(:mod:`reconciler.spec`), :mod:`reconciler.spec_rules` checks what spans entries. Pydantic's
error paths are mapped back to the key or value they blame, in words a user can act on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import types
import typing
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem, ReconcilerError, SpecError
from .interpolate import interpolate
from .providers import DEFAULT, Product, get, names
from .spec_doc import Document, Pos, YamlError, file_of
from .spec_yaml import MAX_CHARS, decode, read

# A value quoted in a message is cut to this many characters: a 1 MB name is not echoed whole.
_SHOWN = 80
_LONG_QUOTED = re.compile("'([^']{" + str(_SHOWN + 1) + ",})'")
_LONGEST = 500


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec, with its provider and where each entry was written."""

    spec: Any
    path: str
    positions: Mapping[tuple[str, str], tuple[int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    product: Product = field(default_factory=lambda: get(DEFAULT), repr=False, compare=False)

    def where(self, kind: str, name: str) -> tuple[int, int] | None:
        """1-based (line, col) of an entry, by ``kind`` and the identity the plan shows
        (``TAB/PARENT/TITLE`` for sections, ``GROUP/EMAIL`` for memberships); None when the
        spec has no such entry."""
        found = self.positions.get((kind, name))
        return found if found is not None else self.positions.get((kind, name.lower()))

    def where_all(self, kind: str, name: str) -> list[tuple[int, int]]:
        """Where the entry is (:meth:`where`); else, for a child entry named by its own name
        only (a member's email), every entry of ``kind`` with that own name, in file order."""
        found = self.where(kind, name)
        if found is not None:
            return [found]
        tail = "/" + name.lower()
        return sorted(
            pos for (k, n), pos in self.positions.items() if k == kind and n.lower().endswith(tail)
        )


def suggest(word: str, choices: list[str]) -> str:
    """``"; did you mean 'x'?"`` when one of ``choices`` is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate the spec at ``path``; raises SpecError carrying every problem."""
    shown = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_CHARS * 4:  # refused before it is read: UTF-8 is at most 4 bytes a char
            raise SpecError([Problem(shown, 1, 1, f"the spec is {size:,} bytes; too large")])
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        problem = Problem(shown, 1, 1, f"cannot read the spec: {reason}")
        hint = None
        if isinstance(error, FileNotFoundError):
            hint = (
                "give the spec's path (reconciler plan PATH; the default is ./portal.yaml), "
                "or start from an example: examples/portal.yaml"
            )
        raise SpecError([problem], hint=hint) from None
    return parse_spec(raw, shown)


def parse_spec(
    text: str | bytes, filename: str, env: Mapping[str, str] | None = None
) -> LoadedSpec:
    """Validate spec text; ``filename`` names it in problems; ``${NAME}`` in strings reads
    ``env`` (default: the process environment). Raises SpecError."""
    try:
        source = decode(text) if isinstance(text, bytes) else text
        doc = read(source)
    except YamlError as error:
        raise SpecError(_problems(filename, [(error.pos, error.message)])) from None
    return _validate(doc, filename, env, variables=_may_name_variables(source))


def parse_document(
    doc: Document,
    filename: str,
    env: Mapping[str, str] | None = None,
    secret: Collection[str] = (),
) -> LoadedSpec:
    """Validate a document already read (:func:`reconciler.spec_yaml.read`), such as the
    merge of a base spec and its overlays (:mod:`reconciler.overlay`).

    ``filename`` names the file in problems, except where a position names its own file
    (:class:`~reconciler.spec_doc.FilePos`): every problem is reported where its value was
    written. ``${NAME}`` reads ``env`` (default: the process environment); neither a
    credential variable nor a name in ``secret`` (a variable a portals file maps a
    credential from) may be read. Raises SpecError.
    """
    return _validate(doc, filename, env, variables=True, secret=secret)


def _may_name_variables(text: str) -> bool:
    """Whether a string value read from ``text`` can hold ``${``. Not unless ``text`` has
    ``${`` itself or a backslash (an escape in a double-quoted scalar can write ``$`` or
    ``{``, or join two lines): where YAML folds lines it leaves a space or a line break."""
    return "${" in text or "\\" in text


def _validate(
    doc: Document,
    filename: str,
    env: Mapping[str, str] | None,
    *,
    variables: bool,
    secret: Collection[str] = (),
) -> LoadedSpec:
    """:func:`parse_document`; without ``variables`` (no string can name one), the search
    for ``${NAME}`` is skipped."""
    found = list(doc.problems)
    if not isinstance(doc.data, dict):
        found.append((doc.root, _not_a_mapping(doc.data)))
        raise SpecError(_problems(filename, found))
    if variables:
        forbidden = credential_variables() | frozenset(secret)
        unread = interpolate(doc, os.environ if env is None else env, forbidden)
        doc.poisoned.update(pos for pos, _ in unread)  # reported once, as the variable's problem
        found += unread
    found += _version_type(doc)
    product = _product(doc, filename)
    spec: Any = None
    try:
        spec = product.spec_model.model_validate(doc.data)
    except ValidationError as error:
        explainer = _Explainer(product, doc)
        explained = [explainer.explain(details) for details in error.errors()]
        found += [(pos, message) for pos, message in explained if pos not in doc.poisoned]
    rule_problems, index = product.check(doc)
    found += [(pos, message) for pos, message in rule_problems if pos not in doc.poisoned]
    found += _portal_url(doc, spec)
    if found or spec is None:
        raise SpecError(_problems(filename, found))
    return LoadedSpec(spec, filename, index, product)


def _version_type(doc: Document) -> list[tuple[Pos, str]]:
    """``version: true`` and ``version: 1.0`` equal 1 in Python, and pydantic's literal takes
    them: refused here, as a later format's reader would read them differently."""
    version = doc.data.get("version")
    if isinstance(version, bool | float):
        pos = doc.value_pos(doc.data, "version")
        doc.poisoned.add(pos)
        return [(pos, f"version must be the number 1, not {_describe(version)}")]
    return []


def _portal_url(doc: Document, spec: Any) -> list[tuple[Pos, str]]:
    """``portal.url`` obeys the rule ``plan`` applies: the same message, here, located."""
    from .errors import TargetError
    from .http.target import check_target

    portal = doc.data.get("portal")
    url = portal.get("url") if isinstance(portal, dict) else None
    if not isinstance(url, str) or url.startswith("sandbox:"):
        return []
    try:
        check_target(url)
    except TargetError as error:
        return [(doc.locate(("portal", "url")), f"portal.url: {error.message}")]
    return []


def credential_variables() -> frozenset[str]:
    """Every credential variable of every provider that loads: never read into a spec."""
    found: set[str] = set()
    for name in names():
        try:
            found.update(get(name).credentials)
        except ReconcilerError:
            continue
    return frozenset(found)


def _product(doc: Document, filename: str) -> Product:
    """The provider the spec names under ``provider:`` (absent: the default)."""
    name = doc.data.get("provider", DEFAULT)
    where = doc.value_pos(doc.data, "provider") if "provider" in doc.data else doc.root
    if not isinstance(name, str) or name not in names():
        shown = f"'{name}'" if isinstance(name, str) else _describe(name)
        message = f"unknown provider {shown}; providers: {', '.join(names())}"
        if isinstance(name, str):
            message += suggest(name, names())
        raise SpecError(_problems(filename, [(where, message)]))
    try:
        return get(name)
    except ReconcilerError as error:
        raise SpecError(_problems(filename, [(where, error.message)])) from None


def summarize(loaded: LoadedSpec) -> dict[str, int]:
    """How many entries of each kind the spec lists."""
    return loaded.product.summarize(loaded.spec)


def _problems(filename: str, found: list[tuple[Pos, str]]) -> list[Problem]:
    # one report per spot and message, in file order
    unique = dict.fromkeys((pos, _readable(message)) for pos, message in found)
    return [Problem(file_of(pos, filename), pos[0], pos[1], message) for pos, message in unique]


def _readable(message: str) -> str:
    """``message`` on one line (newlines and control characters in values escaped), long
    quoted values cut, at most ``_LONGEST`` characters."""
    if not message.isprintable():
        message = "".join(
            c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message
        )
    message = _LONG_QUOTED.sub(lambda m: f"'{m[1][: _SHOWN - 1]}…'", message)
    return message if len(message) <= _LONGEST else message[: _LONGEST - 1] + "…"


def _not_a_mapping(data: Any) -> str:
    if data is None:
        return "the spec is empty; it needs at least 'version: 1'"
    return f"the spec must be a mapping (version: 1, tabs: ...), not {_describe(data)}"


class _Explainer:
    """Where a pydantic error points in the file, and what it means in spec terms."""

    def __init__(self, product: Product, doc: Document) -> None:
        self.product = product
        self.doc = doc
        self.models = _models_under(product.spec_model)
        self.singular = {k.plural: k.name for k in product.schema.kinds}
        self.secret = {
            (k.plural, name)
            for k in product.schema.kinds
            for name, a in k.attrs.items()
            if a.secret
        }

    def explain(self, error: ErrorDetails) -> tuple[Pos, str]:
        loc, kind = error["loc"], error["type"]
        doc = self.doc
        if error.get("input", 0) is None and self._comment_after_key(loc):
            name = self._field(loc)
            return doc.locate(loc), (
                f"{name} is empty: '#' starts a comment in YAML, so the value after it "
                f'was not read; put it in quotes ({name}: "#…")'
            )
        if kind == "extra_forbidden":
            return doc.locate(loc, key=True), self._unknown_key(loc)
        if kind == "missing":
            name = str(loc[-1])
            if loc == ("version",):
                return doc.locate(loc), "missing 'version: 1' (the format version of the spec)"
            return doc.locate(loc), f"missing required key '{name}'"
        if self._is_secret(loc):  # the message says what is wrong, never the value
            error = {**error, "input": _Masked(error.get("input"))}
        return doc.locate(loc), self._value_message(kind, self._field(loc), error)

    def _is_secret(self, loc: tuple[int | str, ...]) -> bool:
        """Whether ``loc`` is a secret attribute's value (a webhook's token)."""
        plurals = [p for p in loc[:-1] if isinstance(p, str) and p in self.singular]
        return bool(plurals) and (plurals[-1], loc[-1]) in self.secret

    def _comment_after_key(self, loc: tuple[int | str, ...]) -> bool:
        """Whether the key's line goes on with a comment where its value should be (in the
        file that set the key: overlays are merged from several)."""
        line = self.doc.line(self.doc.locate(loc, key=True))
        if line is None:
            return False
        _, colon, rest = line.partition(":")
        return bool(colon) and rest.lstrip().startswith("#")

    def _field(self, loc: tuple[int | str, ...]) -> str:
        """The key the failing value sits under (list indexes and union labels skipped)."""
        labels = self.product.union_labels
        names = [p for p in loc if isinstance(p, str) and p not in labels]
        bare = any(label in loc for label in labels)  # a union of a name and a mapping
        if bare and len(names) == 1 and len(loc) > 1 and names[0] in self.singular:
            return self.singular[names[0]]  # a bare entry of a list, such as a tag's text
        return names[-1] if names else "spec"

    def _unknown_key(self, loc: tuple[int | str, ...]) -> str:
        name = str(loc[-1])
        if name == "<<":
            return "merge keys (<<) are not supported; write the keys out"
        model: type[BaseModel] = self.product.spec_model
        for part in loc[:-1]:
            if isinstance(part, str) and part in model.model_fields and part in self.models:
                model = self.models[part]
        return f"unknown key '{name}'{suggest(name, list(model.model_fields))}"

    def _value_message(self, kind: str, name: str, error: ErrorDetails) -> str:
        value, ctx = error.get("input"), error.get("ctx") or {}
        quoted = isinstance(value, int | float | dt.date) or (
            isinstance(value, _Masked) and value.kind in ("a number", "a boolean", "a date")
        )
        quote = "; put it in quotes" if quoted else ""
        if kind == "string_type":
            if value is None:
                return f"{name} cannot be null"
            return f"{name}: expected a string, got {_describe(value)}{quote}"
        if kind in ("string_too_short", "string_too_long"):
            return self._length_message(kind, name, value, ctx)
        if kind == "string_pattern_mismatch":
            pattern = str(ctx.get("pattern"))
            template = self.product.extra.get("pattern_messages", {}).get(pattern)
            if template is not None:
                return str(template).format(name=name, value=value)
            return f"{name} '{value}' does not match {pattern}"
        if kind == "list_type":
            return f"{name}: expected a list, got {_describe(value)}"
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            if any(label in error["loc"] for label in self.product.extra.get("name_unions", ())):
                return f"{name}: expected a {name} name or a mapping, got {_describe(value)}{quote}"
            return f"{name}: expected a mapping, got {_describe(value)}"
        if kind in ("bool_type", "bool_parsing"):
            return f"{name}: expected true or false, got {_describe(value)}"
        if kind == "literal_error" and name == "version":
            if isinstance(value, str):
                return f"version must be the number 1, not the string '{value}'"
            return f"unsupported version {value!r}; this reconciler reads version 1"
        if kind == "value_error":
            return f"{name} {ctx.get('error', error['msg'])}"
        return f"{name}: {error['msg']}"

    def _length_message(self, kind: str, name: str, value: Any, ctx: dict[str, Any]) -> str:
        length = value.length if isinstance(value, _Masked) else len(str(value))
        bounds = self.product.length_bounds(name)
        if bounds is not None:
            size = "short" if kind == "string_too_short" else "long"
            count = f"{length} character{'s' if length != 1 else ''}"
            shown = "" if isinstance(value, _Masked) else f" '{value}'"
            return f"{name}{shown} is too {size} ({count}; names are {bounds[0]} to {bounds[1]})"
        if kind == "string_too_short":
            return f"{name} cannot be empty"
        limit = ctx.get("max_length")
        return f"{name} is {length} characters long; the API accepts at most {limit}"


def _models_under(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The model a mapping under each key holds, found by walking the fields' types."""
    found: dict[str, type[BaseModel]] = {}
    todo = [root]
    while todo:
        model = todo.pop()
        for key, info in model.model_fields.items():
            for inner in _model_types(info.annotation):
                if key not in found:
                    found[key] = inner
                    todo.append(inner)
    return found


def _model_types(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or args:
        return [m for arg in args for m in _model_types(arg)]
    return []


class _Masked:
    """A secret value as problems show it: its type, never its text."""

    def __init__(self, value: Any) -> None:
        self.kind = _kind_of(value)
        self.length = len(value) if isinstance(value, str) else 0

    def __str__(self) -> str:
        return "(secret)"

    __repr__ = __str__


def _kind_of(value: Any) -> str:
    """What a value is, said without the value: ``a number``, ``a list``..."""
    if isinstance(value, bool):
        return "a boolean"
    kinds = {
        int: "a number",
        float: "a number",
        dt.date: "a date",
        str: "a string",
        list: "a list",
        dict: "a mapping",
        bytes: "binary data",
    }
    return next((v for t, v in kinds.items() if isinstance(value, t)), type(value).__name__)


def _describe(value: Any) -> str:
    if isinstance(value, _Masked):
        return value.kind
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str) and len(value) <= 40:
        return f"the string '{value}'"
    return _kind_of(value)
