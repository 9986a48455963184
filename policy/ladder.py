"""The strike ladder and the weight of each action: the table hub admins edit (StrikeRule), the
default it starts from, and each category's severity (from the SLA table)."""

from __future__ import annotations

from policy.models import Severity, SlaRule

ACCOUNT_ACTIONS = ("restrict_account", "suspend_account", "secure_account")
# How heavy each action is, lightest first: what an appeal may replace an action with (only a lighter one).
# Quarantine is heavier than disabling (no push either) and lighter than removing files or the
# repository: it is lifted whole, so an appeal may turn a removal into a quarantine.
ACTION_SEVERITY = {"warn": 0, "secure_account": 0, "rollback": 0, "label": 1, "gate": 2, "delist": 3,
                   "restrict_account": 4, "disable": 5, "quarantine": 6, "remove_files": 7, "suspend_account": 8,
                   "remove": 9}  # fmt: skip


def category_severity(category: str) -> str:
    return SlaRule.objects.filter(category=category).values_list("severity", flat=True).first() or Severity.MEDIUM


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
