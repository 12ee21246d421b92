"""Pydantic models of ``portal.yaml`` (format version 1).

Models are frozen and reject unknown keys. An attribute left out of the file is not
managed; one set to ``null`` clears the portal's value where the API allows. The two are
told apart with ``model_fields_set``: :func:`managed` returns just the attributes the file
named. Cross-entry rules (duplicates, references, renames) live in :mod:`reconciler.loader`,
which also maps every problem back to ``FILE:LINE:COL``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

KINDS = ("categories", "statuses", "tags", "sections", "groups")

Name = Annotated[str, StringConstraints(min_length=2, max_length=60)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=191)]
Email = Annotated[
    str, StringConstraints(max_length=191, pattern=r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
]


def _upper_color(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Portal(_Model):
    url: str | None = Field(default=None, description="Portal URL; --url and PRODUCTLIFT_URL win")


class Prune(_Model):
    """Per kind: delete what the portal has and the spec does not name."""

    categories: bool = False
    statuses: bool = False
    tags: bool = False
    sections: bool = False
    groups: bool = False


class Tab(_Model):
    slug: Slug = Field(description="Slug of an existing tab (tabs are read-only)")


class Category(_Model):
    name: Name
    color: Color | None = None
    renamed_from: list[Name] = Field(default_factory=list)

    _color = field_validator("color")(classmethod(lambda cls, v: _upper_color(v)))


class Status(_Model):
    name: Name
    color: Color | None = None
    tab: Slug | None = Field(default=None, description="Slug of the tab the status belongs to")
    renamed_from: list[Name] = Field(default_factory=list)

    _color = field_validator("color")(classmethod(lambda cls, v: _upper_color(v)))


class Tag(_Model):
    name: Name
    renamed_from: list[Name] = Field(default_factory=list)


class Section(_Model):
    title: Name
    tab: Slug | None = Field(default=None, description="Required on top-level sections")
    description: Annotated[str, StringConstraints(max_length=255)] | None = None
    icon: Annotated[str, StringConstraints(max_length=50)] | None = None
    color: Color | None = None
    hidden: bool | None = None
    sections: list[Section] = Field(default_factory=list)
    renamed_from: list[Annotated[str, StringConstraints(min_length=2)]] = Field(
        default_factory=list,
        description="Earlier titles, or earlier TAB/PARENT/.../TITLE paths",
    )

    _color = field_validator("color")(classmethod(lambda cls, v: _upper_color(v)))


class Group(_Model):
    name: Name
    description: Annotated[str, StringConstraints(max_length=255)] | None = None
    members: list[Email] | None = Field(
        default=None, description="The whole membership, by email; left out, not managed"
    )
    renamed_from: list[Name] = Field(default_factory=list)

    @field_validator("members")
    @classmethod
    def _lower_members(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [m.lower() for m in value]


class Spec(_Model):
    """A whole ``portal.yaml``."""

    version: Literal[1]
    portal: Portal | None = None
    prune: bool | Prune = False
    tabs: list[Tab] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    tags: list[Name | Tag] = Field(default_factory=list)
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


def managed(model: BaseModel, *exclude: str) -> dict[str, Any]:
    """The attributes the file named (set, even to null), minus ``exclude``."""
    skip = {"renamed_from", "sections", "members", *exclude}
    return {k: getattr(model, k) for k in model.model_fields_set if k not in skip}
