"""The notices hubmod ships, per kind and language: Django templates that `manage.py seed` copies
into NoticeTemplate rows for hub admins to edit (moderation renders and sends them)."""

from policy.models import NoticeTemplate

# The shipped defaults, per kind and language; `manage.py seed` copies them into NoticeTemplate
# rows that hub admins then edit.
DEFAULT_NOTICES: dict[str, dict[str, tuple[str, str]]] = {
    NoticeTemplate.Kind.STATEMENT_OF_REASONS: {
        "en": ("Moderation decision on {{ subject }}", "moderation/email/statement_of_reasons.txt"),
        "de": ("Moderationsentscheidung zu {{ subject }}", "moderation/email/de/statement_of_reasons.txt"),
    },
    NoticeTemplate.Kind.REPORT_OUTCOME: {
        "en": ("Outcome of your report about {{ subject }}", "moderation/email/report_outcome.txt"),
        "de": ("Ergebnis Ihrer Meldung zu {{ subject }}", "moderation/email/de/report_outcome.txt"),
    },
    NoticeTemplate.Kind.UPSTREAM_ACTION: {
        "en": (
            "{{ upstream }}, which your work is built on, was {{ action_label }}",
            "moderation/email/upstream_action.txt",
        ),
        "de": (
            "{{ upstream }}, worauf Ihre Arbeit aufbaut: {{ action_label }}",
            "moderation/email/de/upstream_action.txt",
        ),
    },
    NoticeTemplate.Kind.APPEAL_OUTCOME: {
        "en": ("Your appeal about {{ decision.case.subject }} was decided", "moderation/email/appeal_outcome.txt"),
        "de": (
            "Über Ihren Widerspruch zu {{ decision.case.subject }} wurde entschieden",
            "moderation/email/de/appeal_outcome.txt",
        ),
    },
}
