"""The default documentation checklist, review criteria and release stages (idempotent: rows a
hub admin edited keep their edits).

The texts are marked for translation but stored in English: public pages translate a row whose
text is still a shipped default, and show an edited one as the admin wrote it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from review.models import ChecklistItem, ReleaseStage, ReviewCriterion

GIB = 1024**3

# key, label, description, required, kinds, headings, front matter key
DEFAULT_CHECKLIST = [
    (
        "intended_use",
        _("Intended use"),
        _("Who the model is for and what it is meant to do, so people can tell whether their use fits."),
        True,
        [],
        ["intended use", "intended uses", "direct use", "uses"],
        "",
    ),
    (
        "out_of_scope_use",
        _("Out-of-scope use"),
        _("Uses the model is not suited or not allowed for, including misuse you foresee."),
        True,
        [],
        ["out of scope", "out of scope use", "misuse", "prohibited uses"],
        "",
    ),
    (
        "limitations",
        _("Limitations and known biases"),
        _("Where the model fails, whom it may treat unfairly and what risks remain, with evidence where you have it."),
        True,
        [],
        ["limitations", "bias", "biases", "risks", "known biases"],
        "",
    ),
    (
        "training_data",
        _("Training data and provenance"),
        _("What data the model was trained on (or the dataset holds), where it came from and under what terms."),
        True,
        [],
        ["training data", "training details", "data sources", "provenance", "source data", "data collection"],
        "",
    ),
    (
        "evaluation",
        _("Evaluation"),
        _("How the model was tested, on what data, and the results, so claims can be checked."),
        True,
        ["model"],
        ["evaluation", "results", "benchmarks"],
        "",
    ),
    (
        "license",
        _("License"),
        _("The license the work is released under, declared in the card's metadata or in a section."),
        True,
        [],
        ["license", "licence"],
        "license",
    ),
    (
        "downstream_use",
        _("Downstream-use guidance"),
        _("How to fine-tune, deploy or build on it responsibly: recommended settings, safeguards, what to disclose."),
        False,
        ["model"],
        ["downstream use", "how to use", "how to get started", "usage", "recommendations"],
        "",
    ),
]

DEFAULT_CRITERIA = [
    {
        "name": _("Declared dual-use capabilities"),
        "description": _(
            "Models that declare capabilities with serious misuse potential (biological or chemical "
            "design, offensive cyber operations, realistic voice or face cloning) are reviewed before they are listed."
        ),
        "kinds": ["model"],
        "capability_tags": ["bio-design", "chem-design", "cyber-offense", "voice-cloning", "face-swap"],
        "sla_hours": 48,
        "position": 10,
    },
    {
        "name": _("Very large models"),
        "description": _("Models of 100 GiB or more of weights are reviewed before they are listed."),
        "kinds": ["model"],
        "min_total_size_bytes": 100 * GIB,
        "sla_hours": 72,
        "position": 20,
    },
    {
        "name": _("Uploaders under restriction"),
        "description": _("New work from accounts whose standing is restricted is reviewed before it is listed."),
        "uploader_standings": ["restricted"],
        "sla_hours": 24,
        "position": 30,
    },
    {
        "name": _("Hub request"),
        "description": _("The hub may ask for a review of any repository before it lists it."),
        "when_hub_requests": True,
        "sla_hours": 48,
        "position": 40,
    },
]

# key, label, description, requires review, requires documentation
DEFAULT_STAGES = [
    ("private", _("Private"), _("Only the uploader and their organisation."), False, False),
    ("trusted_partners", _("Trusted partners"), _("Named partners under agreement test it."), True, False),
    ("researchers", _("Researchers"), _("Vetted researchers who apply for access."), True, True),
    ("public", _("Public"), _("Anyone on the hub."), True, True),
]


def seed() -> None:
    for position, (key, label, description, required, kinds, headings, front_matter_key) in enumerate(
        DEFAULT_CHECKLIST
    ):
        ChecklistItem.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "description": description,
                "required": required,
                "kinds": kinds,
                "headings": headings,
                "front_matter_key": front_matter_key,
                "position": position * 10,
            },
        )
    for criterion in DEFAULT_CRITERIA:
        ReviewCriterion.objects.get_or_create(name=criterion["name"], defaults=criterion)
    for position, (key, label, description, requires_review, requires_documentation) in enumerate(DEFAULT_STAGES):
        ReleaseStage.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "description": description,
                "position": position,
                "requires_review": requires_review,
                "requires_documentation": requires_documentation,
            },
        )
