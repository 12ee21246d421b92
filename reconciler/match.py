"""Pair desired resources with live ones by identity, following renames and moves.

Rules (CONTRACT.md): an exact name always wins; a looser match (the kind's ``compare``, such
as letter case) is used only when exactly one unclaimed portal resource matches that way.
``renamed_from`` is followed only when no portal resource has the entry's own name and the old
name is not another entry's own name, so a plan made after the rename is empty and two
resources never trade places. Children are matched within their parent's partner. In a tree
kind that ``moves``, a resource whose path no longer matches is moved, not re-created, when
exactly one unclaimed portal resource in its scope has its name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .kinds import Ident, KindSchema
from .state import Id, Resource


@dataclass(slots=True)
class Match:
    """``pairs[i]`` is the live partner of ``desired[i]`` (None: to be created)."""

    desired: Sequence[Resource]
    pairs: list[Resource | None]
    unmatched: list[Resource] = field(default_factory=list)


class _Pool:
    """Unclaimed live resources of one scope, found by exact or by looser name.

    The looser index is built on the first looser look-up: most plans find every resource
    by its exact name, and a looser match only counts how many resources match.
    """

    __slots__ = ("_loose", "exact", "fold")

    def __init__(self, fold: Callable[[str], str]) -> None:
        self.fold = fold
        self.exact: dict[str, list[Resource]] = {}
        self._loose: dict[str, list[Resource]] | None = None

    def add(self, resource: Resource, name: str) -> None:
        self.exact.setdefault(name, []).append(resource)
        self._loose = None

    def take_exact(self, name: str, claimed: set[int]) -> Resource | None:
        """The unclaimed resource named exactly ``name``, now claimed."""
        for candidate in self.exact.get(name, ()):
            if id(candidate) not in claimed:
                claimed.add(id(candidate))
                return candidate
        return None

    def find(self, name: str, claimed: set[int]) -> Resource | None:
        """The unclaimed resource named exactly ``name``, else the only one named so
        loosely."""
        for candidate in self.exact.get(name, ()):
            if id(candidate) not in claimed:
                return candidate
        if self._loose is None:
            self._loose = defaultdict(list)
            for spelled, resources in self.exact.items():
                self._loose[self.fold(spelled)] += resources
        options = [r for r in self._loose.get(self.fold(name), ()) if id(r) not in claimed]
        return options[0] if len(options) == 1 else None


def _same(name: str) -> str:
    return name


def folder(schema: KindSchema) -> Callable[[str], str]:
    """``schema.fold`` as a plain function (called a million times at 100,000 resources)."""
    if type(schema).fold is not KindSchema.fold:  # a kind that folds its own way
        return schema.fold
    return _same if schema.compare == "exact" else str.lower


def folded(schema: KindSchema, ident: Ident) -> Ident:
    fold = folder(schema)
    return tuple(map(fold, ident))


def match_named(
    schema: KindSchema,
    desired: Sequence[Resource],
    live: Sequence[Resource],
    partners: Mapping[Ident, Resource | None] | None = None,
) -> Match:
    """Match a flat kind by own name, or a child kind within its parent's partner.

    ``partners`` maps a desired parent's identity to its live partner (children of a
    parent with no partner are created).
    """
    fold = folder(schema)
    pools: dict[Ident | None, _Pool] = {}
    for resource in live:
        pool = pools.get(resource.parent)
        if pool is None:
            pool = pools[resource.parent] = _Pool(fold)
        pool.add(resource, resource.ident[-1])
    claimed: set[int] = set()
    pairs: list[Resource | None] = [None] * len(desired)
    everywhere = pools.get(None) or _Pool(fold)

    def scope(d: Resource) -> _Pool | None:
        if d.parent is None or partners is None:
            return everywhere
        partner = partners.get(d.parent)
        return (pools.get(partner.ident) or _Pool(fold)) if partner is not None else None

    scopes = [everywhere] * len(desired) if partners is None else [scope(d) for d in desired]
    # 1. exact names: almost every resource of a plan is found here
    for i, d in enumerate(desired):
        pool = scopes[i]
        if pool is not None:
            pairs[i] = pool.take_exact(d.ident[-1], claimed)
    # 2. the looser comparison, then 3. earlier names, for what is left
    left = [i for i, pair in enumerate(pairs) if pair is None and scopes[i] is not None]
    if left:
        own = {(d.parent, fold(d.ident[-1])) for d in desired}
        for rule in ("loose", "renamed"):
            for i in left:
                d, pool = desired[i], scopes[i]
                if pairs[i] is not None or pool is None:
                    continue
                names = _earlier(schema, d, own) if rule == "renamed" else [d.own]
                for name in names:
                    found = pool.find(name, claimed)
                    if found is not None:
                        pairs[i] = found
                        claimed.add(id(found))
                        break
    unmatched = [r for r in live if id(r) not in claimed]
    return Match(desired, pairs, unmatched)


def _earlier(schema: KindSchema, d: Resource, own: set[tuple[Ident | None, str]]) -> list[str]:
    """Earlier own names of ``d`` that are not another entry's own name."""
    return [
        old[-1]
        for old in d.renamed_from
        if (d.parent, schema.fold(old[-1])) not in own or schema.fold(old[-1]) == schema.fold(d.own)
    ]


def match_tree(schema: KindSchema, desired: Sequence[Resource], live: Sequence[Resource]) -> Match:
    """Match a tree kind top-down by name, then by earlier paths, then by unique name in scope.

    Desired resources come in pre-order, so a parent is matched before its children and a
    child is looked for among the children of its parent's partner first. A child whose
    parent is only found in the last step (moved) is looked for under it before its earlier
    paths are followed.
    """
    return _Tree(schema, desired, live).match()


class _Tree:
    """One tree kind's matching (:func:`match_tree`), step by step."""

    def __init__(
        self, schema: KindSchema, desired: Sequence[Resource], live: Sequence[Resource]
    ) -> None:
        self.schema, self.desired, self.live = schema, desired, live
        self.fold = fold = folder(schema)
        self.children: dict[tuple[str, Id | None], _Pool] = {}
        for resource in reversed(live):  # the first listed wins a tie, as the portal shows it
            key = (fold(resource.ident[0]), resource.extra.get("parent_id"))
            pool = self.children.get(key)
            if pool is None:
                pool = self.children[key] = _Pool(fold)
            pool.add(resource, resource.ident[-1])
        self.claimed: set[int] = set()
        self.pairs: list[Resource | None] = [None] * len(desired)
        self.index_of = {d.ident: i for i, d in enumerate(desired)}
        self._own_paths: set[Ident] | None = None
        self._by_path: dict[Ident, Resource] | None = None

    def match(self) -> Match:
        n = range(len(self.desired))
        # 1. structural, top-down
        for i in n:
            self.structural(i)
        if all(pair is not None for pair in self.pairs):
            return self.result()
        # 2. earlier full paths (possibly in another scope: a replace); children of a
        # resource found this way are looked for under it first (pre-order: parent first).
        # An entry whose parent is not found yet waits: if step 3 finds the parent moved, a
        # child of its own name there is its partner (an earlier name is followed only when
        # no portal resource has the entry's own name)
        waiting: list[int] = []
        for i in n:
            if self.pairs[i] is None and not self.structural(i):
                if self.schema.moves and self._parent_unmatched(i):
                    waiting.append(i)
                else:
                    self.earlier_path(i)
        if not self.schema.moves:
            return self.result()
        # 3. moved within its scope; what a waiting entry names as an earlier path is held
        # back until the entries that do not wait have had their turn
        held = {
            id(found)
            for i in waiting
            for old in self.desired[i].renamed_from
            if (p := self.path(old)) not in self.own_paths
            and (found := self.by_path.get(p)) is not None
        }
        index, later = self.by_name(held), set(waiting)
        for i in n:
            if self.pairs[i] is None and not self.structural(i) and i not in later:
                self.moved(i, index)
        # the waiting entries, parents first: own name under the parent's partner, then an
        # earlier path, then moved within the scope
        index = self.by_name(set()) if held else index
        for i in waiting:
            if self.pairs[i] is None and not self.structural(i):
                self.earlier_path(i)
                if self.pairs[i] is None:
                    self.moved(i, index)
        return self.result()

    def result(self) -> Match:
        claimed = self.claimed
        return Match(self.desired, self.pairs, [s for s in self.live if id(s) not in claimed])

    def path(self, ident: Ident) -> Ident:
        return tuple(map(self.fold, ident))

    @property
    def own_paths(self) -> set[Ident]:
        """The desired entries' paths, folded (made on the first look-up by an earlier name)."""
        if self._own_paths is None:
            self._own_paths = {self.path(d.ident) for d in self.desired}
        return self._own_paths

    @property
    def by_path(self) -> dict[Ident, Resource]:
        """Live resources by folded path, the first listed for each."""
        if self._by_path is None:
            self._by_path = {}
            for resource in self.live:
                self._by_path.setdefault(self.path(resource.ident), resource)
        return self._by_path

    def _parent_unmatched(self, i: int) -> bool:
        parent = self.desired[i].parent
        return parent is not None and self.pairs[self.index_of[parent]] is None

    def take(self, i: int, candidate: Resource | None) -> bool:
        if candidate is None or id(candidate) in self.claimed:
            return False
        self.pairs[i] = candidate
        self.claimed.add(id(candidate))
        return True

    def structural(self, i: int) -> bool:
        """Same name (or an earlier name) among the children of the parent's partner."""
        d = self.desired[i]
        parent_id: Id | None = None
        if d.parent is not None:
            parent_partner = self.pairs[self.index_of[d.parent]]
            if parent_partner is None:
                return False
            parent_id = parent_partner.id
        pool = self.children.get((self.fold(d.ident[0]), parent_id))
        if pool is None:
            return False
        if self.take(i, pool.find(d.ident[-1], self.claimed)):
            return True
        if not d.renamed_from:
            return False
        path, own_paths = self.path, self.own_paths
        earlier = (
            pool.find(old[-1], self.claimed)
            for old in d.renamed_from
            if path(old[:-1]) == path(d.ident[:-1]) and path(old) not in own_paths
        )
        return any(self.take(i, candidate) for candidate in earlier)

    def earlier_path(self, i: int) -> None:
        for old in self.desired[i].renamed_from:
            p = self.path(old)
            if p not in self.own_paths and self.take(i, self.by_path.get(p)):
                break

    def by_name(self, held: set[int]) -> dict[tuple[str, str], list[Resource]]:
        """Live resources at no desired path, by (scope, own name) folded; ``held`` left out."""
        fold, own_paths = self.fold, self.own_paths
        index: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for resource in self.live:
            if self.path(resource.ident) not in own_paths and id(resource) not in held:
                index[(fold(resource.ident[0]), fold(resource.ident[-1]))].append(resource)
        return index

    def moved(self, i: int, index: dict[tuple[str, str], list[Resource]]) -> None:
        """Exactly one unclaimed live resource in the scope with that name (an exact
        spelling first)."""
        own = self.desired[i].ident
        options = index.get((self.fold(own[0]), self.fold(own[-1])), [])
        free = [r for r in options if id(r) not in self.claimed]
        exact = [r for r in free if r.ident[-1] == own[-1]]
        chosen = exact if len(exact) == 1 else free
        if len(chosen) == 1:
            self.take(i, chosen[0])
