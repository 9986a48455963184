"""How urgent a case is: the admin-editable SLA table per category, and a trusted flagger's boost."""

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


def sla_for(category: str, *, trusted: bool = False) -> Sla:
    from moderation.models import SlaRule

    rule = SlaRule.objects.filter(category=category).first()
    sla = (
        Sla(rule.priority, timedelta(hours=rule.hours_to_decision))
        if rule
        else DEFAULT_SLA.get(category, DEFAULT_SLA["other"])
    )
    if trusted:
        return Sla(sla.priority + TRUSTED_FLAGGER_PRIORITY_BOOST, sla.time_to_decision / 2)
    return sla
