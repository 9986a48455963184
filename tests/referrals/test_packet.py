"""The referral packet (docs/referral-packet.md): its manifest, its digests, its audit."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from referrals.services import referral_create
from tests.conftest import api_for
from tests.referrals.conftest import THREAT, legal_user


@pytest.fixture
def referral(restricted):
    return referral_create(
        actor=Actor.staff(legal_user()), case_id=restricted.case.pk, authority="iwf", referred_at=date(2024, 5, 1),
        reference="IWF-77", notes="Sent by the secure portal.",
    )  # fmt: skip


def _packet(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
def test_the_packet_holds_a_documented_manifest_the_evidence_and_digests_of_every_file(restricted, referral):
    lawyer = legal_user()

    packet = _packet(api_for(lawyer).get(f"/api/v1/referrals/{referral.pk}/packet"))

    evidence_path = f"evidence/{restricted.evidence.pk}-{restricted.evidence.sha256}"
    assert sorted(packet.namelist()) == ["SHA256SUMS", evidence_path, "manifest.json"]
    manifest = json.loads(packet.read("manifest.json"))
    assert (manifest["format"], manifest["version"]) == ("hubmod-referral-packet", 1)
    assert manifest["generated_by"] == lawyer.username
    assert manifest["referral"]["reference"] == "IWF-77"
    assert manifest["referral"]["referred_at"] == "2024-05-01"
    assert manifest["referral"]["authority_label"] == "Internet Watch Foundation"
    assert manifest["case"]["id"] == restricted.case.pk
    assert manifest["case"]["escalated_to"] == "legal"
    [report] = manifest["reports"]
    assert report["details"] == {"explanation": "A threat against named people."}
    assert report["reporter"] == {"identified": True, "trusted_flagger": False}  # no contact by default
    assert "rita@example.org" not in packet.read("manifest.json").decode()
    assert report["evidence"][0]["file"] == evidence_path
    assert manifest["files"] == [
        {"path": evidence_path, "sha256": hashlib.sha256(THREAT).hexdigest(), "size": len(THREAT),
         "matches_record": True}
    ]  # fmt: skip
    assert packet.read(evidence_path) == THREAT
    verbs = [e["verb"] for e in manifest["audit_events"]]
    assert verbs[:2] == ["report.filed", "case.opened"]
    assert {"case.escalate", "referral.created", "preservationhold.placed"} <= set(verbs)
    assert [h["state"] for h in manifest["preservation_holds"]] == ["active"]
    sums = dict(reversed(line.split("  ")) for line in packet.read("SHA256SUMS").decode().splitlines())
    for name in ("manifest.json", evidence_path):
        assert sums[name] == hashlib.sha256(packet.read(name)).hexdigest()
    [export] = AuditEvent.objects.filter(verb="referral.packet_exported")
    assert (export.actor_label, export.target_id) == (lawyer.username, str(referral.pk))
    assert export.data["manifest_sha256"] == sums["manifest.json"]
    assert export.data["include_reporter_contact"] is False


@pytest.mark.django_db
def test_reporter_contact_is_in_the_packet_only_when_asked_for_and_that_is_audited(referral):
    response = api_for(legal_user()).get(f"/api/v1/referrals/{referral.pk}/packet?include_reporter_contact=true")

    manifest = json.loads(_packet(response).read("manifest.json"))
    assert manifest["includes_reporter_contact"] is True
    assert manifest["reports"][0]["reporter"]["email"] == "rita@example.org"
    assert AuditEvent.objects.get(verb="referral.packet_exported").data["include_reporter_contact"] is True


@pytest.mark.django_db
def test_the_export_command_writes_the_packet_and_is_audited(referral, tmp_path):
    output = tmp_path / "packet.zip"

    call_command("export_referral_packet", str(referral.pk), "--output", str(output))

    packet = zipfile.ZipFile(output)
    assert json.loads(packet.read("manifest.json"))["referral"]["id"] == referral.pk
    export = AuditEvent.objects.get(verb="referral.packet_exported")
    assert export.actor_kind == "system"
    assert "export_referral_packet" in export.actor_label
    with pytest.raises(CommandError, match="exists"):
        call_command("export_referral_packet", str(referral.pk), "--output", str(output))


@pytest.mark.django_db
def test_the_export_command_refuses_someone_who_is_not_legal(referral, tmp_path):
    from tests.factories import hub_admin

    output = tmp_path / "packet.zip"

    with pytest.raises(CommandError, match="Only legal"):
        call_command("export_referral_packet", str(referral.pk), "--output", str(output), "--by", hub_admin().username)

    assert not output.exists()
    assert not AuditEvent.objects.filter(verb="referral.packet_exported").exists()
