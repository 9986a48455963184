"""What `manage.py seed` loads: the staff roles, the default hub policy and the starter license catalogue.

Idempotent: it adds what is missing and never overwrites what admins have since edited.
"""

from datetime import UTC, datetime

from django.db import transaction

from hubmod.actors import SYSTEM
from licenses.catalogue import CATALOGUE
from licenses.services import catalogue_load
from moderation.models import PolicySection, PolicyVersion, SlaRule
from moderation.services.staff import roles_sync
from moderation.sla import DEFAULT_SLA

DEFAULT_POLICY_VERSION = "2026-11"
DEFAULT_POLICY_SECTIONS = [
    (
        "child-safety",
        "Child safety",
        "Content that sexualises minors, or models and datasets built to produce it, is removed and referred "
        "to the authorities.",
    ),
    (
        "malicious-code",
        "Malicious code",
        "Files that run harmful code when loaded (for example pickles that execute a payload), malware, and "
        "tools whose main purpose is to compromise systems. Good-faith security research that is clearly "
        "labelled and inert is allowed.",
    ),
    (
        "illegal-content",
        "Illegal content",
        "Content that is illegal where the hub operates or where it is made available, as notified under the "
        "law that applies.",
    ),
    (
        "copyright",
        "Intellectual property",
        "Material that infringes copyright or other intellectual property rights, including training data "
        "redistributed without the rights to do so.",
    ),
    (
        "private-information",
        "Private information",
        "Personal data published without a lawful basis, credentials, secret keys and other information that "
        "puts people or systems at risk.",
    ),
    (
        "harmful-use",
        "Models built to harm",
        "Models, datasets and demos whose intended purpose is harassment, fraud, impersonation without "
        "consent, or violence.",
    ),
    (
        "license-terms",
        "License terms",
        "Repositories must respect the license of what they build on, including use restrictions and "
        "attribution the license requires.",
    ),
    (
        "spam",
        "Spam and manipulation",
        "Repetitive, misleading or promotional uploads, and manipulation of the hub's metrics.",
    ),
    (
        "documentation",
        "Documentation",
        "Model cards must state intended use, limitations and training data. Missing documentation leads to "
        "a label or a request for changes, never a takedown on its own.",
    ),
]


@transaction.atomic
def seed() -> None:
    roles_sync()
    policy, _ = PolicyVersion.objects.get_or_create(
        version=DEFAULT_POLICY_VERSION,
        defaults={"effective_at": datetime(2026, 11, 1, tzinfo=UTC), "summary": "The hub's first published policy."},
    )
    for key, title, text in DEFAULT_POLICY_SECTIONS:
        PolicySection.objects.get_or_create(policy=policy, key=key, defaults={"title": title, "text": text})
    for category, sla in DEFAULT_SLA.items():
        SlaRule.objects.get_or_create(
            category=category,
            defaults={"priority": sla.priority, "hours_to_decision": int(sla.time_to_decision.total_seconds() // 3600)},
        )
    catalogue_load(actor=SYSTEM, specs=CATALOGUE)
