"""The strike ladder: what a decision should be, given how severe the category is, the intent,
and the uploader's active strikes. Moderators see the recommendation and may depart from it
with a reason; a decision that takes effect adds a strike for as long as the ladder says."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from hub.models import Account
from moderation.models import Case, Severity, SlaRule, Strike, StrikeRule

ACCOUNT_ACTIONS = ("restrict_account", "suspend_account")
# How heavy each action is, lightest first: what an appeal may replace an action with (only a lighter one).
ACTION_SEVERITY = {"warn": 0, "label": 1, "gate": 2, "delist": 3, "restrict_account": 4, "disable": 5,
                   "remove_files": 6, "suspend_account": 7, "remove": 8}  # fmt: skip


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


def category_severity(category: str) -> str:
    return SlaRule.objects.filter(category=category).values_list("severity", flat=True).first() or Severity.MEDIUM


def recommend(case: Case, *, intent: str) -> Recommendation:
    severity = category_severity(case.category)
    strikes = active_strikes(case.uploader)
    rung = (
        StrikeRule.objects.filter(severity=severity, intent=intent, min_active_strikes__lte=strikes)
        .order_by("-min_active_strikes")
        .first()
    )
    actions = list(rung.actions) if rung else []
    if case.category == "copyright" and copyright_strikes(case.uploader) >= settings.REPEAT_INFRINGER_STRIKES:
        # Repeat infringers lose their account (17 U.S.C. 512(i)), whatever the rung says.
        actions = [*dict.fromkeys([*actions, "suspend_account"])]
    if case.account_id is not None:
        # An account has no repository to delist: keep what applies to accounts.
        actions = [a for a in actions if a in ACCOUNT_ACTIONS] or ["restrict_account"]
    return Recommendation(actions, severity, intent, strikes, rung.strike_days if rung else 90)


def needs_second_approval(case: Case, actions: list[str]) -> bool:
    """Four-eyes: whole categories (by the SLA table) and some actions (by configuration)."""
    category_rule = SlaRule.objects.filter(category=case.category, four_eyes=True).exists()
    return category_rule or bool(set(actions) & set(settings.FOUR_EYES_ACTIONS))


# The ladder `manage.py seed` starts from: (severity, intent, min active strikes) -> actions.
DEFAULT_LADDER: dict[tuple[str, str, int], list[str]] = {}
_STRIKE_DAYS = {"low": 30, "medium": 90, "high": 180, "critical": 365}
for _intent in ("inadvertent", "unknown", "deliberate"):
    _deliberate = _intent == "deliberate"
    DEFAULT_LADDER |= {
        ("low", _intent, 0): ["delist"] if _deliberate else ["warn"],
        ("low", _intent, 2): ["delist", "restrict_account"] if _deliberate else ["delist"],
        ("medium", _intent, 0): ["disable"] if _deliberate else ["delist"],
        ("medium", _intent, 2): ["disable", "restrict_account"] if _deliberate else ["disable"],
        ("medium", _intent, 4): ["disable", "suspend_account"] if _deliberate else ["disable", "restrict_account"],
        ("high", _intent, 0): ["disable", "restrict_account"] if _deliberate else ["disable"],
        ("high", _intent, 2): ["disable", "suspend_account"] if _deliberate else ["disable", "restrict_account"],
        ("critical", _intent, 0): ["disable", "suspend_account"] if _deliberate else ["disable"],
        ("critical", _intent, 1): ["disable", "suspend_account"],
    }


def default_strike_days(severity: str) -> int:
    return _STRIKE_DAYS[severity]
