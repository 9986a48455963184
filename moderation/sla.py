"""How urgent each report category is: queue priority (higher first) and time to a decision."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Sla:
    priority: int
    time_to_decision: timedelta


SLA_BY_CATEGORY: dict[str, Sla] = {
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


def sla_for(category: str) -> Sla:
    return SLA_BY_CATEGORY.get(category, SLA_BY_CATEGORY["other"])
