"""How urgent a case is: the admin-editable SLA table per category, and a trusted flagger's boost."""

import time
from dataclasses import dataclass
from datetime import timedelta

# Reports from trusted flaggers (DSA Art. 22) go ahead of others in the same category.
TRUSTED_FLAGGER_PRIORITY_BOOST = 25


@dataclass(frozen=True)
class Sla:
    priority: int
    time_to_decision: timedelta


# The table `manage.py seed` starts from; hub admins edit it in the admin (SlaRule).
DEFAULT_SLA: dict[str, Sla] = {
    "child_safety": Sla(100, timedelta(hours=1)),
    "malicious_code": Sla(90, timedelta(hours=4)),
    "illegal_content": Sla(70, timedelta(hours=24)),
    "private_information": Sla(70, timedelta(hours=24)),
    "copyright": Sla(50, timedelta(hours=72)),
    "acceptable_use": Sla(40, timedelta(hours=72)),
    "license_violation": Sla(40, timedelta(days=5)),
    "spam": Sla(20, timedelta(days=7)),
    "other": Sla(10, timedelta(days=7)),
}


# Every report needs its category's rule; the table is a dozen rows edited a few times a year, so
# each process keeps it for a while instead of asking the database on every report. An edit in
# the admin clears this process's copy at once (moderation.apps) and reaches the others in time.
RULES_KEPT_SECONDS = 30.0
_rules: dict[str, Sla] | None = None
_rules_read_at = 0.0


def sla_rules_forget() -> None:
    global _rules
    _rules = None


def _sla_rules() -> dict[str, Sla]:
    global _rules, _rules_read_at
    if _rules is None or time.monotonic() - _rules_read_at > RULES_KEPT_SECONDS:
        from policy.models import SlaRule

        rows = SlaRule.objects.values_list("category", "priority", "hours_to_decision")
        _rules = {category: Sla(priority, timedelta(hours=hours)) for category, priority, hours in rows}
        _rules_read_at = time.monotonic()
    return _rules


def sla_for(category: str, *, trusted: bool = False) -> Sla:
    sla = _sla_rules().get(category) or DEFAULT_SLA.get(category, DEFAULT_SLA["other"])
    if trusted:
        return Sla(sla.priority + TRUSTED_FLAGGER_PRIORITY_BOOST, sla.time_to_decision / 2)
    return sla
