"""What the case page shows of the reported subject: the model card at the revision the report
saw, what changed from there to the head, and the lineage as a tree with each relative's state.

A constant number of queries, however many files, reports or relatives: the snapshots of both
revisions in one, the lineage's links in one, the relatives' visibility and open cases in one
(and the two lineage walks, unless the caller already has them from case_context).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils.safestring import SafeString

from hub.models import BaseModelLink, Repository
from hub.selectors import Relative, RevisionDiff, repository_ancestors, repository_descendants, revision_diff
from hubmod.markdown import markdown_safe
from moderation.models import OPEN_CASE_STATES, Case

# Each way; the page says how many more there are. The walks return the nearest first, so the
# relatives shown always hang together as a tree.
LINEAGE_SHOWN = 50


@dataclass(frozen=True)
class CardShown:
    html: SafeString
    revision: str  # the revision this card is from ("" when the repository has none)
    at_reported: bool  # False: the reported revision's card is unknown, this is the head's
    empty: bool


@dataclass(frozen=True)
class LineageNode:
    """A relative, in the tree's order (depth first), with how to nest it in a list: open a new
    list before it (`descend`), or close `ascend` lists before it; `closes` after the last."""

    full_name: str
    depth: int
    # For descendants: what this one is of the one above it ("finetune" of it); for ancestors:
    # what the one above it is of this one (it is the base of a "finetune").
    relation: str
    also: list[str]  # other relatives shown here that it is linked to (a merge, a diamond)
    synced: bool  # a base model the hub never told us about has no row, nor state
    visibility: str
    gated: bool
    open_cases: int
    first_open_case_id: int | None
    descend: bool
    ascend: range


@dataclass(frozen=True)
class LineageTree:
    ancestors: bool  # which way from the subject: up to its bases, or down to what is built on it
    nodes: list[LineageNode]
    total: int  # relatives found, shown or not
    closes: range  # lists still open after the last node

    @property
    def not_shown(self) -> int:
        return self.total - len(self.nodes)


@dataclass(frozen=True)
class CaseSubject:
    repository: Repository
    reported_revision: str
    card: CardShown
    # None: the reported revision is the head, none was named, or hubmod never saw it (`unknown_revision`).
    diff: RevisionDiff | None
    unknown_revision: bool
    ancestors: LineageTree
    descendants: LineageTree

    @property
    def lineage(self) -> list[LineageTree]:
        return [self.ancestors, self.descendants]


@dataclass(frozen=True)
class _State:
    visibility: str
    gated: bool
    open_cases: int
    first_open_case_id: int | None


# For each relative: the names (relatives, or the subject) it is linked to on the subject's side,
# each with the relation of that link.
_Edges = dict[str, dict[str, str]]


def case_subject(
    *, case: Case, ancestors: list[Relative] | None = None, descendants: list[Relative] | None = None
) -> CaseSubject | None:
    """The reported repository as the case page shows it; None for a case about an account."""
    repository = case.repository
    if repository is None:
        return None
    if ancestors is None:
        ancestors = repository_ancestors(repository)
    if descendants is None:
        descendants = repository_descendants(repository)

    reported = case.revision
    # A report may name the commit by the start of its sha, as git abbreviates it.
    at_head = repository.revision.startswith(reported)
    diff = None if at_head else revision_diff(repository, reported)
    unknown = not at_head and diff is None
    if diff is not None:
        card = _card(diff.from_card, revision=diff.from_revision, at_reported=True)
    else:
        card = _card(repository.card, revision=repository.revision, at_reported=not unknown)

    up, down = ancestors[:LINEAGE_SHOWN], descendants[:LINEAGE_SHOWN]
    up_edges, down_edges = _lineage_edges(repository, up, down)
    states = _states({r.full_name for r in (*up, *down)})
    return CaseSubject(
        repository=repository,
        reported_revision=reported,
        card=card,
        diff=diff,
        unknown_revision=unknown,
        ancestors=_tree(repository.full_name, up, up_edges, states, total=len(ancestors), ancestors=True),
        descendants=_tree(repository.full_name, down, down_edges, states, total=len(descendants), ancestors=False),
    )


def _card(text: str, *, revision: str, at_reported: bool) -> CardShown:
    return CardShown(html=markdown_safe(text), revision=revision, at_reported=at_reported, empty=not text.strip())


def _lineage_edges(repository: Repository, up: list[Relative], down: list[Relative]) -> tuple[_Edges, _Edges]:
    """The base-model links among the subject and the relatives shown, in one query."""
    up_edges: _Edges = defaultdict(dict)
    down_edges: _Edges = defaultdict(dict)
    if not up and not down:
        return up_edges, down_edges
    up_names = {r.full_name for r in up}
    down_names = {r.full_name for r in down}
    down_ids = [r.repository_id for r in down if r.repository_id is not None]
    # The repositories first, by key or by name on their own indexes: an OR across the link and its
    # repository made PostgreSQL hash every repository (50-190 ms at 100,000).
    linked = Repository.objects.filter(Q(pk__in=[repository.pk, *down_ids]) | Q(full_name__in=up_names))
    links = BaseModelLink.objects.filter(repository__in=linked.values("pk")).values_list(
        "repository__full_name", "base_full_name", "relation"
    )
    for built, base, relation in links:
        if built in down_names:
            down_edges[built][base] = relation
        if base in up_names:
            # Walking up, the one built on a base is the nearer of the two.
            up_edges[base][built] = relation
    return up_edges, down_edges


def _states(names: set[str]) -> dict[str, _State]:
    """Visibility and open cases of the relatives hubmod has synced, in one query."""
    if not names:
        return {}
    open_cases = Q(cases__state__in=OPEN_CASE_STATES)
    rows = (
        Repository.objects.filter(full_name__in=names)
        .values("full_name", "visibility", "gated")
        .annotate(open_cases=Count("cases", filter=open_cases), first_open=Min("cases__id", filter=open_cases))
        .order_by()
    )
    return {
        row["full_name"]: _State(row["visibility"], row["gated"], row["open_cases"], row["first_open"]) for row in rows
    }


def _tree(
    root: str, relatives: list[Relative], edges: _Edges, states: dict[str, _State], *, total: int, ancestors: bool
) -> LineageTree:
    """The relatives as a tree under the subject: each hangs under a relative one step nearer
    that it is linked to (the first by name, when a merge or a diamond gives it more than one)."""
    depth_of = {root: 0, **{r.full_name: r.depth for r in relatives}}
    children: dict[str, list[Relative]] = defaultdict(list)
    placed: dict[str, tuple[str, list[str]]] = {}  # name -> (relation, the others it is linked to)
    for relative in relatives:
        linked = edges.get(relative.full_name, {})
        nearer = sorted(name for name in linked if depth_of.get(name) == relative.depth - 1)
        # The walk reaches a relative only through a link from one a step nearer, and shows the
        # nearest first, so that one is here; the subject is the fallback all the same.
        parent = nearer[0] if nearer else root
        children[parent].append(relative)
        others = sorted(name for name in linked if name in depth_of and name != parent)
        placed[relative.full_name] = (linked.get(parent, ""), others)

    nodes: list[LineageNode] = []
    previous_depth = 0

    def visit(name: str, depth: int) -> None:
        nonlocal previous_depth
        for relative in sorted(children.get(name, []), key=lambda r: r.full_name):
            relation, others = placed[relative.full_name]
            state = states.get(relative.full_name)
            nodes.append(
                LineageNode(
                    full_name=relative.full_name,
                    depth=depth,
                    relation=relation,
                    also=others,
                    synced=state is not None,
                    visibility=state.visibility if state else "",
                    gated=state.gated if state else False,
                    open_cases=state.open_cases if state else 0,
                    first_open_case_id=state.first_open_case_id if state else None,
                    descend=depth > previous_depth,
                    ascend=range(max(previous_depth - depth, 0)),
                )
            )
            previous_depth = depth
            visit(relative.full_name, depth + 1)

    visit(root, 1)
    return LineageTree(ancestors=ancestors, nodes=nodes, total=total, closes=range(previous_depth))
