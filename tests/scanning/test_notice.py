"""The uploader's notice for a decision on an automated report says which file, what was found,
and how to fix it; a person's report is never quoted."""

import pytest
from django.test import Client

from hubmod.actors import Actor
from moderation.selectors import notice_token_for
from moderation.services.cases import case_claim
from moderation.services.decisions import Ground, case_decide
from moderation.services.notices import decision_notify
from reports.models import Report
from scanning.services import scan_record
from tests.factories import moderator
from tests.scanning.test_verdicts import DANGEROUS_PICKLE, PICKLESCAN, file, sync

SECRET_CONFIG = "5" * 64
DETECT_SECRETS = {"name": "detect-secrets", "version": "1.5.0", "verdict": "dangerous",
                  "findings": [{"kind": "secret", "detail": "AWS Access Key on line 3"}]}  # fmt: skip


def decided(case, statement="The pickle runs a shell command when it is loaded."):
    mia = Actor.staff(moderator())
    case_claim(case_id=case.pk, actor=mia)
    return case_decide(case_id=case.pk, actor=mia, actions=["gate"], ground=Ground(policy_section="malicious-code"),
                       intent="deliberate", statement=statement, departure_reason="Test.")  # fmt: skip


@pytest.mark.django_db
def test_the_notice_names_the_file_the_finding_and_how_to_convert_it(seeded, hub_api, mailoutbox):
    hub_api.put("/api/v1/hub/accounts/acme", {"email": "ada@acme.example"}, format="json")
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    decision = decided(Report.objects.get(source=Report.Source.AUTOMATED).case)
    assert decision.automated_detection

    page = Client().get(f"/notices/{notice_token_for(decision)}/").content.decode()
    findings = page[page.index('data-testid="automated-findings"') :]
    assert "<code>model.bin</code>" in findings
    assert "os.system in archive/data.pkl" in findings
    assert "safetensors" in findings

    decision_notify(decision_id=decision.pk)
    [mail] = [m for m in mailoutbox if m.to == ["ada@acme.example"]]
    assert "Detection was automated (an artifact scan" in mail.body
    assert "- model.bin: Found by hubmod's artifact scan (picklescan 1.0.5)" in mail.body
    assert "How to fix it: Remove the file, or replace it with a format that cannot run code" in mail.body


@pytest.mark.django_db
def test_a_secret_is_fixed_by_revoking_it_and_the_notice_never_holds_the_secret(seeded, hub_api):
    sync(hub_api, "leaky", [file("config.json", SECRET_CONFIG)])
    scan_record(sha256=SECRET_CONFIG, verdict="dangerous", scanners=[DETECT_SECRETS])
    report = Report.objects.get(source=Report.Source.AUTOMATED)
    assert report.category == "private_information"
    decision = decided(report.case, statement="A live cloud key is published in the configuration.")

    page = Client().get(f"/notices/{notice_token_for(decision)}/").content.decode()
    assert "AWS Access Key on line 3" in page
    assert "Revoke the credential where it was issued" in page
