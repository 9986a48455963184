"""Output shapes shared by the moderation API modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from moderation.models import Appeal, Case, Decision, EnforcementAction
from moderation.selectors import CaseDetail, QueueRow


@extend_schema_field(
    {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["repository", "account"]}, "id": {"type": "string"}},
        "required": ["type", "id"],
    }
)
class SubjectField(serializers.Field):
    def to_representation(self, case: Case) -> dict:
        return {"type": case.subject_type, "id": case.subject_name}


class CaseOutputSerializer(serializers.ModelSerializer):
    subject = SubjectField(source="*")
    assignee = serializers.CharField(source="assignee_name", default=None, allow_null=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "state",
            "category",
            "priority",
            "due_at",
            "subject",
            "revision",
            "assignee",
            "escalation_reason",
            "escalated_to",
            "surge_detected_at",
            "clean_until",
            "created_at",
            "resolved_at",
        ]


def _as_drf_writes(value: datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in the current zone, UTC as Z."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def queue_line(row: QueueRow) -> dict:
    """CaseOutputSerializer's output for a queue row, written out: through DRF, the fifty lines of
    a page cost more than the rest of the request. A test holds the two to the same output."""
    return {
        "id": row.id,
        "state": row.state,
        "category": row.category,
        "priority": row.priority,
        "due_at": _as_drf_writes(row.due_at),
        "subject": {"type": row.subject_type, "id": row.subject_name},
        "revision": row.revision,
        "assignee": row.assignee_name,
        "escalation_reason": row.escalation_reason,
        "escalated_to": row.escalated_to,
        "surge_detected_at": _as_drf_writes(row.surge_detected_at),
        "clean_until": _as_drf_writes(row.clean_until),
        "created_at": _as_drf_writes(row.created_at),
        "resolved_at": _as_drf_writes(row.resolved_at),
    }


class ActionOutputSerializer(serializers.ModelSerializer):
    reverses = serializers.IntegerField(source="reverses_id", default=None, allow_null=True)

    class Meta:
        model = EnforcementAction
        fields = ["id", "decision", "kind", "state", "reverses", "attempts", "last_error", "applied_at", "created_at"]


class DecisionOutputSerializer(serializers.ModelSerializer):
    actions = serializers.ListField(source="requested_actions", child=serializers.CharField())
    ground = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.username")
    approved_by = serializers.CharField(source="approved_by.username", default=None, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "case",
            "outcome",
            "dismissal_reason",
            "actions",
            "ground",
            "intent",
            "statement",
            "recommended_actions",
            "departure_reason",
            "approval",
            "approved_by",
            "decided_by",
            "automated_detection",
            "automated_decision",
            "territorial_scope",
            "appeal_deadline",
            "created_at",
        ]

    def get_ground(self, decision) -> dict | None:
        if decision.policy_section_id:
            return {"policy_section": decision.policy_section.key, "label": decision.ground_label}
        if decision.license_clause_id:
            return {"license_clause": decision.license_clause_id, "label": decision.ground_label}
        return None


class CaseDetailOutputSerializer(CaseOutputSerializer):
    """Everything a decision needs on one page. Staff only: reporters' identities are in it."""

    # Shapes what moderation.selectors.case_detail read (`detail`); it reads nothing itself.

    reports = serializers.SerializerMethodField()
    decisions = DecisionOutputSerializer(many=True)
    # The API's field "context" (API.md); DRF's metaclass moves it out of the class, so it never
    # hides Serializer.context at run time, which mypy cannot see.
    context = serializers.SerializerMethodField()  # type: ignore[assignment]
    recommendation = serializers.SerializerMethodField()
    audit_trail = serializers.SerializerMethodField()

    class Meta(CaseOutputSerializer.Meta):
        fields = [*CaseOutputSerializer.Meta.fields, "reports", "decisions", "context", "recommendation", "audit_trail"]

    def __init__(self, detail: CaseDetail | None = None, **kwargs: Any) -> None:
        # Without a detail only for drf-spectacular, which reads the fields and serializes nothing.
        super().__init__(detail.case if detail is not None else None, **kwargs)
        self._detail = detail

    @property
    def detail(self) -> CaseDetail:
        if self._detail is None:
            raise TypeError("CaseDetailOutputSerializer serializes a moderation.selectors.CaseDetail.")
        return self._detail

    def get_reports(self, case) -> list[dict]:
        # A restricted case's evidence is legal's alone: others see that it exists, not where to fetch it.
        readable = self.detail.evidence_readable
        return [
            {
                "id": r.id,
                "source": r.source,
                "details": r.details,
                "revision": r.revision,
                "path": r.path,
                "lines": [r.line_start, r.line_end] if r.line_start else None,
                "file_sha256": r.file_sha256,
                "reporter": {
                    "name": r.reporter_name,
                    "email": r.reporter_email,
                    "trusted": bool(r.reporter and r.reporter.trusted),
                },
                "on_behalf_of": r.on_behalf_of,
                "evidence": [
                    {
                        "sha256": e.sha256,
                        "content_type": e.content_type,
                        "size": e.size,
                        "url": reverse("evidence-download", args=[e.pk]) if readable and not e.purged_at else None,
                        "api_url": reverse("api-evidence", args=[e.pk]) if readable and not e.purged_at else None,
                        "restricted": not readable,
                        "purged_at": e.purged_at,
                    }
                    for e in r.evidence.all()
                ],
                "created_at": r.created_at,
            }
            for r in self.detail.reports
        ]

    def get_context(self, case) -> dict:
        context = self.detail.context
        uploader = case.uploader
        return {
            "uploader": {"handle": uploader.handle, "standing": uploader.standing},
            "active_strikes": [
                {"severity": s.severity, "expires_at": s.expires_at, "decision": s.decision_id}
                for s in context.active_strikes
            ],
            "lineage": {
                "ancestors": [{"repo_id": r.full_name, "depth": r.depth} for r in context.ancestors],
                "descendants": [{"repo_id": r.full_name, "depth": r.depth} for r in context.descendants],
            },
            "earlier_decisions_on_subject": [
                {"id": d.pk, "case": d.case_id, "outcome": d.outcome, "ground": d.ground_label, "at": d.created_at}
                for d in context.subject_decisions
            ],
            "uploader_decisions": [
                {"id": d.pk, "case": d.case_id, "outcome": d.outcome, "ground": d.ground_label, "at": d.created_at}
                for d in context.uploader_decisions
            ],
            "statement_template": context.statement_template,
        }

    def get_recommendation(self, case) -> dict:
        return {intent: recommendation.actions for intent, recommendation in self.detail.recommendations.items()}

    def get_audit_trail(self, case) -> list[dict]:
        return [{"at": e.created_at, "actor": e.actor_label, "verb": e.verb, "data": e.data} for e in self.detail.trail]


class AppealOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "decision",
            "kind",
            "appellant",
            "state",
            "statement",
            "outcome_statement",
            "replacement_actions",
            "due_at",
            "restore_not_before",
            "restore_not_after",
            "court_action_reported_at",
            "decided_at",
            "created_at",
        ]
