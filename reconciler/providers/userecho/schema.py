"""UserEcho's kinds, declared for the engine (CONTRACT.md, part two, "UserEcho").

Names compare ignoring letter case (``str.lower``). A forum's ``type`` cannot change (a plan
error), and deleting a forum deletes its topics: it is deleted only under ``prune`` for
forums, with a warning. Categories and tags live in a forum (``FORUM/NAME``); a private
forum's access list (``FORUM/EMAIL``) and a group's members (``GROUP/EMAIL``) are whole sets
when the spec gives them. A webhook is its event and target URL (one identity string
``EVENT TARGET_URL``, compared exactly: a URL's path is case-sensitive): the API cannot update
one, so another URL is another webhook, and the old one is unmanaged or pruned.
"""

from __future__ import annotations

from ...kinds import Attr, KindSchema, Nature, ProviderSchema

FORUM_FLAGS = (
    "allow_anonymous_topic",
    "allow_anonymous_votes",
    "allow_anonymous_comments",
    "allow_private_sso_users",
    "allow_private_view_all",
)
FORUM_ATTRS = ("name", "type", "locale", *FORUM_FLAGS)
PRIVATE_TYPES = frozenset({"PRIVATE", "KNOWLEDGEBASE PRIVATE"})
FORUM_TYPES = ("PUBLIC", "PRIVATE", "KNOWLEDGEBASE PUBLIC", "KNOWLEDGEBASE PRIVATE", "HELPDESK")

SCHEMA = ProviderSchema(
    "userecho",
    (
        KindSchema(
            "forum",
            "forums",
            attrs={
                "type": Attr(nature=Nature.FIXED, clearable=False),
                "locale": Attr(clearable=False),
                **{flag: Attr(clearable=False) for flag in FORUM_FLAGS},
            },
            delete_warning=(
                'forum "{name}" is deleted with every topic, comment and vote in it '
                "(its categories, tags and access list go with it)"
            ),
        ),
        KindSchema("category", "categories", parent="forum"),
        KindSchema("tag", "tags", parent="forum"),
        KindSchema(
            "access",
            "access",
            name_attr="email",
            parent="forum",
            whole_set=True,
            update=False,
            rename=False,
            show_id=False,
        ),
        KindSchema(
            "group",
            "groups",
            attrs={"vote_weight": Attr(clearable=False), "vote_count": Attr()},
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
        KindSchema(
            "webhook",
            "webhooks",
            name_attr="event",
            compare="exact",  # a URL's path tells endpoints apart by letter case
            update=False,
            rename=False,
            attrs={"event": Attr(nature=Nature.REPLACE), "target_url": Attr(nature=Nature.REPLACE)},
        ),
    ),
)

# spec plural (as `prune` names it) → kind
PRUNABLE = {"forums": "forum", "categories": "category", "tags": "tag", "groups": "group"}
PRUNABLE["webhooks"] = "webhook"
