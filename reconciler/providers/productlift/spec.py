"""Pydantic models of ``portal.yaml`` (format version 1).

Models are frozen and reject unknown keys. An attribute left out of the file is not
managed; one set to ``null`` clears the portal's value where the API allows. The two are
told apart with ``model_fields_set``: :func:`managed` returns just the attributes the file
named. The constraints here are the API's own (2-60 character names, ``#RRGGBB`` colours,
255-character descriptions...), so a spec that validates is one the portal accepts.
Cross-entry rules (duplicates, references, renames) live in :mod:`reconciler.spec_rules`;
:mod:`reconciler.loader` maps every problem back to ``FILE:LINE:COL``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)
from pydantic import Tag as Case

KINDS = ("categories", "statuses", "tags", "sections", "groups")

# A name needs a visible character; outer spaces are refused only on new names (bounds.py):
# the portal trims what it is sent, but may hold such a name already.
NAME_PATTERN = r"\S"
NAME_MAX = 255  # the database column: no portal holds a longer name
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
# user@host: a portal's own users include such addresses (admin@localhost)
EMAIL_PATTERN = r"^[^@\s/]+@[^@\s/]+$"

Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, pattern=NAME_PATTERN)]
OldName = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
Color = Annotated[str, StringConstraints(pattern=COLOR_PATTERN)]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=191)]
Email = Annotated[str, StringConstraints(max_length=191, pattern=EMAIL_PATTERN)]
Description = Annotated[str, StringConstraints(max_length=255)]
# The API gives a group's description no limit; MySQL's TEXT holds 65,535 bytes.
GroupDescription = Annotated[str, StringConstraints(max_length=65535)]
Icon = Annotated[str, StringConstraints(max_length=50)]
# A colour the API cannot clear: optional, but null is refused (see _required_color).
SetColor = Annotated[
    Color | None,
    WithJsonSchema({"type": "string", "pattern": COLOR_PATTERN, "description": "#RRGGBB"}),
]

NO_NULL_COLOR = "cannot be null: the API cannot clear a colour; leave the key out to keep it"


def _upper_color(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


def _required_color(value: str | None) -> str | None:
    """Validator of a colour the API cannot clear: given, it must not be null."""
    if value is None:
        raise ValueError(NO_NULL_COLOR)
    return value.upper()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # "no" is no boolean


class Portal(_Model):
    """Where the portal is; optional (the target can come from --url or PRODUCTLIFT_URL)."""

    url: str | None = Field(default=None, description="Portal URL; --url and PRODUCTLIFT_URL win")


class Prune(_Model):
    """Per kind: delete what the portal has and the spec does not name."""

    categories: bool = False
    statuses: bool = False
    tags: bool = False
    sections: bool = False
    groups: bool = False


class Tab(_Model):
    """A tab of the portal, by slug. Tabs are read-only: they must already exist."""

    slug: Slug = Field(description="Slug of an existing tab (tabs are read-only)")


class Category(_Model):
    """A post category, identified by name (case-insensitive)."""

    name: Name
    color: SetColor = None
    renamed_from: list[OldName] = Field(default_factory=list, description="Earlier names")

    _color = field_validator("color")(classmethod(lambda cls, v: _required_color(v)))


class Status(_Model):
    """A post status on one tab, identified by name (case-insensitive)."""

    name: Name
    color: SetColor = None
    tab: Slug | None = Field(default=None, description="Slug of the tab the status belongs to")
    renamed_from: list[OldName] = Field(default_factory=list, description="Earlier names")

    _color = field_validator("color")(classmethod(lambda cls, v: _required_color(v)))


class Tag(_Model):
    """A tag, identified by its text (case-insensitive)."""

    name: Name
    renamed_from: list[OldName] = Field(default_factory=list, description="Earlier names")


class Section(_Model):
    """A roadmap section of a tab; identified by tab, parent path and title."""

    title: Name
    tab: Slug | None = Field(
        default=None, description="Required on top-level sections; children stay in their tab"
    )
    description: Description | None = None
    icon: Icon | None = None
    color: Color | None = Field(default=None, description="#RRGGBB; null clears it")
    hidden: bool | None = None
    sections: list[Section] = Field(default_factory=list, description="Child sections")
    renamed_from: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list,
        description="Earlier titles, or earlier TAB/PARENT/.../TITLE paths",
    )

    _color = field_validator("color")(classmethod(lambda cls, v: _upper_color(v)))


class Group(_Model):
    """A user group; its members list, when given, is the whole membership."""

    name: Name
    description: GroupDescription | None = None
    members: list[Email] | None = Field(
        default=None, description="The whole membership, by email; left out, not managed"
    )
    renamed_from: list[OldName] = Field(default_factory=list, description="Earlier names")

    @field_validator("members")
    @classmethod
    def _lower_members(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [m.lower() for m in value]


def _tag_shape(value: Any) -> str:
    return "str" if isinstance(value, str) else "Tag"


def _prune_shape(value: Any) -> str:
    return "Prune" if isinstance(value, dict | Prune) else "bool"


# Discriminated on the input's shape, so a bad entry reports the one branch it meant.
TagEntry = Annotated[
    Annotated[Name, Case("str")] | Annotated[Tag, Case("Tag")], Discriminator(_tag_shape)
]
PruneSetting = Annotated[
    Annotated[bool, Case("bool")] | Annotated[Prune, Case("Prune")], Discriminator(_prune_shape)
]


class Spec(_Model):
    """A whole ``portal.yaml``."""

    version: Literal[1] = Field(description="Format version; only 1 exists")
    provider: Literal["productlift"] = Field(
        default="productlift", description="The product: productlift (the default)"
    )
    portal: Portal | None = None
    prune: PruneSetting = Field(
        default=False, description="true/false for every kind, or a mapping per kind"
    )
    tabs: list[Tab] = Field(default_factory=list, description="Tabs the spec refers to")
    categories: list[Category] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    tags: list[TagEntry] = Field(
        default_factory=list, description="Tag texts, or {name, renamed_from} mappings"
    )
    sections: list[Section] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)

    @field_validator("tags")
    @classmethod
    def _tags_as_models(cls, value: list[str | Tag]) -> list[str | Tag]:
        return [Tag(name=t) if isinstance(t, str) else t for t in value]

    def tag_models(self) -> list[Tag]:
        return [t if isinstance(t, Tag) else Tag(name=t) for t in self.tags]

    def prunes(self, kind: str) -> bool:
        """Whether resources of ``kind`` (plural, as in KINDS) absent from the spec are deleted."""
        if isinstance(self.prune, bool):
            return self.prune
        return bool(getattr(self.prune, kind, False))


# Fields that are not attributes of an entry: its earlier names, the entries it lists, the
# spec's provider
NOT_ATTRIBUTES = frozenset({"renamed_from", "sections", "members", "provider"})


def managed(model: BaseModel, *exclude: str) -> dict[str, Any]:
    """The attributes the file named (set, even to null), minus ``exclude``, in model order
    (the order of the model's ``__dict__``, where pydantic keeps the field values)."""
    named = model.model_fields_set.difference(NOT_ATTRIBUTES, exclude)
    return {k: v for k, v in model.__dict__.items() if k in named}
