"""Cases, decisions, enforcement actions and appeals, with their state machines.

Transitions here only set state and derived fields; they never do I/O. Services call them through
hubmod.audit.log.transition, which checks permission, saves and audits.
"""

import uuid
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from hub.models import Account, Repository
from hubmod.actors import permission_explained
from hubmod.db import TimestampedModel
from licenses.models import LicenseClause
from policy.models import Intent, PolicySection, Severity


class CaseState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In Review")
    ESCALATED = "escalated", _("Escalated")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting Approval")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")


# Everything but resolved: the partial unique index of one open case per subject and category.
OPEN_CASE_STATES = tuple(state.value for state in CaseState if state != CaseState.RESOLVED)


class Case(ConcurrentTransitionMixin, TimestampedModel):
    """All reports on one subject in one category, and what was decided about them."""

    State = CaseState

    class EscalatedTo(models.TextChoices):
        SENIOR = "senior", _("senior moderators")
        LEGAL = "legal", _("legal")

    repository = models.ForeignKey(Repository, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    category = models.CharField(max_length=32)
    state = FSMField(default=State.OPEN, choices=State.choices, protected=True)
    priority = models.PositiveSmallIntegerField(default=0, help_text="Higher is more urgent.")
    due_at = models.DateTimeField()
    revision = models.CharField(max_length=64, blank=True, help_text="The commit the first report saw.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    escalation_reason = models.TextField(blank=True)
    # Once escalated, a case stays with seniors or legal: release hands it back to them, not the queue.
    escalated_to = models.CharField(max_length=16, choices=EscalatedTo.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Reviewed and found clean: until then, new reports in its category join it without re-queuing.
    clean_until = models.DateTimeField(null=True, blank=True)
    # Many distinct people reported it in a short window. Shown in the queue; never enforces.
    surge_detected_at = models.DateTimeField(null=True, blank=True)
    # Opened because a base model this repository is built on was actioned (lineage follow-up).
    linked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="linked_cases"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(repository__isnull=False, account__isnull=True)
                | Q(repository__isnull=True, account__isnull=False),
                name="case_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["repository", "category"],
                condition=Q(state__in=OPEN_CASE_STATES, repository__isnull=False),
                name="case_one_open_per_repository_category",
            ),
            models.UniqueConstraint(
                fields=["account", "category"],
                condition=Q(state__in=OPEN_CASE_STATES, account__isnull=False),
                name="case_one_open_per_account_category",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-priority", "due_at", "id"], name="case_queue_idx"),
            # The default queue asks for every open state at once; only a partial index in the
            # queue's own order lets that page read 51 rows instead of sorting all open cases.
            # The queue's order as one ascending key, so a cursor is one range scan (selectors).
            models.Index(
                F("priority") * -1,
                F("due_at"),
                F("id"),
                condition=Q(state__in=OPEN_CASE_STATES),
                name="case_open_queue_keyset_idx",
            ),
        ]
        permissions = [
            ("claim_case", "Claim, release and escalate cases"),
            ("decide_case", "Decide and dismiss cases"),
            ("reopen_case", "Reopen resolved cases"),
            ("handle_escalated_case", "Take escalated cases"),
            ("assign_case", "Assign cases to other moderators"),
            ("decommission_repository", "Remove a repository for good"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.category}, {self.subject})"

    @property
    def subject(self) -> Repository | Account:
        return self.repository if self.repository is not None else self._account

    @property
    def subject_type(self) -> str:
        return "repository" if self.repository_id else "account"

    @property
    def subject_name(self) -> str:
        """How the hub names the subject: owner/name, or the account's handle."""
        return self.repository.full_name if self.repository is not None else self._account.handle

    @property
    def assignee_name(self) -> str | None:
        return self.assignee.username if self.assignee is not None else None

    @property
    def uploader(self) -> Account:
        return self.repository.owner if self.repository is not None else self._account

    @property
    def _account(self) -> Account:
        # case_has_one_subject: a case without a repository has an account.
        return cast(Account, self.account)

    @transition(
        field=state, source=[State.OPEN, State.REOPENED], target=State.IN_REVIEW, permission="moderation.claim_case"
    )
    def claim(self, *, by) -> None:
        self.assignee = by

    @transition(
        field=state, source=State.ESCALATED, target=State.IN_REVIEW, permission="moderation.handle_escalated_case"
    )
    def claim_escalated(self, *, by) -> None:
        self.assignee = by

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=RETURN_VALUE(State.OPEN, State.ESCALATED),
        permission="moderation.claim_case",
    )
    def release(self) -> str:
        self.assignee = None
        return self.State.ESCALATED if self.escalated_to else self.State.OPEN

    @transition(field=state, source=State.IN_REVIEW, target=State.IN_REVIEW, permission="moderation.claim_case")
    def reassign(self, *, to) -> None:
        self.assignee = to

    @transition(
        field=state,
        source=[State.OPEN, State.IN_REVIEW, State.REOPENED],
        target=State.ESCALATED,
        permission="moderation.claim_case",
    )
    def escalate(self, *, reason: str, to: str) -> None:
        self.escalation_reason = reason
        self.escalated_to = to
        self.assignee = None

    @transition(field=state, source=State.IN_REVIEW, target=State.RESOLVED, permission="moderation.decide_case")
    def resolve(self, *, at) -> None:
        self.resolved_at = at

    @transition(
        field=state, source=State.IN_REVIEW, target=State.AWAITING_APPROVAL, permission="moderation.decide_case"
    )
    def propose(self) -> None:
        pass

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.RESOLVED, permission="moderation.decide_case")
    def approve(self, *, at) -> None:
        self.resolved_at = at

    @transition(
        field=state, source=State.AWAITING_APPROVAL, target=State.IN_REVIEW, permission="moderation.decide_case"
    )
    def send_back(self) -> None:
        pass

    @transition(field=state, source=State.RESOLVED, target=State.REOPENED, permission="moderation.reopen_case")
    def reopen(self) -> None:
        self.resolved_at = None
        self.assignee = None
        self.clean_until = None


def _second_pair_of_eyes(decision: "Decision", actor) -> bool:
    """Four-eyes: the approver is a moderator who is not the decider."""
    return actor.has_perm("moderation.decide_case") and decision.decided_by_id != getattr(actor, "user_id", None)


def _why_not_second_pair_of_eyes(decision: "Decision", actor) -> str:
    if not actor.has_perm("moderation.decide_case"):
        return "Only a moderator may approve or reject a proposed decision."
    return (
        f"You proposed decision {decision.pk}; four-eyes means another moderator approves or rejects it. "
        "Ask a colleague to review it."
    )


_FOUR_EYES = permission_explained(_second_pair_of_eyes, _why_not_second_pair_of_eyes)


class Decision(ConcurrentTransitionMixin, TimestampedModel):
    """What was decided on a case, on which ground, and why: the statement of reasons."""

    class Outcome(models.TextChoices):
        ACTIONED = "actioned"
        DISMISSED = "dismissed"

    Intent = Intent

    class Approval(models.TextChoices):
        PROPOSED = "proposed"
        EFFECTIVE = "effective"
        REJECTED = "rejected"

    class DismissalReason(models.TextChoices):
        # Labels are shown to reporters in their language; the English ones are the defaults.
        NO_VIOLATION = "no_violation", _("No Violation")
        NOT_ACTIONABLE = "not_actionable", _("Not Actionable")
        DUPLICATE = "duplicate", _("Duplicate")
        UNFOUNDED = "unfounded", _("Unfounded")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    dismissal_reason = models.CharField(max_length=32, choices=DismissalReason.choices, blank=True)
    policy_section = models.ForeignKey(PolicySection, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    license_clause = models.ForeignKey(LicenseClause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The clause exactly as it read when cited: its history record, kept even if admins edit it later.
    license_clause_version = models.ForeignKey(
        LicenseClause.history.model, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The ground as it read when decided, so later edits of policy or license never rewrite it.
    ground_label = models.CharField(max_length=300, blank=True)
    ground_text = models.TextField(blank=True)
    intent = models.CharField(max_length=16, choices=Intent.choices, default=Intent.UNKNOWN)
    # A compromised account: since when someone else had it (what a rollback goes back before).
    compromised_since = models.DateTimeField(null=True, blank=True)
    statement = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions")
    automated_detection = models.BooleanField(default=False)
    automated_decision = models.BooleanField(default=False)
    territorial_scope = models.CharField(max_length=64, default="worldwide")
    appeal_deadline = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    # What was decided (kept even before any action exists), what the strike ladder recommended,
    # and why the decider departed from it.
    requested_actions = models.JSONField(default=list, blank=True)
    recommended_actions = models.JSONField(default=list, blank=True)
    departure_reason = models.TextField(blank=True)
    # Four-eyes: some decisions take effect only once a second moderator approves them.
    approval = FSMField(default=Approval.EFFECTIVE, choices=Approval.choices, protected=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_decisions"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # Time-boxed: the actions are reverted by beat at this moment.
    effective_until = models.DateTimeField(null=True, blank=True)
    # Remediation window: the uploader may fix the reported files before the actions apply.
    remediation_deadline = models.DateTimeField(null=True, blank=True)
    remediated_at = models.DateTimeField(null=True, blank=True)
    # When the linked cases for models built on the subject were opened (lineage follow-up).
    lineage_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(policy_section__isnull=False) & Q(license_clause__isnull=False)),
                name="decision_one_ground",
            ),
            models.CheckConstraint(
                condition=Q(outcome="dismissed") | Q(policy_section__isnull=False) | Q(license_clause__isnull=False),
                name="decision_actioned_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} on case {self.case_id}"

    @transition(field=approval, source=Approval.PROPOSED, target=Approval.EFFECTIVE, permission=_FOUR_EYES)
    def approve(self, *, by, at) -> None:
        self.approved_by = by
        self.approved_at = at

    @transition(field=approval, source=Approval.PROPOSED, target=Approval.REJECTED, permission=_FOUR_EYES)
    def reject(self, *, by, reason: str) -> None:
        self.approved_by = by
        self.rejection_reason = reason


class EnforcementAction(ConcurrentTransitionMixin, TimestampedModel):
    """One thing the hub must do for a decision, or undo for an overturned one."""

    class Kind(models.TextChoices):
        # Labels are shown to uploaders and reporters in their language (the notice page, e-mails).
        WARN = "warn", _("Warn")
        LABEL = "label", _("Label")
        DELIST = "delist", _("Delist")
        GATE = "gate", _("Gate")
        DISABLE = "disable", _("Disable")
        REMOVE_FILES = "remove_files", _("Remove Files")
        RESTRICT_ACCOUNT = "restrict_account", _("Restrict Account")
        SUSPEND_ACCOUNT = "suspend_account", _("Suspend Account")
        REMOVE = "remove", _("Remove the repository for good")
        # Kept, with nothing downloadable and no push accepted, until lifted: the evidence survives
        # and a granted appeal restores everything.
        QUARANTINE = "quarantine", _("Quarantine")
        # For a compromised account, protecting its owner: the hub revokes its access tokens and
        # accepts no push until the owner has secured it, and puts the repository back as it was.
        SECURE_ACCOUNT = "secure_account", _("Revoke the account's tokens and freeze its pushes")
        ROLLBACK = "rollback", _("Roll back to the last revision before the compromise")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")
        REVERTED = "reverted", _("Reverted")
        CANCELLED = "cancelled", _("Cancelled")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Set on a reversal: the applied action this one undoes.
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal")
    state = FSMField(default=State.PENDING, choices=State.choices, protected=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Held until then (a remediation window); reverted by beat at `ends_at` (a time-boxed action).
    not_before = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # A rollback's target: the last revision the hub published before the account was compromised.
    rollback_to = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="enforcement_pending_idx"),
        ]
        permissions = [
            ("apply_enforcement", "Record the hub's answer to an enforcement action (system only)"),
            ("retry_enforcement", "Retry a failed enforcement action"),
        ]

    def __str__(self) -> str:
        verb = "revert" if self.reverses_id else "apply"
        return f"{verb} {self.kind} (action {self.pk})"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def has_reversal(self) -> bool:
        return EnforcementAction.objects.filter(reverses=self).exists()

    @transition(field=state, source=State.PENDING, target=State.APPLIED, permission="moderation.apply_enforcement")
    def mark_applied(self, *, at, attempts: int) -> None:
        self.applied_at = at
        self.attempts = attempts
        self.last_error = ""
        self.next_attempt_at = None

    @transition(field=state, source=State.PENDING, target=State.FAILED, permission="moderation.apply_enforcement")
    def mark_failed(self, *, error: str, attempts: int) -> None:
        self.last_error = error
        self.attempts = attempts
        self.next_attempt_at = None

    @transition(
        field=state,
        source=State.FAILED,
        target=State.PENDING,
        permission="moderation.retry_enforcement",
        conditions=[lambda action: not cast(EnforcementAction, action).has_reversal],
    )
    def retry(self, *, at) -> None:
        self.attempts = 0
        self.next_attempt_at = at

    @transition(field=state, source=State.APPLIED, target=State.REVERTED, permission="moderation.apply_enforcement")
    def mark_reverted(self) -> None:
        pass

    @transition(field=state, source=State.PENDING, target=State.CANCELLED, permission="moderation.apply_enforcement")
    def cancel(self, *, reason: str) -> None:
        self.last_error = reason
        self.next_attempt_at = None


def _reviewer_may_decide(appeal: "Appeal", actor) -> bool:
    """Appeals go to someone else: never the person who made or approved the decision appealed."""
    user_id = getattr(actor, "user_id", None)
    decision = appeal.decision
    took_part = user_id is not None and user_id in (decision.decided_by_id, decision.approved_by_id)
    return actor.has_perm("moderation.review_appeal") and not took_part


def _why_reviewer_may_not_decide(appeal: "Appeal", actor) -> str:
    if not actor.has_perm("moderation.review_appeal"):
        return "Only appeal reviewers (the appeal_reviewers group) decide appeals."
    return (
        f"You took part in decision {appeal.decision_id} (you made or approved it), and an appeal goes to "
        "someone who took no part in the decision appealed. Another appeal reviewer must decide it."
    )


_REVIEWER_TOOK_NO_PART = permission_explained(_reviewer_may_decide, _why_reviewer_may_not_decide)


class Appeal(ConcurrentTransitionMixin, TimestampedModel):
    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        COUNTER_NOTICE = "counter_notice", _("Counter Notice")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In Review")
        UPHELD = "upheld", _("Upheld")
        OVERTURNED = "overturned", _("Overturned")
        MODIFIED = "modified", _("Modified")

    class Appellant(models.TextChoices):
        UPLOADER = "uploader"
        REPORTER = "reporter"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.APPEAL)
    appellant = models.CharField(max_length=16, choices=Appellant.choices)
    # The report whose reporter appeals a dismissal; an id, since moderation never imports reports.
    appellant_report_id = models.BigIntegerField(null=True, blank=True)
    statement = models.TextField()
    state = FSMField(default=State.SUBMITTED, choices=State.choices, protected=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_appeals"
    )
    outcome_statement = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, help_text="When reviewers should have decided it.")
    # "modified": the actions that replace the decision's own.
    replacement_actions = models.JSONField(default=list, blank=True)
    # A DMCA counter-notice: its 17 U.S.C. 512(g)(3) elements, and the statutory restore window.
    counter_notice = models.JSONField(default=dict, blank=True)
    restore_not_before = models.DateTimeField(null=True, blank=True)
    restore_not_after = models.DateTimeField(null=True, blank=True)
    court_action_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "appellant"],
                condition=Q(state__in=["submitted", "in_review"]),
                name="appeal_one_open_per_decision_appellant",
            ),
        ]
        permissions = [("review_appeal", "Decide appeals and counter-notices")]

    def __str__(self) -> str:
        return f"Appeal {self.pk} against decision {self.decision_id}"

    @transition(field=state, source=State.SUBMITTED, target=State.IN_REVIEW, permission=_REVIEWER_TOOK_NO_PART)
    def start_review(self, *, by) -> None:
        self.reviewer = by

    @transition(
        field=state, source=[State.SUBMITTED, State.IN_REVIEW], target=State.UPHELD, permission=_REVIEWER_TOOK_NO_PART
    )
    def uphold(self, *, by, statement: str, at) -> None:
        self._close(by=by, statement=statement, at=at)

    @transition(
        field=state,
        source=[State.SUBMITTED, State.IN_REVIEW],
        target=State.OVERTURNED,
        permission=_REVIEWER_TOOK_NO_PART,
    )
    def overturn(self, *, by, statement: str, at) -> None:
        self._close(by=by, statement=statement, at=at)

    @transition(
        field=state, source=[State.SUBMITTED, State.IN_REVIEW], target=State.MODIFIED, permission=_REVIEWER_TOOK_NO_PART
    )
    def modify(self, *, by, statement: str, at, actions: list[str]) -> None:
        self._close(by=by, statement=statement, at=at)
        self.replacement_actions = actions

    def _close(self, *, by, statement: str, at) -> None:
        self.reviewer = by
        self.outcome_statement = statement
        self.decided_at = at


class Strike(TimestampedModel):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="strikes")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="strikes")
    severity = models.CharField(max_length=16, choices=Severity.choices)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Set when the decision is overturned.")

    class Meta:
        indexes = [models.Index(fields=["account", "expires_at"], name="strike_account_active_idx")]

    def __str__(self) -> str:
        return f"{self.severity} strike on {self.account} until {self.expires_at:%Y-%m-%d}"


class AutomationBreaker(TimestampedModel):
    """The automation circuit breaker (one row): tripped when automated decisions come too fast;
    only a hub admin resumes automation."""

    tripped_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("resume_automation", "Resume automated decisions after the breaker tripped")]

    def __str__(self) -> str:
        return f"tripped {self.tripped_at:%Y-%m-%d %H:%M}" if self.tripped_at else "closed (automation running)"

    @property
    def tripped(self) -> bool:
        return self.tripped_at is not None


class UploaderQuestion(TimestampedModel):
    """A moderator's question to the uploader before deciding, and the uploader's answer.

    While it waits for the answer the case waits too: its SLA clock stops for as long as the
    uploader takes (up to the answer's deadline), and the question has a clock of its own."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    answer_due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "answered_at"], name="question_case_open_idx")]

    def __str__(self) -> str:
        return f"question on case {self.case_id}"

    def waiting(self, now) -> bool:
        """Still waiting for the uploader: unanswered and within its deadline."""
        return self.answered_at is None and now < self.answer_due_at

    @property
    def waiting_now(self) -> bool:
        return self.waiting(timezone.now())


class SavedQueueFilter(TimestampedModel):
    """A moderator's own named view of the queue: the filters' query string, as the queue reads it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_queue_filters")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=1000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_queue_filter_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
