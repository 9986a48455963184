"""The default hub policy `manage.py seed` loads: its sections, the SLA table, the strike ladder and the
notice and statement templates.

Idempotent: it adds what is missing and never overwrites what admins have since edited.
"""

from datetime import UTC, datetime
from typing import cast

from django.db import transaction
from django.template.loader import get_template

from policy.ladder import DEFAULT_LADDER, default_strike_days
from policy.models import (
    MessageTemplate,
    NoticeTemplate,
    PolicySection,
    PolicyVersion,
    SlaRule,
    StatementTemplate,
    StrikeRule,
)
from policy.notices import DEFAULT_NOTICES
from policy.sla import DEFAULT_SLA

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

# Plain-language examples per section, for the public policy center: (allowed, prohibited).
DEFAULT_POLICY_EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "child-safety": (
        [
            "A classifier trained to detect abuse material, published without any of the material itself.",
            "Research on protecting children online that contains no sexualised content of minors.",
        ],
        [
            "Images, text or video that sexualise minors, real or generated.",
            "A model fine-tuned or prompted to generate sexual content involving minors.",
            "A dataset that links to or describes such material in detail.",
        ],
    ),
    "malicious-code": (
        [
            "A clearly labelled, inert proof of concept that shows a vulnerability in a model format.",
            "Weights in safetensors or another format that cannot run code when loaded.",
            "Security research datasets of malware hashes or descriptions, without live samples.",
        ],
        [
            "A pickle file that opens a reverse shell or downloads a payload when loaded.",
            "A demo that mines cryptocurrency or steals credentials from its visitors.",
            "A model repository that hides working malware among its files.",
        ],
    ),
    "illegal-content": (
        [
            "Content that is lawful where it is made available, even if some find it offensive.",
            "News reporting or research that discusses illegal activity without enabling it.",
        ],
        [
            "Content a court or the law where it is offered has found illegal, once we are notified.",
            "Material that incites violence or hatred in breach of the law that applies.",
        ],
    ),
    "copyright": (
        [
            "Training on, or redistributing, works under a license that permits it, with the attribution it asks for.",
            "Short quotations in a model card for commentary or criticism, where the law allows it.",
        ],
        [
            "Re-uploading a copyrighted dataset, book collection or model without the rights holder's permission.",
            "Publishing another developer's weights under your own name against their license.",
        ],
    ),
    "private-information": (
        [
            "A dataset of personal data collected with consent or another lawful basis, documented as such.",
            "Example credentials that are clearly fake, such as 'sk-test-000'.",
        ],
        [
            "A file with real API keys, passwords or private keys.",
            "A scraped dataset of names, addresses or medical details published without a lawful basis.",
            "A demo that reveals someone's home address or phone number.",
        ],
    ),
    "harmful-use": (
        [
            "A voice-cloning model that only clones voices with the speaker's recorded consent.",
            "A model for detecting fraud, harassment or deepfakes.",
            "Satire that is clearly labelled and does not deceive.",
        ],
        [
            "A demo that impersonates a named real person without their consent.",
            "A model built to write harassment aimed at a person or group.",
            "A tool made to generate convincing phishing or fraud messages at scale.",
        ],
    ),
    "license-terms": (
        [
            "A fine-tune that keeps its base model's license and required attribution.",
            "Using a model for purposes its license allows, even commercially when permitted.",
        ],
        [
            "Removing the license or attribution a base model requires.",
            "Publishing a derivative for a use its base model's license forbids.",
        ],
    ),
    "spam": (
        [
            "Several checkpoints of one training run, each clearly labelled.",
            "A model card that links to your own project or paper.",
        ],
        [
            "Dozens of near-identical repositories uploaded to crowd search results.",
            "Fake likes, downloads or accounts to inflate a repository's metrics.",
            "Repositories that exist only to advertise an unrelated product.",
        ],
    ),
    "documentation": (
        [
            "A short model card that states intended use, known limitations and the training data.",
            "An experimental model marked as such, with its gaps listed.",
        ],
        [
            "A model card that claims uses the model was never evaluated for.",
            "Hiding known serious limitations, such as a model that leaks training data.",
        ],
    ),
}

DEFAULT_SEVERITY = {
    "child_safety": "critical",
    "malicious_code": "critical",
    "illegal_content": "high",
    "private_information": "high",
    "copyright": "medium",
    "license_violation": "medium",
    "acceptable_use": "medium",
    "spam": "low",
    "other": "low",
}

_TEMPLATE = (
    "What we found: [the facts: which files, lines or demo behaviour, at which revision].\n"
    "Why it breaks the rule: {why}\n"
    "What we did and why that much: [the action, and why a lesser one would not do]."
)
DEFAULT_STATEMENT_TEMPLATES = {
    "copyright": _TEMPLATE.format(why="A rights holder's notice identified the work; [how the repository copies it]."),
    "illegal_content": _TEMPLATE.format(why="[the provision of law] makes this content illegal in [country]."),
    "license_violation": _TEMPLATE.format(why="The repository's license forbids it in the clause cited."),
    "private_information": _TEMPLATE.format(why="It exposes [personal data or secrets] without a lawful basis."),
    "malicious_code": _TEMPLATE.format(why="Loading [file] runs [behaviour] on the user's machine."),
    "child_safety": _TEMPLATE.format(why="It is child sexual abuse material or made to produce it."),
    "acceptable_use": _TEMPLATE.format(why="It breaks the section of the hub policy cited."),
    "spam": _TEMPLATE.format(why="[repeated, misleading or promotional uploads]."),
    "other": _TEMPLATE.format(why="[the rule, and how it is broken]."),
}


def _template_source(name: str) -> str:
    """The text of a shipped notice template, as hub admins will edit it (Django template syntax)."""
    # get_template answers the backend's wrapper; the Django engine's keeps its Template, with its source.
    return cast(str, get_template(name).template.source)  # type: ignore[attr-defined]


# A default statement per action and a few questions, in English and German (the statement's
# English text is binding; a moderator may write to a German uploader in German).
DEFAULT_MESSAGES: list[tuple[str, str, str, str, str]] = [
    # (kind, name, action, language, text)
    ("statement", "Warn", "warn", "en",
     "In {subject} at {revision}, [which files or lines] [what they do or show].\n"
     "This breaks {policy_section}. We warn rather than act because [why a warning is enough]."),
    ("statement", "Delist", "delist", "en",
     "In {subject} at {revision}, {files} [what we found there].\n"
     "This breaks {policy_section}. We delist it, so it no longer appears in search or listings, because "
     "[why a lesser action would not do]."),
    ("statement", "Gate", "gate", "en",
     "In {subject} at {revision}, {files} [what we found there].\n"
     "This breaks {policy_section}. We gate it: people must accept its terms before downloading, because "
     "[why]."),
    ("statement", "Disable", "disable", "en",
     "In {subject} at {revision}, {files} [what we found there].\n"
     "This breaks {policy_section}. We disable it because [why nothing less protects people]."),
    ("statement", "Remove the files", "remove_files", "en",
     "In {subject} at {revision}, {files} [what the files contain].\n"
     "This breaks {policy_section}. We remove those files; the rest of the repository stays. [Anything the "
     "uploader should know]."),
    ("statement", "Dismiss", "dismiss", "en",
     "We looked at {subject} at {revision} ({files}) and found [what we checked]. It does not break "
     "{policy_section}: [why not]."),
    ("statement", "Sperren", "disable", "de",
     "In {subject} (Revision {revision}) enthält {files} [was wir gefunden haben].\n"
     "Das verstößt gegen {policy_section}. Wir sperren es, weil [warum nichts Milderes genügt]."),
    ("statement", "Auslisten", "delist", "de",
     "In {subject} (Revision {revision}) enthält {files} [was wir gefunden haben].\n"
     "Das verstößt gegen {policy_section}. Wir nehmen es aus Suche und Listen, weil [warum]."),
    ("question", "Where the data comes from", "", "en",
     "We are looking into a report about {subject}. Where does the data in {files} come from, and may you "
     "publish it? Please answer by {deadline}."),
    ("question", "License of the base model", "", "en",
     "We are looking into a report about {subject}. Which license does the model it is built on carry, and "
     "how does {subject} keep to it? [anything specific you need]. Please answer by {deadline}."),
    ("question", "Herkunft der Daten", "", "de",
     "Wir prüfen eine Meldung zu {subject}. Woher stammen die Daten in {files}, und dürfen Sie sie "
     "veröffentlichen? Bitte antworten Sie bis {deadline}."),
]  # fmt: skip


@transaction.atomic
def seed() -> None:
    policy, _ = PolicyVersion.objects.get_or_create(
        version=DEFAULT_POLICY_VERSION,
        defaults={"effective_at": datetime(2026, 11, 1, tzinfo=UTC), "summary": "The hub's first published policy."},
    )
    for key, title, text in DEFAULT_POLICY_SECTIONS:
        allowed, prohibited = DEFAULT_POLICY_EXAMPLES[key]
        section, created = PolicySection.objects.get_or_create(
            policy=policy,
            key=key,
            defaults={"title": title, "text": text, "allowed_examples": allowed, "prohibited_examples": prohibited},
        )
        if not created and not section.allowed_examples and not section.prohibited_examples:
            # Databases seeded before sections had examples get them; edited examples are kept.
            section.allowed_examples, section.prohibited_examples = allowed, prohibited
            section.save(update_fields=["allowed_examples", "prohibited_examples"])
    for category, sla in DEFAULT_SLA.items():
        SlaRule.objects.get_or_create(
            category=category,
            defaults={
                "priority": sla.priority,
                "hours_to_decision": int(sla.time_to_decision.total_seconds() // 3600),
                "severity": DEFAULT_SEVERITY[category],
                "four_eyes": category == "child_safety",
            },
        )
    for (severity, intent, min_strikes), actions in DEFAULT_LADDER.items():
        StrikeRule.objects.get_or_create(
            severity=severity,
            intent=intent,
            min_active_strikes=min_strikes,
            defaults={"actions": actions, "strike_days": default_strike_days(severity)},
        )
    for kind, languages in DEFAULT_NOTICES.items():
        for language, (subject, template) in languages.items():
            NoticeTemplate.objects.get_or_create(
                kind=kind,
                language=language,
                defaults={"subject": subject, "body": _template_source(template)},
            )
    for category, text in DEFAULT_STATEMENT_TEMPLATES.items():
        StatementTemplate.objects.get_or_create(category=category, defaults={"text": text})
    for kind, name, action, language, text in DEFAULT_MESSAGES:
        MessageTemplate.objects.get_or_create(
            kind=kind, name=name, language=language, defaults={"action": action, "text": text}
        )
