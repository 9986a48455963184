"""Reads for the public policy center. Everything shown is computed from what hub admins edit
(the policy versions, the strike ladder, the SLA table, the license catalogue, the review
configuration) or from the settings the services use, so the page cannot drift from practice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from hubmod.categories import ReportCategory
from licenses.models import License
from licenses.selectors import actionable_catalogue
from moderation.models import EnforcementAction
from moderation.services.appeals import RESTORE_AFTER_BUSINESS_DAYS
from policy.models import Intent, PolicySection, PolicyVersion, Severity, SlaRule, StrikeRule
from policy.selectors import policy_current
from review import selectors as review_selectors
from review.models import ChecklistItem, ReleaseStage, ReviewCriterion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SEVERITY_ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
INTENT_ORDER = [Intent.INADVERTENT, Intent.UNKNOWN, Intent.DELIBERATE]


def policy_in_effect() -> PolicyVersion | None:
    return policy_current()


def policy_version_get(version: str) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(version=version).first()


def policy_state(policy: PolicyVersion) -> str:
    """ "in_effect", "upcoming" (effective later) or "superseded" (a later version took over)."""
    if policy.effective_at > timezone.now():
        return "upcoming"
    current = policy_current()
    return "in_effect" if current is not None and current.pk == policy.pk else "superseded"


def policy_sections(policy: PolicyVersion) -> QuerySet[PolicySection]:
    return policy.sections.order_by("key")


def _previous(policy: PolicyVersion) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(effective_at__lt=policy.effective_at).order_by("-effective_at").first()
        if policy.effective_at
        else None
    )


@dataclass(frozen=True)
class SectionChange:
    key: str
    title: str
    fields: list[str]  # which of: title, text, examples


@dataclass(frozen=True)
class PolicyChanges:
    """What changed from the version before (none for the first version)."""

    policy: PolicyVersion
    previous: PolicyVersion | None
    added: list[PolicySection] = field(default_factory=list)
    removed: list[PolicySection] = field(default_factory=list)
    changed: list[SectionChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _diff(old: PolicySection, new: PolicySection) -> list[str]:
    fields = [name for name in ("title", "text") if getattr(old, name).strip() != getattr(new, name).strip()]
    if (old.allowed_examples, old.prohibited_examples) != (new.allowed_examples, new.prohibited_examples):
        fields.append("examples")
    return fields


def policy_changes(policy: PolicyVersion) -> PolicyChanges:
    """Sections added, removed and changed since the previous version, matched by section key."""
    return _changes_between(policy, _previous(policy))


@dataclass(frozen=True)
class HistoryEntry:
    policy: PolicyVersion
    changes: PolicyChanges
    in_effect: bool
    upcoming: bool


def policy_history() -> list[HistoryEntry]:
    """Every version, newest first, each with its change log against the one before."""
    now = timezone.now()
    current = policy_current()
    versions = list(PolicyVersion.objects.order_by("-effective_at").prefetch_related("sections"))
    entries = []
    for i, policy in enumerate(versions):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        entries.append(
            HistoryEntry(
                policy=policy,
                changes=_changes_between(policy, previous),
                in_effect=current is not None and policy.pk == current.pk,
                upcoming=policy.effective_at > now,
            )
        )
    return entries


def _changes_between(policy: PolicyVersion, previous: PolicyVersion | None) -> PolicyChanges:
    """The change log; with sections prefetched (the history page) it costs no queries."""
    new = {s.key: s for s in policy.sections.all()}
    if previous is None:
        return PolicyChanges(policy=policy, previous=None, added=[new[k] for k in sorted(new)])
    old = {s.key: s for s in previous.sections.all()}
    changed = []
    for key in sorted(old.keys() & new.keys()):
        fields = _diff(old[key], new[key])
        if fields:
            changed.append(SectionChange(key=key, title=new[key].title, fields=fields))
    return PolicyChanges(
        policy=policy,
        previous=previous,
        added=[new[k] for k in sorted(new.keys() - old.keys())],
        removed=[old[k] for k in sorted(old.keys() - new.keys())],
        changed=changed,
        unchanged=len(old.keys() & new.keys()) - len(changed),
    )


@dataclass(frozen=True)
class Rung:
    intent: str
    intent_label: StrOrPromise
    min_active_strikes: int
    actions: list[StrOrPromise]  # labels, in the reader's language
    strike_days: int


@dataclass(frozen=True)
class SeverityLadder:
    severity: str
    label: StrOrPromise
    rungs: list[Rung]
    categories: list[StrOrPromise]


def strike_ladder() -> list[SeverityLadder]:
    """The ladder hub admins configure, by severity, then intent, then strikes already active."""
    by_severity: dict[str, list[Rung]] = {s: [] for s in SEVERITY_ORDER}
    rules = sorted(
        StrikeRule.objects.all(),
        key=lambda r: (INTENT_ORDER.index(Intent(r.intent)) if r.intent in INTENT_ORDER else 9, r.min_active_strikes),
    )
    for rule in rules:
        by_severity.setdefault(rule.severity, []).append(
            Rung(
                intent=rule.intent,
                intent_label=Intent(rule.intent).label if rule.intent in Intent.values else rule.intent,
                min_active_strikes=rule.min_active_strikes,
                actions=[_action_label(a) for a in rule.actions],
                strike_days=rule.strike_days,
            )
        )
    severities = category_severities()
    return [
        SeverityLadder(
            severity=s,
            label=Severity(s).label if s in Severity.values else s,
            rungs=rungs,
            categories=severities.get(s, []),
        )
        for s, rungs in by_severity.items()
        if rungs
    ]


def _action_label(kind: str) -> StrOrPromise:
    return EnforcementAction.Kind(kind).label if kind in EnforcementAction.Kind.values else kind


def category_severities() -> dict[str, list[StrOrPromise]]:
    """Severity -> the names of the report categories the SLA table gives that severity."""
    result: dict[str, list[StrOrPromise]] = {}
    for category, severity in SlaRule.objects.order_by("-priority").values_list("category", "severity"):
        result.setdefault(severity, []).append(_category_label(category))
    return result


@dataclass(frozen=True)
class AppealRights:
    appeal_window_days: int
    appeal_decision_days: int
    restore_min_business_days: int
    restore_max_business_days: int
    repeat_infringer_strikes: int
    remediation_max_business_days: int


def appeal_rights() -> AppealRights:
    """The windows the appeal services apply, from the same settings and constants."""
    low, high = RESTORE_AFTER_BUSINESS_DAYS
    return AppealRights(
        appeal_window_days=settings.APPEAL_WINDOW_DAYS,
        appeal_decision_days=settings.APPEAL_SLA_DAYS,
        restore_min_business_days=low,
        restore_max_business_days=high,
        repeat_infringer_strikes=settings.REPEAT_INFRINGER_STRIKES,
        remediation_max_business_days=settings.REMEDIATION_MAX_BUSINESS_DAYS,
    )


def actionable_licenses() -> QuerySet[License]:
    return actionable_catalogue().order_by("name")


def documentation_checklist() -> QuerySet[ChecklistItem]:
    return review_selectors.checklist_items()


def review_criteria() -> QuerySet[ReviewCriterion]:
    return review_selectors.review_criteria()


def release_stages() -> QuerySet[ReleaseStage]:
    return review_selectors.release_stages()


def _category_label(key: str) -> StrOrPromise:
    return ReportCategory(key).label if key in ReportCategory.values else key.replace("_", " ")
