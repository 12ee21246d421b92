"""ProductLift's kinds, declared for the engine (CONTRACT.md, "The API it drives").

Names compare as the portal does (a Laravel app on MySQL's default collation): letter case
aside. Tabs are read-only and only referred to. Statuses need a tab to be created. Sections
form a tree per tab: one moved under another parent in its tab is moved; one whose tab changes
is deleted and re-created (the API cannot move a section between tabs), taking its unplaced
children along. A group's ``members``, when given, are its whole membership.
"""

from __future__ import annotations

from ...kinds import Attr, KindSchema, Nature, ProviderSchema

SCHEMA = ProviderSchema(
    "productlift",
    (
        KindSchema(
            "tab",
            "tabs",
            name_attr="slug",
            must_exist=True,
            create=False,
            update=False,
            rename=False,
            delete=False,
            prune="never",
        ),
        KindSchema("category", "categories", attrs={"color": Attr(clearable=False)}),
        KindSchema(
            "status",
            "statuses",
            attrs={
                "color": Attr(clearable=False),
                "tab": Attr(ref="tab", required_on_create=True),
            },
        ),
        KindSchema("tag", "tags"),
        KindSchema("group", "groups"),
        KindSchema(
            "section",
            "sections",
            name_attr="title",
            parent="section",
            scope="tab",
            attrs={"tab": Attr(nature=Nature.REPLACE, ref="tab")},
            cascade=True,
            moves=True,
            replace_warning=(
                'section "{name}" moves to tab "{to}": the API cannot move a section between '
                "tabs, so it is deleted and re-created; its posts lose their section, and child "
                "sections the spec does not place elsewhere are deleted with it (planned as "
                "deletes)"
            ),
        ),
        KindSchema(
            "membership",
            "memberships",
            name_attr="email",
            parent="group",
            whole_set=True,
            update=False,
            rename=False,
            show_id=False,
        ),
    ),
)
