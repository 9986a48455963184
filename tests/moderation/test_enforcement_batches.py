"""Enforcement in batches: one drain sends many actions and records them in one transaction, skips
what another worker holds, backs off a hub in trouble, and a burst of decisions queues one drain."""

import threading

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from hubmod.audit.log import verify_chain
from hubmod.audit.models import AuditEvent
from hubmod.celery import app as celery_app
from moderation.models import Decision, EnforcementAction
from moderation.services.cases import case_for_report
from moderation.services.enforcement import enforcement_drain, enforcement_wake
from policy.models import PolicySection
from tests.factories import RepositoryFactory, moderator

postgresql_only = pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks (SKIP LOCKED) are PostgreSQL's",
)


def _pending(kind: str = "label", count: int = 1, **fields) -> list[EnforcementAction]:
    """`count` pending actions, each of its own decision on its own repository."""
    section = PolicySection.objects.first()
    actions = []
    for _ in range(count):
        case = case_for_report(repository=RepositoryFactory(), account=None, category="other").case
        decision = Decision.objects.create(
            case=case, outcome="actioned", decided_by=moderator(), appeal_deadline=timezone.now(), ground_label="x",
            statement="x", requested_actions=[kind], policy_section=section,
        )  # fmt: skip
        actions.append(EnforcementAction.objects.create(decision=decision, kind=kind, **fields))
    return actions


def _states(actions) -> list[str]:
    return [EnforcementAction.objects.get(pk=a.pk).state for a in actions]


@pytest.mark.django_db
def test_one_drain_applies_a_batch_each_sent_once_and_the_audit_chain_holds(seeded, hub_receiver):
    actions = _pending("delist", count=5)

    drained = enforcement_drain(parallel=False)

    assert (drained.claimed, drained.applied, drained.next_in) == (5, 5, None)
    assert _states(actions) == ["applied"] * 5
    assert sorted(d.payload["decision"] for d in hub_receiver.verified()) == sorted(a.decision_id for a in actions)
    assert {e.verb for e in AuditEvent.objects.filter(seq__isnull=False)} >= {
        "enforcementaction.mark_applied",
        "repository.delist",
    }
    assert AuditEvent.objects.filter(verb="enforcementaction.mark_applied").count() == 5
    assert verify_chain().broken_seq is None


@pytest.mark.django_db
def test_a_drain_takes_at_most_a_batch_and_leaves_the_rest_pending(seeded, hub_receiver, settings):
    settings.ENFORCEMENT_BATCH = 3
    actions = _pending(count=4)

    first = enforcement_drain(parallel=False)

    assert (first.claimed, first.applied) == (3, 3)
    assert _states(actions) == ["applied", "applied", "applied", "pending"]


@pytest.mark.django_db
def test_a_hub_in_trouble_stops_the_batch_and_the_unsent_wait_without_an_attempt_counted(seeded, hub_receiver):
    hub_receiver.script[:] = [503]
    actions = _pending(count=3)

    drained = enforcement_drain(parallel=False)
    later = enforcement_drain(parallel=False)  # nothing is due yet

    first, *rest = (EnforcementAction.objects.get(pk=a.pk) for a in actions)
    assert len(hub_receiver.deliveries) == 1
    assert (first.state, first.attempts) == ("pending", 1)
    assert [(a.state, a.attempts) for a in rest] == [("pending", 0), ("pending", 0)]
    assert all(a.next_attempt_at > timezone.now() for a in (first, *rest))
    assert drained.next_in >= django_settings.ENFORCEMENT_RETRY_BASE_SECONDS
    assert later.claimed == 0


@pytest.mark.django_db
def test_a_held_action_is_left_for_its_remediation_window(seeded, hub_receiver):
    [held] = _pending(not_before=timezone.now() + timezone.timedelta(days=2))

    assert enforcement_drain(parallel=False).claimed == 0
    assert _states([held]) == ["pending"]
    assert hub_receiver.deliveries == []


@pytest.mark.django_db
def test_a_reversal_of_a_failed_action_fails_without_reaching_the_hub(seeded, hub_receiver):
    [original] = _pending("delist")
    EnforcementAction.objects.filter(pk=original.pk).update(state="failed")
    reversal = EnforcementAction.objects.create(decision_id=original.decision_id, kind="delist", reverses=original)

    enforcement_drain(parallel=False)

    reversal.refresh_from_db()
    assert reversal.state == "failed"
    assert "never applied" in reversal.last_error
    assert hub_receiver.deliveries == []


@pytest.mark.django_db
def test_a_reversal_waits_while_what_it_undoes_is_pending(seeded, hub_receiver):
    [original] = _pending("delist", not_before=timezone.now() + timezone.timedelta(days=1))
    reversal = EnforcementAction.objects.create(decision_id=original.decision_id, kind="delist", reverses=original)

    drained = enforcement_drain(parallel=False)

    reversal.refresh_from_db()
    assert (reversal.state, reversal.attempts) == ("pending", 0)
    assert reversal.next_attempt_at > timezone.now()
    assert drained.next_in == django_settings.ENFORCEMENT_RETRY_BASE_SECONDS
    assert hub_receiver.deliveries == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_action_another_worker_is_sending_is_skipped_not_sent_twice(seeded, hub_receiver):
    held, free = _pending(count=2)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        # Another worker's batch: its claim holds the row until its transaction ends.
        with transaction.atomic():
            EnforcementAction.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        assert locked.wait(timeout=30)
        drained = enforcement_drain(parallel=False)
    finally:
        release.set()
        worker.join()
    after = enforcement_drain(parallel=False)

    assert (drained.claimed, after.claimed) == (1, 1)
    assert _states([held, free]) == ["applied", "applied"]
    assert [d.payload["decision"] for d in hub_receiver.verified()] == [free.decision_id, held.decision_id]


@pytest.mark.skipif(not django_settings.TASKS_COALESCE, reason="coalescing needs a cache shared by every process")
@pytest.mark.django_db
def test_a_burst_of_decisions_queues_one_drain_until_it_starts(seeded, hub_receiver):
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    queue = celery_app.conf.task_default_queue
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    broker.delete(queue)
    try:
        for _ in range(10):
            enforcement_wake()
        queued_by_the_burst = broker.llen(queue)
        enforcement_drain(parallel=False)  # the queued drain starts: the next decision needs its own
        enforcement_wake()
        queued_after_it_started = broker.llen(queue)
    finally:
        broker.delete(queue)
        celery_app.conf.task_always_eager = previous

    assert (queued_by_the_burst, queued_after_it_started) == (1, 2)
