"""A model moved to another app keeps its history: the log filed its earlier events under the old
app's label and is never rewritten, so a trail reads both labels."""

from types import SimpleNamespace

import pytest

from hubmod.audit.log import target_types, trail
from hubmod.audit.models import AuditEvent
from hubmod.idempotency.models import IdempotentRequest
from hubmod.staff.models import StaffToken
from moderation.models import Case
from policy.models import NoticeTemplate, PolicyVersion, SlaRule
from transparency.models import StatementSubmission


@pytest.mark.parametrize(
    ("model", "labels"),
    [
        (Case, ["moderation.case"]),
        (SlaRule, ["policy.slarule", "moderation.slarule"]),
        (PolicyVersion, ["policy.policyversion", "moderation.policyversion"]),
        (StatementSubmission, ["transparency.statementsubmission", "moderation.statementsubmission"]),
        (StaffToken, ["staff.stafftoken", "moderation.stafftoken"]),
        (IdempotentRequest, ["idempotency.idempotentrequest", "reports.idempotentrequest"]),
    ],
)
def test_a_moved_model_is_known_by_its_old_label_too(model, labels):
    assert target_types(model) == labels


@pytest.mark.django_db
def test_the_trail_of_a_moved_model_shows_events_from_before_the_move(seeded):
    from hubmod.actors import SYSTEM
    from hubmod.audit import log as audit

    template = NoticeTemplate.objects.get(kind="statement_of_reasons", language="en")
    # The template as the log saw it before the move: the same row under moderation's label.
    before_the_move = SimpleNamespace(pk=template.pk, _meta=SimpleNamespace(label_lower="moderation.noticetemplate"))
    audit.record(actor=SYSTEM, verb="noticetemplate.updated", target=before_the_move, data={"fields": ["body"]})
    audit.record(actor=SYSTEM, verb="noticetemplate.updated", target=template, data={"fields": ["subject"]})

    assert AuditEvent.objects.filter(target_type="moderation.noticetemplate").count() == 1

    assert [e.data["fields"] for e in trail(template)] == [["body"], ["subject"]]
