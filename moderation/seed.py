"""What `manage.py seed` loads: the default hub policy and the starter license catalogue.

Idempotent: running it again changes nothing that is already as described here.
"""

from datetime import UTC, datetime

from django.db import transaction

from licenses.models import License, LicenseClause
from moderation.models import PolicySection, PolicyVersion
from moderation.services.staff import roles_sync

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

STARTER_LICENSES = [
    {
        "key": "apache-2.0",
        "spdx_id": "Apache-2.0",
        "name": "Apache License 2.0",
        "url": "https://www.apache.org/licenses/LICENSE-2.0",
        "actionable": True,
        "rationale": "Permissive: no use restrictions, so use-based complaints are not actionable. Its "
        "attribution and notice conditions are clear, so missing attribution is.",
        "clauses": [
            (
                "4.a-d",
                "Redistributions must carry the license and keep copyright, patent, trademark and attribution notices.",
                True,
            )
        ],
    },
    {
        "key": "mit",
        "spdx_id": "MIT",
        "name": "MIT License",
        "url": "https://opensource.org/license/mit",
        "actionable": True,
        "rationale": "Permissive: use-based complaints are not actionable. The one condition, keeping the "
        "copyright and permission notice, is clear and actionable.",
        "clauses": [("notice", "Copies must include the copyright notice and the permission notice.", True)],
    },
    {
        "key": "other",
        "spdx_id": "",
        "name": "Other license",
        "url": "",
        "actionable": False,
        "rationale": "The hub cannot interpret a license it has not reviewed. Report the conduct itself "
        "under another category (copyright, acceptable use) instead.",
        "clauses": [],
    },
]


@transaction.atomic
def seed() -> None:
    roles_sync()
    policy, _ = PolicyVersion.objects.get_or_create(
        version=DEFAULT_POLICY_VERSION,
        defaults={"effective_at": datetime(2026, 11, 1, tzinfo=UTC), "summary": "The hub's first published policy."},
    )
    for key, title, text in DEFAULT_POLICY_SECTIONS:
        PolicySection.objects.update_or_create(policy=policy, key=key, defaults={"title": title, "text": text})
    for spec in STARTER_LICENSES:
        spec = dict(spec)
        clauses = spec.pop("clauses")
        license_, _ = License.objects.update_or_create(key=spec.pop("key"), defaults=spec)
        for ref, summary, actionable in clauses:
            LicenseClause.objects.update_or_create(
                license=license_, ref=ref, defaults={"summary": summary, "actionable": actionable}
            )
