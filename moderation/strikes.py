"""Strikes and the ladder applied to a case: what a decision should be, given how severe the
category is, the intent, and the uploader's active strikes (policy.ladder holds the ladder itself).
Moderators see the recommendation and may depart from it with a reason; a decision that takes
effect adds a strike for as long as the ladder says."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from hub.models import Account
from moderation.models import Case, Strike
from policy.ladder import ACCOUNT_ACTIONS, category_severity
from policy.models import Intent, SlaRule, StrikeRule


@dataclass(frozen=True)
class Recommendation:
    actions: list[str]
    severity: str
    intent: str
    active_strikes: int
    strike_days: int

    @property
    def explanation(self) -> str:
        return (
            f"{self.severity} severity, {self.intent} intent, {self.active_strikes} active strike(s): "
            f"{', '.join(self.actions) or 'no action'}"
        )


def active_strikes(account: Account) -> int:
    return Strike.objects.filter(account=account, expires_at__gt=timezone.now(), revoked_at__isnull=True).count()


def copyright_strikes(account: Account) -> int:
    return Strike.objects.filter(
        account=account, expires_at__gt=timezone.now(), revoked_at__isnull=True, decision__case__category="copyright"
    ).count()


def recommend(case: Case, *, intent: str) -> Recommendation:
    return recommend_each_intent(case, intents=[intent])[intent]


def recommend_each_intent(case: Case, *, intents: list[str]) -> dict[str, Recommendation]:
    """The ladder's recommendation for each intent, reading the severity, the strikes and the rungs
    once for all of them (the case page shows every intent)."""
    severity = category_severity(case.category)
    strikes = active_strikes(case.uploader)
    rungs = StrikeRule.objects.filter(severity=severity, intent__in=intents, min_active_strikes__lte=strikes)
    highest: dict[str, StrikeRule] = {}
    for rung in rungs:
        if rung.intent not in highest or rung.min_active_strikes > highest[rung.intent].min_active_strikes:
            highest[rung.intent] = rung
    # Repeat infringers lose their account (17 U.S.C. 512(i)), whatever the rung says.
    repeat_infringer = (
        case.category == "copyright" and copyright_strikes(case.uploader) >= settings.REPEAT_INFRINGER_STRIKES
    )
    recommendations = {}
    for intent in intents:
        if intent == Intent.COMPROMISED:
            # Its owner is the victim: secure the account, put the repository back; no strike.
            protect = ["secure_account"] if case.account_id is not None else ["secure_account", "rollback"]
            recommendations[intent] = Recommendation(protect, severity, intent, strikes, 0)
            continue
        top = highest.get(intent)
        actions = list(top.actions) if top else []
        if repeat_infringer:
            actions = [*dict.fromkeys([*actions, "suspend_account"])]
        if case.account_id is not None:
            # An account has no repository to delist: keep what applies to accounts.
            actions = [a for a in actions if a in ACCOUNT_ACTIONS] or ["restrict_account"]
        recommendations[intent] = Recommendation(actions, severity, intent, strikes, top.strike_days if top else 90)
    return recommendations


def needs_second_approval(case: Case, actions: list[str]) -> bool:
    """Four-eyes: whole categories (by the SLA table) and some actions (by configuration)."""
    category_rule = SlaRule.objects.filter(category=case.category, four_eyes=True).exists()
    return category_rule or bool(set(actions) & set(settings.FOUR_EYES_ACTIONS))
