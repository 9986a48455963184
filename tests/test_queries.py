"""Each app's hand-written SQL (<app>/queries.py) answers what the ORM would, on the suite's database.

scripts/test.sh runs this module on SQLite as well as in the whole suite on PostgreSQL, so a
statement that only one of them understands fails here, not in production.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hub.models import BaseModelLink
from hub.selectors import repository_ancestors, repository_descendants
from moderation.models import Case, EnforcementAction
from moderation.selectors import QueueFilters, case_queue, case_queue_page
from moderation.services.cases import _open_and_clean_cases, case_for_report, repository_with_cases
from moderation.services.enforcement import OutgoingAction
from reports.models import Report
from reports.queries import SURGE_SQL
from tests.factories import RepositoryFactory, decided_case, moderator

pytestmark = pytest.mark.django_db


def _case(repository, *, category: str, state: str, clean_for_days: int | None = None) -> Case:
    case = Case.objects.create(repository=repository, category=category, state=state, priority=10,
                               due_at=timezone.now())  # fmt: skip
    if state == Case.State.RESOLVED:
        clean_until = timezone.now() + timedelta(days=clean_for_days) if clean_for_days else None
        Case.objects.filter(pk=case.pk).update(resolved_at=timezone.now(), clean_until=clean_until)
    return case


def test_a_subjects_open_and_clean_cases_are_the_ones_the_orm_finds():
    repository = RepositoryFactory()
    _case(repository, category="spam", state=Case.State.RESOLVED)  # resolved, not found clean
    _case(repository, category="spam", state=Case.State.RESOLVED, clean_for_days=-1)  # clean, lapsed
    clean = _case(repository, category="spam", state=Case.State.RESOLVED, clean_for_days=30)
    open_case = _case(repository, category="spam", state=Case.State.ESCALATED)
    _case(repository, category="other", state=Case.State.OPEN)  # another category

    by_hand = _open_and_clean_cases({"repository": repository}, "spam")
    found, joined = repository_with_cases(repository.full_name, "spam")

    assert (by_hand.open, by_hand.clean) == (open_case, clean) == (joined.open, joined.clean)
    assert found == repository
    orm_open = Case.objects.filter(repository=repository, category="spam").exclude(state=Case.State.RESOLVED)
    assert list(orm_open) == [open_case]
    assert repository_with_cases("nobody/nothing", "spam") == (None, joined.__class__())


def test_the_claim_takes_exactly_the_actions_the_orm_calls_sendable(seeded):
    decision = decided_case(moderator(), actions=("delist", "label", "warn", "gate"))
    delist, label, warn, gate = decision.actions.order_by("kind")
    now = timezone.now()
    EnforcementAction.objects.filter(pk=label.pk).update(not_before=now + timedelta(days=3))  # held
    EnforcementAction.objects.filter(pk=warn.pk).update(next_attempt_at=now + timedelta(hours=1))  # not due
    EnforcementAction.objects.filter(pk=gate.pk).update(state=EnforcementAction.State.FAILED)
    sendable = EnforcementAction.objects.filter(state=EnforcementAction.State.PENDING, not_before__isnull=True)

    batch = OutgoingAction.claim(limit=10)
    one = OutgoingAction.claim(action_id=warn.pk)  # by id, a retry not yet due is still sendable

    assert [o.pk for o in batch] == [delist.pk] == list(sendable.exclude(pk=warn.pk).values_list("pk", flat=True))
    assert [o.pk for o in one] == [warn.pk]
    assert OutgoingAction.claim(action_id=label.pk) == OutgoingAction.claim(action_id=gate.pk) == []
    assert batch[0].subject_key() == {"repository_id": decision.case.repository_id}
    assert batch[0].uploader_handle == decision.case.repository.owner.handle


def test_the_queue_pages_by_hand_in_the_orms_order():
    for priority in (50, 10, 50, 90, 10):
        case_for_report(repository=RepositoryFactory(), account=None, category="spam")
        Case.objects.filter(pk=Case.objects.latest("id").pk).update(priority=priority)
    expected = list(
        case_queue(filters=QueueFilters()).order_by("-priority", "due_at", "id").values_list("id", flat=True)
    )

    seen, cursor = [], None
    while True:
        page, cursor = case_queue_page(filters=QueueFilters(), cursor=cursor, size=2)
        seen += [row.id for row in page]
        if cursor is None:
            break

    assert seen == expected


def test_each_cases_neighbours_by_hand_are_the_ones_before_and_after_it_in_the_orms_order():
    from moderation.selectors import case_neighbours

    for priority in (50, 10, 50, 90, 10):
        case_for_report(repository=RepositoryFactory(), account=None, category="spam")
        Case.objects.filter(pk=Case.objects.latest("id").pk).update(priority=priority)
    order = list(case_queue(filters=QueueFilters()).order_by("-priority", "due_at", "id"))
    user = moderator()

    for at, case in enumerate(order):
        found = case_neighbours(case=case, user=user)
        assert found.previous == (order[at - 1].pk if at else None)
        assert found.next == (order[at + 1].pk if at + 1 < len(order) else None)


def test_the_surge_count_is_the_distinct_reporters_the_orm_counts(seeded):
    case = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
    for key in ("a", "a", "b", "c"):
        Report.objects.create(case=case, category="spam", source="web", subject_type="repository",
                              subject_ref=case.repository.full_name, reporter_key=key, receipt_digest="x")  # fmt: skip
    since = timezone.now() - timedelta(hours=1)
    distinct = Report.objects.filter(case=case, created_at__gte=since).values("reporter_key").distinct().count()

    def surge(reporter_key: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {SURGE_SQL}", [case.pk, reporter_key, since, case.pk, since])
            return cursor.fetchone()[0]

    assert surge("d") == distinct + 1  # a new reporter adds one
    assert surge("a") == 0  # one already counted cannot raise the count


def test_the_lineage_walks_find_what_following_the_links_one_by_one_finds():
    base = RepositoryFactory()
    child, grandchild, other = RepositoryFactory(), RepositoryFactory(), RepositoryFactory()
    BaseModelLink.objects.create(repository=child, base_full_name=base.full_name, relation="finetune")
    BaseModelLink.objects.create(repository=grandchild, base_full_name=child.full_name, relation="quantized")
    BaseModelLink.objects.create(repository=grandchild, base_full_name=base.full_name, relation="merge")  # a diamond
    BaseModelLink.objects.create(repository=base, base_full_name=grandchild.full_name, relation="merge")  # a cycle
    BaseModelLink.objects.create(repository=other, base_full_name="elsewhere/unsynced", relation="adapter")

    descendants = {(r.full_name, r.depth) for r in repository_descendants(base)}
    ancestors = {(r.full_name, r.depth) for r in repository_ancestors(grandchild)}

    assert descendants == {(child.full_name, 1), (grandchild.full_name, 1)}
    assert ancestors == {(child.full_name, 1), (base.full_name, 1)}
    assert {(r.full_name, r.depth) for r in repository_ancestors(other)} == {("elsewhere/unsynced", 1)}
