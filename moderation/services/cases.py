"""Cases: opening them for reports, and every move a moderator makes on one short of deciding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.models import Account, Repository
from hubmod import hooks
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Conflict, Forbidden, NotFound
from hubmod.sql import planned_once, rows_as, split_row
from moderation.models import OPEN_CASE_STATES, Case, Decision
from moderation.queries import OPEN_AND_CLEAN_SQL, REPOSITORY_AND_CASES_SQL
from moderation.restriction import (
    RESTRICTED_CATEGORIES,
    ROUTED_TO_LEGAL_REASON,
    case_is_restricted,
    may_work_restricted,
)
from policy.models import SlaRule
from policy.sla import Sla, sla_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Attachment:
    """Where a new report went: its case, whether it opened it, whether it joined a clean one."""

    case: Case
    opened: bool = False
    joined_clean: bool = False


@dataclass(frozen=True)
class SubjectCases:
    """A subject's open case in a category and its latest case found clean, as read together."""

    open: Case | None = None
    clean: Case | None = None

    @classmethod
    def of(cls, cases: Iterable[Case]) -> SubjectCases:
        open_case = clean_case = None
        for case in cases:
            if case.state in OPEN_CASE_STATES:
                open_case = case
            elif clean_case is None or _resolved_at(case) > _resolved_at(clean_case):
                clean_case = case
        return cls(open_case, clean_case)


def _resolved_at(case: Case) -> datetime:
    # A case that is not open has been resolved: it has its time.
    return cast(datetime, case.resolved_at)


def _open_and_clean_cases(subject: dict[str, Repository | Account], category: str) -> SubjectCases:
    [(relation, row)] = subject.items()
    sql = OPEN_AND_CLEAN_SQL.format(subject_column=f"{relation}_id")
    return SubjectCases.of(rows_as(Case, sql, [row.pk, category, timezone.now()]))


def repository_with_cases(full_name: str, category: str) -> tuple[Repository | None, SubjectCases]:
    """The repository named `full_name` and its open and clean cases in `category`, in one query."""
    with planned_once() as cursor:
        cursor.execute(REPOSITORY_AND_CASES_SQL, [category, timezone.now(), full_name])
        rows = [split_row(row, Repository, Case) for row in cursor.fetchall()]
    if not rows:
        return None, SubjectCases()
    # Each row is the repository, with one of its cases or none (a LEFT JOIN).
    return cast(Repository, rows[0][0]), SubjectCases.of(cast(Case, case) for _, case in rows if case is not None)


def _brings_new_evidence(case: Case, *, evidence_files: int, path: str, revision: str) -> bool:
    if evidence_files:
        return True
    if revision and case.revision and revision != case.revision:
        return True
    return bool(path) and not case.reports.filter(path=path).exists()


def case_for_report(
    *,
    repository: Repository | None,
    account: Account | None,
    category: str,
    revision: str = "",
    path: str = "",
    evidence_files: int = 0,
    trusted: bool = False,
    known: SubjectCases | None = None,
) -> Attachment:
    """The case a new report joins: the open one for (subject, category), else a new one.

    A partial unique index allows one open case per subject and category, so two reports racing
    here cannot open two: the loser's insert fails and it joins the winner's case. A subject
    reviewed and found clean keeps new reports out of the queue for a while (the answer to
    brigading), unless they come from a trusted flagger or bring new evidence. `known` is the
    subject's cases when the caller has just read them (`repository_with_cases`).
    """
    # A report is about a repository or, failing that, an account (intake checked which).
    subject: dict[str, Repository | Account] = (
        {"repository": repository} if repository is not None else {"account": cast(Account, account)}
    )
    sla = sla_for(category, trusted=trusted)
    cases = known if known is not None else _open_and_clean_cases(subject, category)
    existing, clean = cases.open, cases.clean
    if (
        clean is not None
        and not trusted
        and not _brings_new_evidence(clean, evidence_files=evidence_files, path=path, revision=revision)
    ):
        return Attachment(clean, joined_clean=True)
    for _ in range(3):
        if existing is not None:
            if trusted:
                _raise_urgency(existing, sla)
            return Attachment(existing)
        # Child-safety cases belong to legal from the start: they open marked for legal, so only
        # legal may take them (a release hands them back to legal, not to the general queue).
        routed = (
            {"escalated_to": Case.EscalatedTo.LEGAL, "escalation_reason": ROUTED_TO_LEGAL_REASON}
            if category in RESTRICTED_CATEGORIES
            else {}
        )
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    **subject,
                    category=category,
                    priority=sla.priority,
                    due_at=timezone.now() + sla.time_to_decision,
                    revision=revision,
                    **routed,
                )
        except IntegrityError:
            # Lost a race to open the case: the winner's is there now.
            existing = Case.objects.filter(**subject, category=category, state__in=OPEN_CASE_STATES).first()
            continue
        hooks.case_opened.send(sender="moderation", case=case)
        return Attachment(case, opened=True)
    raise Conflict("Could not open a case for this report; try again.")


def _raise_urgency(case: Case, sla: Sla) -> None:
    """A trusted flagger's report lifts a case to their priority and due date, never lowers it."""
    due = timezone.now() + sla.time_to_decision
    Case.objects.filter(pk=case.pk, priority__lt=sla.priority).update(priority=sla.priority)
    Case.objects.filter(pk=case.pk, due_at__gt=due).update(due_at=due)


def case_mark_surge(*, case_id: int, actor: Actor, distinct_reporters: int, window_minutes: int) -> bool:
    """Flag a case many distinct people reported at once; returns whether it was newly flagged.

    A surge is a signal for moderators (brigading or a real incident), never grounds for action.
    """
    flagged = Case.objects.filter(pk=case_id, surge_detected_at__isnull=True).update(surge_detected_at=timezone.now())
    if flagged:
        audit.record(
            actor=actor,
            verb="case.surge_detected",
            target=Case.objects.get(pk=case_id),
            data={"distinct_reporters": distinct_reporters, "window_minutes": window_minutes},
        )
    return bool(flagged)


def locked_case(case_id: int, *, field: str | None = None) -> Case:
    """The case, locked; not found is a 404, or, when the id came in the body's `field`, a 400 on it."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        if field is not None:
            raise ApplicationError("No such case.", field_errors={field: ["No case has this id."]})
        raise NotFound("No case has this id.")
    return case


def _require_owner_or_senior(case: Case, actor: Actor, verb: str) -> None:
    """A claimed case is its assignee's to hand on; seniors (assign_case) may move anyone's."""
    claimed_by_other = case.state == Case.State.IN_REVIEW and case.assignee_id != actor.user_id
    if claimed_by_other and not actor.has_perm("moderation.assign_case"):
        raise Forbidden(f"Only the assignee or a senior moderator can {verb} this case.")


def _require_legal_for_restricted(case: Case, who: Actor, verb: str) -> None:
    if case_is_restricted(case) and not may_work_restricted(who):
        raise Forbidden(f"Only legal can {verb} this case: it is restricted (child safety or escalated to legal).")


@transaction.atomic
def case_claim(*, case_id: int, actor: Actor) -> Case:
    case = locked_case(case_id)
    _require_legal_for_restricted(case, actor, "take")
    name = "claim_escalated" if case.state == Case.State.ESCALATED else "claim"
    audit.transition(case, name, actor=actor, by=actor.user)
    return case


@transaction.atomic
def case_release(*, case_id: int, actor: Actor) -> Case:
    case = locked_case(case_id)
    _require_owner_or_senior(case, actor, "release")
    audit.transition(case, "release", actor=actor)
    return case


@transaction.atomic
def case_reassign(*, case_id: int, actor: Actor, to: User) -> Case:
    """Hand a claimed case to another moderator: your own, or anyone's with assign_case."""
    case = locked_case(case_id)
    _require_owner_or_senior(case, actor, "reassign")
    if not (to.is_active and to.has_perm("moderation.decide_case")):
        raise ApplicationError("Not a moderator.", field_errors={"assignee": [f"{to} cannot decide cases."]})
    if case_is_restricted(case) and not may_work_restricted(to):
        raise ApplicationError(
            "Not legal.", field_errors={"assignee": [f"{to} is not legal; only legal works restricted cases."]}
        )
    audit.transition(case, "reassign", actor=actor, to=to, data={"assignee": to.get_username()})
    return case


@transaction.atomic
def case_escalate(*, case_id: int, actor: Actor, reason: str, to: str = Case.EscalatedTo.SENIOR) -> Case:
    case = locked_case(case_id)
    audit.transition(case, "escalate", actor=actor, reason=reason, to=to)
    return case


MAX_MUTE_DAYS = 365


def case_mutable(case: Case, latest: Decision | None) -> bool:
    """Whether a case's subject may be muted: the case is resolved and its latest decision
    (`latest`) found it clean. The page asks before it offers the form, the service before it mutes."""
    return case.state == Case.State.RESOLVED and latest is not None and latest.outcome == Decision.Outcome.DISMISSED


@transaction.atomic
def case_mute(*, case_id: int, actor: Actor, days: int) -> Case:
    """Mute the subject of a case reviewed clean for `days` from now (0 ends the mute): until then,
    reports in its category join it without entering the queue, unless they come from a trusted
    flagger or bring new evidence (`case_for_report`). The answer to a brigade after a clean review."""
    if not actor.has_perm("moderation.decide_case"):
        raise Forbidden("Only a moderator can mute a subject.")
    if not 0 <= days <= MAX_MUTE_DAYS:
        raise ApplicationError(
            "Mute for 0 to 365 days.", field_errors={"days": [f"Give 0 (end the mute) to {MAX_MUTE_DAYS} days."]}
        )
    case = locked_case(case_id)
    if not case_mutable(case, case.decisions.order_by("-id").first()):
        raise Conflict("Only a case reviewed and found clean can be muted; this one is not.", state=case.state)
    now = timezone.now()
    case.clean_until = now + timedelta(days=days) if days else now
    case.save(update_fields=["clean_until", "updated_at"])
    if days:
        muted = {"days": days, "until": case.clean_until.isoformat()}
        audit.record(actor=actor, verb="case.mute", target=case, data=muted)
    else:
        audit.record(actor=actor, verb="case.unmute", target=case, data={})
    return case


def cases_escalate_overdue() -> int:
    """Beat: escalate cases overdue by more than their SLA allows; each in its own transaction."""
    now = timezone.now()
    escalated = 0
    for rule in SlaRule.objects.all():
        overdue = Case.objects.filter(
            category=rule.category,
            state__in=[Case.State.OPEN, Case.State.IN_REVIEW, Case.State.REOPENED],
            due_at__lt=now - timedelta(hours=rule.escalate_after_hours),
        ).values_list("pk", flat=True)[:500]
        for case_id in overdue:
            try:
                case_escalate(
                    case_id=case_id,
                    actor=SYSTEM,
                    reason=f"Overdue: no decision {rule.escalate_after_hours} h past the SLA for {rule.category}.",
                )
            except Conflict:
                continue  # decided or escalated meanwhile
            escalated += 1
    return escalated


BULK_ACTIONS = ("dismiss", "escalate", "assign")


@dataclass(frozen=True)
class BulkOutcome:
    id: int
    ok: bool
    state: str | None = None
    error: str = ""


def cases_bulk(*, actor: Actor, case_ids: list[int], action: str, **params: Any) -> list[BulkOutcome]:
    """Apply one action to many cases, each on its own (and audited); one failure stops none."""
    from moderation.services.decisions import case_dismiss

    outcomes = []
    for case_id in case_ids:
        try:
            if action == "dismiss":
                with transaction.atomic():
                    case = locked_case(case_id)
                    if case.state in (Case.State.OPEN, Case.State.REOPENED, Case.State.ESCALATED):
                        case_claim(case_id=case_id, actor=actor)
                    case_dismiss(case_id=case_id, actor=actor, reason=params["reason"], statement=params["statement"])
            elif action == "escalate":
                case_escalate(case_id=case_id, actor=actor, reason=params["reason"], to=params.get("to", "senior"))
            elif action == "assign":
                with transaction.atomic():
                    case = Case.objects.select_for_update().get(pk=case_id)
                    if case.state != Case.State.IN_REVIEW:
                        case_claim(case_id=case_id, actor=actor)
                    case_reassign(case_id=case_id, actor=actor, to=params["assignee"])
        except ApplicationError as exc:
            outcomes.append(BulkOutcome(case_id, False, error=exc.message))
            continue
        outcomes.append(BulkOutcome(case_id, True, Case.objects.values_list("state", flat=True).get(pk=case_id)))
    return outcomes
