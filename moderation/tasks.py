"""Thin Celery tasks: take ids, call a service, retry what the service says to retry."""

from celery import shared_task

from moderation.services import appeals, cases, enforcement, lineage, notices, questions


@shared_task(name="moderation.enforcement_drain", bind=True, acks_late=True)
def enforcement_drain(self) -> int:
    # Run eagerly (tests, or inside a web request), the next batch waits for this one's commit.
    return enforcement.enforcement_drain(parallel=not self.request.is_eager).applied


# Actions are sent in batches by `enforcement_drain`; this one-action task stays for messages
# queued before batches existed, and for an operator sending one action by hand.
@shared_task(name="moderation.enforcement_deliver", bind=True, acks_late=True, max_retries=None)
def enforcement_deliver(self, action_id: int) -> None:
    retry_in = enforcement.enforcement_deliver(action_id=action_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)
    # Run eagerly (inside a web request), a retry is left to the beat sweeper: the request
    # that made the decision must not wait for the hub.


@shared_task(name="moderation.enforcement_sweep", acks_late=True)
def enforcement_sweep() -> int:
    return enforcement.enforcement_sweep()


@shared_task(
    name="moderation.decision_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def decision_notify(decision_id: int) -> None:
    notices.decision_notify(decision_id=decision_id)


@shared_task(
    name="moderation.lineage_inform", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def lineage_inform(action_id: int) -> int:
    return notices.lineage_inform(action_id=action_id)


@shared_task(
    name="moderation.appeal_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def appeal_notify(appeal_id: int) -> None:
    notices.appeal_notify(appeal_id=appeal_id)


@shared_task(name="moderation.cases_escalate_overdue", acks_late=True)
def cases_escalate_overdue() -> int:
    return cases.cases_escalate_overdue()


@shared_task(name="moderation.enforcement_expire", acks_late=True)
def enforcement_expire() -> int:
    return enforcement.enforcement_expire()


@shared_task(name="moderation.remediation_check", acks_late=True)
def remediation_check(repository_id: int) -> int:
    return enforcement.remediation_check(repository_id=repository_id)


@shared_task(name="moderation.lineage_open_cases", acks_late=True)
def lineage_open_cases(decision_id: int) -> int:
    return lineage.lineage_open_cases(decision_id=decision_id)


@shared_task(name="moderation.notices_sweep", acks_late=True)
def notices_sweep() -> int:
    # Questions to uploaders are e-mails the broker may lose the same way.
    return notices.notices_sweep() + questions.questions_sweep()


@shared_task(
    name="moderation.question_send", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def question_send(question_id: int) -> bool:
    return questions.question_send(question_id=question_id)


@shared_task(name="moderation.lineage_sweep", acks_late=True)
def lineage_sweep() -> int:
    return lineage.lineage_sweep()


@shared_task(name="moderation.counter_notices_restore", acks_late=True)
def counter_notices_restore() -> int:
    return appeals.counter_notices_restore()


@shared_task(
    name="moderation.counter_notice_forward",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=10,
)
def counter_notice_forward(appeal_id: int) -> None:
    notices.counter_notice_forward(appeal_id=appeal_id)
