"""Enforcement: delivered once, retried then failed visibly, time-boxed, held for remediation,
followed down the lineage, explained in full, automated under a circuit breaker."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hub.models import Account, BaseModelLink, Repository
from moderation.models import AutomationBreaker, Case, Decision, EnforcementAction, Strike
from moderation.services.cases import case_for_report
from moderation.services.enforcement import (
    OutgoingAction,
    enforcement_deliver,
    enforcement_expire,
    enforcement_sweep,
)
from moderation.services.lineage import lineage_open_cases
from policy.models import NoticeTemplate
from reports.models import HashList, KnownHash
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, hub_admin, moderator
from tests.flows import committed, decide, file


@pytest.mark.django_db
def test_a_hub_that_answers_500_is_retried_then_the_action_fails_visibly_and_can_be_retried(
    seeded, hub_receiver, settings, client
):
    settings.ENFORCEMENT_MAX_ATTEMPTS = 3
    hub_receiver.default_status = 500
    mod = api_for(moderator())
    with committed():
        case_id = file(RepositoryFactory())["case_id"]
    with committed():
        decide(mod, case_id)  # the first attempt, run at once
    with committed():
        first_delay = enforcement_deliver(action_id=EnforcementAction.objects.get().pk)  # the worker's retries
    with committed():
        last = enforcement_deliver(action_id=EnforcementAction.objects.get().pk)

    action = EnforcementAction.objects.get()
    assert first_delay >= settings.ENFORCEMENT_RETRY_BASE_SECONDS * 2  # exponential backoff, with jitter
    assert last is None
    failed = mod.get("/api/v1/enforcement-actions", {"state": "failed"}).json()
    client.force_login(moderator())
    page = client.get("/console/enforcement/").content.decode()
    hub_receiver.default_status = 204
    with committed():
        retried = mod.post(f"/api/v1/enforcement-actions/{action.pk}/retry")

    assert action.state == "failed"
    assert action.attempts == 3
    assert action.last_error.startswith("HTTP 500")
    assert [a["id"] for a in failed] == [action.pk]
    assert "HTTP 500" in page
    assert retried.status_code == 200
    assert EnforcementAction.objects.get().state == "applied"
    assert len({d.webhook_id for d in hub_receiver.verified()}) == 1


@pytest.mark.django_db
def test_a_hub_that_refuses_with_a_4xx_fails_the_action_at_once(seeded, hub_receiver):
    hub_receiver.default_status = 422
    with committed():
        case_id = file(RepositoryFactory())["case_id"]
    with committed():
        decide(api_for(moderator()), case_id)

    action = EnforcementAction.objects.get()
    assert (action.state, action.attempts) == ("failed", 1)
    assert len(hub_receiver.verified()) == 1


@pytest.mark.django_db
def test_a_time_boxed_action_is_lifted_when_it_ends_and_the_notice_says_until_when(seeded, hub_receiver, mailoutbox):
    repo = RepositoryFactory()
    with committed():
        case_id = file(repo)["case_id"]
    with committed():
        decide(api_for(moderator()), case_id, duration_days=7)
    action = EnforcementAction.objects.get()
    notice = next(m for m in mailoutbox if "Moderation decision" in m.subject).body
    with committed():
        expired_early = enforcement_expire()
    EnforcementAction.objects.filter(pk=action.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    with committed():
        expired = enforcement_expire()

    assert action.ends_at is not None
    assert "These actions last until" in notice
    assert expired_early == 0
    assert expired == 1

    assert [d.payload["type"] for d in hub_receiver.verified()] == ["enforcement.apply", "enforcement.revert"]
    assert Repository.objects.get(pk=repo.pk).visibility == "listed"
    assert EnforcementAction.objects.get(pk=action.pk).state == "reverted"


@pytest.mark.django_db
def test_a_remediated_repository_never_sees_the_action(seeded, hub_receiver, hub_api):
    sha = "c" * 64
    with committed():
        hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "revision": "aaa1111",
                    "files": [{"path": "data/novel.txt", "sha256": sha, "size": 1}]}, format="json")  # fmt: skip
    repo = Repository.objects.get(full_name="acme/tiny")
    with committed():
        case_id = file(repo, "other", path="data/novel.txt")["case_id"]

    with committed():
        decided = decide(api_for(moderator()), case_id, remediation_days=5)
    held = EnforcementAction.objects.get()
    nothing_sent = list(hub_receiver.verified())
    with committed():
        hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "revision": "bbb2222", "files": []},
                    format="json")  # fmt: skip

    assert decided.status_code == 200
    assert held.not_before > timezone.now() + timedelta(days=5)  # five business days
    assert nothing_sent == []
    action = EnforcementAction.objects.get()
    assert action.state == "cancelled"
    assert Decision.objects.get().remediated_at is not None
    assert hub_receiver.verified() == []
    assert Repository.objects.get(pk=repo.pk).visibility == "listed"


@pytest.mark.django_db
def test_an_unremediated_repository_gets_the_action_when_the_window_closes(seeded, hub_receiver, hub_api, settings):
    settings.ENFORCEMENT_SWEEP_AFTER_SECONDS = 0
    repo = RepositoryFactory()
    with committed():
        case_id = file(repo, "other", path="weights.bin")["case_id"]
    with committed():
        decide(api_for(moderator()), case_id, remediation_days=2)
    EnforcementAction.objects.update(not_before=timezone.now() - timedelta(seconds=1))
    with committed():
        swept = enforcement_sweep()

    assert swept == 1
    assert EnforcementAction.objects.get().state == "applied"


@pytest.mark.django_db
def test_a_remediation_window_needs_reports_that_name_files(seeded):
    response = decide(api_for(moderator()), file(RepositoryFactory())["case_id"], remediation_days=3)

    assert response.status_code == 400
    assert "remediation_days" in response.json()["errors"]


@pytest.mark.django_db
def test_acting_on_a_base_model_opens_one_linked_case_per_descendant(seeded):
    base = RepositoryFactory(name="base")
    level1 = [RepositoryFactory(name=f"ft{i}") for i in range(2)]
    merge = RepositoryFactory(name="merge")  # built on both: the diamond
    quant = RepositoryFactory(name="merge-gguf")
    already = RepositoryFactory(name="already")
    links = [
        (level1[0], base),
        (level1[1], base),
        (merge, level1[0]),
        (merge, level1[1]),
        (quant, merge),
        (already, base),
        (base, quant),
    ]  # fmt: skip  (and a cycle back to the base)
    for child, parent in links:
        BaseModelLink.objects.create(repository=child, base_full_name=parent.full_name, relation="finetune")
    case_for_report(repository=already, account=None, category="other")
    parent_case = case_for_report(repository=base, account=None, category="other").case
    decision = Decision.objects.create(case=parent_case, outcome="actioned", decided_by=moderator(),
                                       appeal_deadline=timezone.now(), ground_label="x", statement="x",
                                       requested_actions=["disable"], **_ground())  # fmt: skip

    opened = lineage_open_cases(decision_id=decision.pk)
    again = lineage_open_cases(decision_id=decision.pk)

    linked = Case.objects.filter(linked_from=parent_case)
    assert opened == 4
    assert again == 0
    assert sorted(c.repository.name for c in linked) == ["ft0", "ft1", "merge", "merge-gguf"]
    assert all(c.state == "open" and c.priority >= parent_case.priority for c in linked)
    assert Case.objects.filter(repository=already).count() == 1
    assert not EnforcementAction.objects.filter(decision__case__in=linked).exists()


def _ground():
    from policy.selectors import policy_section_current

    return {"policy_section": policy_section_current(key="harmful-use")}


@pytest.mark.django_db
def test_a_decision_on_a_base_model_fans_out_after_commit(seeded, hub_receiver):
    base = RepositoryFactory()
    child = RepositoryFactory()
    BaseModelLink.objects.create(repository=child, base_full_name=base.full_name, relation="adapter")
    with committed():
        case_id = file(base)["case_id"]

    with committed():
        decide(api_for(moderator()), case_id)

    assert Case.objects.get(repository=child).linked_from.repository == base


@pytest.mark.django_db
def test_a_repeat_copyright_infringer_is_recommended_for_suspension(seeded, settings):
    settings.REPEAT_INFRINGER_STRIKES = 2
    owner = AccountFactory()
    for _ in range(2):
        earlier = case_for_report(repository=RepositoryFactory(owner=owner), account=None, category="copyright").case
        decision = Decision.objects.create(case=earlier, outcome="actioned", decided_by=moderator(),
                                           appeal_deadline=timezone.now(), ground_label="x", statement="x",
                                           **_ground())  # fmt: skip
        Strike.objects.create(account=owner, decision=decision, severity="medium",
                              expires_at=timezone.now() + timedelta(days=90))  # fmt: skip
    case_id = file(RepositoryFactory(owner=owner), "copyright")["case_id"]

    recommendation = api_for(moderator()).get(f"/api/v1/cases/{case_id}").json()["recommendation"]

    compromised = recommendation.pop("compromised")
    assert all("suspend_account" in actions for actions in recommendation.values())
    # Unless the account was compromised: its owner is the victim, not the infringer.
    assert compromised == ["secure_account", "rollback"]


@pytest.mark.django_db
def test_the_statement_of_reasons_has_every_element_in_the_email_and_on_the_page(
    seeded, hub_receiver, mailoutbox, client
):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader", name="demo")
    with committed():
        case_id = file(repo)["case_id"]
    with committed():
        decide(api_for(moderator()), case_id)
    mail = next(m for m in mailoutbox if m.to == ["uploader@example.org"]).body
    page = client.get(re.search(r"https?://[^/]+(/notices/\S+/)", mail).group(1)).content.decode()

    for text in (mail, page):
        assert "delist" in text.lower()  # what was done
        assert "uploader/demo" in text  # to what
        assert "The demo impersonates a named journalist." in text  # the facts and reasons
        assert "Hub policy 2026-11, section harmful-use" in text  # the ground, section and version
        assert "by a person" in text or "came from a report" in text  # automated detection: no
        assert "made by a person" in text  # automated decision: no
        assert "worldwide" in text  # territorial scope
        assert "appeal" in text.lower()  # how to appeal
        assert Decision.objects.get().appeal_deadline.strftime("%Y-%m-%d") in text  # until when


@pytest.mark.django_db
def test_hub_admins_edit_the_notice_templates(seeded, hub_receiver, mailoutbox):
    NoticeTemplate.objects.filter(kind="statement_of_reasons").update(
        subject="Notice about {{ subject }}", body="We acted: {{ decision.statement }} Appeal: {{ notice_url }}"
    )
    AccountFactory(handle="uploader", email="uploader@example.org")
    with committed():
        case_id = file(RepositoryFactory(owner__handle="uploader"))["case_id"]

    with committed():
        decide(api_for(moderator()), case_id)

    mail = next(m for m in mailoutbox if m.to == ["uploader@example.org"])
    assert mail.subject.startswith("Notice about uploader/")
    assert mail.body.startswith("We acted: The demo impersonates")


@pytest.fixture
def auto_list(db):
    hash_list = HashList.objects.create(name="payloads", category="malicious_code", note="Reverse shells.",
                                        auto_actions=["disable"])  # fmt: skip
    KnownHash.objects.create(hash_list=hash_list, sha256="f" * 64)
    return hash_list


def sync_bad_file(hub_api, name):
    with committed():  # the hash match files a report, decided by automation after commit
        return hub_api.put(f"/api/v1/hub/repositories/acme/{name}",
                       {"kind": "model", "files": [{"path": "model.pkl", "sha256": "f" * 64, "size": 1}]},
                       format="json")  # fmt: skip


@pytest.mark.django_db
def test_automated_decisions_stop_when_the_breaker_trips_and_resume_when_an_admin_says(
    seeded, hub_receiver, hub_api, auto_list, settings
):
    settings.AUTOMATION_MAX_PER_HOUR = 2
    for name in ("one", "two", "three"):
        sync_bad_file(hub_api, name)

    automated = Decision.objects.filter(automated_decision=True)
    assert automated.count() == 2
    assert all(d.automated_detection and d.decided_by.username == "hubmod-automation" for d in automated)
    assert Case.objects.get(repository__name="three").state == "open"
    assert AutomationBreaker.objects.get().tripped
    assert api_for(moderator()).post("/api/v1/automation/resume").status_code == 403
    with committed():
        assert api_for(hub_admin()).post("/api/v1/automation/resume").status_code == 200
    settings.AUTOMATION_MAX_PER_HOUR = 10
    sync_bad_file(hub_api, "four")
    assert Case.objects.get(repository__name="four").state == "resolved"


@pytest.mark.django_db
def test_decommissioning_removes_for_good_with_a_reason_a_notice_and_an_appeal_path(seeded, hub_receiver, mailoutbox):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader", name="old")
    body = {"repository": repo.full_name, "reason": "Superseded and unsafe.", "ground": {"policy_section": "harmful-use"},
            "statement": "The model is withdrawn for good."}  # fmt: skip

    with committed():
        refused = api_for(moderator()).post("/api/v1/decommissions", body, format="json")
    with committed():
        done = api_for(hub_admin()).post("/api/v1/decommissions", body, format="json")

    assert refused.status_code == 403
    assert done.status_code == 201
    assert done.json()["actions"] == ["remove"]
    assert "Decommissioning: Superseded and unsafe." in done.json()["departure_reason"]
    assert Repository.objects.get(pk=repo.pk).visibility == "removed"
    assert any(m.to == ["uploader@example.org"] and "/notices/" in m.body for m in mailoutbox)


@pytest.mark.django_db
def test_follow_ups_the_broker_lost_are_sent_by_the_sweepers(seeded, hub_receiver, mailoutbox):
    from moderation.services.lineage import lineage_sweep
    from moderation.services.notices import notices_sweep

    AccountFactory(handle="uploader", email="uploader@example.org")
    base, child = RepositoryFactory(owner__handle="uploader"), RepositoryFactory()
    BaseModelLink.objects.create(repository=child, base_full_name=base.full_name, relation="finetune")
    decide(api_for(moderator()), file(base)["case_id"])  # in a test transaction: nothing after commit runs
    Decision.objects.update(created_at=timezone.now() - timedelta(hours=1))

    assert lineage_sweep() == 1
    assert notices_sweep() == 1
    assert Case.objects.get(repository=child).linked_from is not None
    assert Decision.objects.get().lineage_opened_at is not None
    assert any(m.to == ["uploader@example.org"] for m in mailoutbox)
    assert lineage_sweep() == 0
    assert notices_sweep() == 0


def _decision(*, kind: str, repository=None, account=None) -> Decision:
    case = case_for_report(repository=repository, account=account, category="other").case
    return Decision.objects.create(case=case, outcome="actioned", decided_by=moderator(), appeal_deadline=timezone.now(),
                                   ground_label="x", statement="x", requested_actions=[kind], **_ground())  # fmt: skip


def _delivered(*, kind: str, repository=None, account=None, reverses=None) -> EnforcementAction:
    """Deliver one new action of `kind`: on a new decision about `repository` or `account`, or
    undoing `reverses`."""
    decision = reverses.decision if reverses else _decision(kind=kind, repository=repository, account=account)
    action = EnforcementAction.objects.create(decision=decision, kind=kind, reverses=reverses)
    assert enforcement_deliver(action_id=action.pk) is None
    return EnforcementAction.objects.get(pk=action.pk)


@pytest.mark.django_db
def test_the_read_before_sending_equals_the_orms_values(seeded):
    owner = AccountFactory()
    repo = RepositoryFactory(owner=owner)
    decision = _decision(kind="delist", repository=repo)
    action = EnforcementAction.objects.create(decision=decision, kind="delist", not_before=timezone.now())

    [read] = OutgoingAction.claim(action_id=action.pk)

    fresh = EnforcementAction.objects.get(pk=action.pk)
    names = ["pk", "state", "kind", "reverses_id", "idempotency_key", "not_before", "created_at", "decision_id"]
    assert [getattr(read, name) for name in names] == [getattr(fresh, name) for name in names]
    assert (read.repository_id, read.repository_full_name, read.account_id) == (repo.pk, repo.full_name, None)
    assert (read.uploader_id, read.uploader_handle) == (owner.pk, owner.handle)
    assert OutgoingAction.claim(action_id=0) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("about", "kind", "subject", "mirrored"),
    [
        ("repository", "delist", ("repository", "acme/tiny"), ("visibility", "delisted", "active")),
        ("repository", "gate", ("repository", "acme/tiny"), ("gated", True, "active")),
        ("repository", "label", ("repository", "acme/tiny"), ("visibility", "listed", "active")),
        ("repository", "suspend_account", ("account", "acme"), ("visibility", "listed", "suspended")),
        ("account", "restrict_account", ("account", "acme"), (None, None, "restricted")),
        ("account", "warn", ("account", "acme"), (None, None, "active")),
    ],
)
def test_each_kind_names_its_subject_to_the_hub_and_mirrors_what_the_hub_applied(
    seeded, hub_receiver, about, kind, subject, mirrored
):
    owner = AccountFactory(handle="acme")
    repo = RepositoryFactory(owner=owner, name="tiny")
    on_repository = about == "repository"
    action = _delivered(kind=kind, repository=repo if on_repository else None, account=None if on_repository else owner)

    [delivery] = hub_receiver.verified()
    field, value, standing = mirrored
    assert action.state == "applied"
    assert delivery.webhook_id == f"msg_{action.idempotency_key.hex}"
    assert delivery.payload["type"] == "enforcement.apply"
    assert (delivery.payload["subject"]["type"], delivery.payload["subject"]["id"]) == subject
    assert delivery.payload["decision"] == action.decision_id
    assert "/notices/" in delivery.payload["statement_url"]
    if field is not None:
        assert getattr(Repository.objects.get(pk=repo.pk), field) == value
    assert Account.objects.get(pk=owner.pk).standing == standing


@pytest.mark.django_db
def test_a_reversal_reinstates_the_subject_and_marks_what_it_undid_reverted(seeded, hub_receiver):
    repo = RepositoryFactory()
    original = _delivered(kind="disable", repository=repo)
    reversal = _delivered(kind="disable", reverses=original)

    assert [d.payload["type"] for d in hub_receiver.verified()] == ["enforcement.apply", "enforcement.revert"]
    assert reversal.state == "applied"
    assert EnforcementAction.objects.get(pk=original.pk).state == "reverted"
    assert Repository.objects.get(pk=repo.pk).visibility == "listed"


@pytest.mark.django_db
def test_a_reversal_waits_until_what_it_undoes_has_applied_and_sends_nothing_meanwhile(seeded, hub_receiver, settings):
    applied = _delivered(kind="label", repository=RepositoryFactory())
    pending = EnforcementAction.objects.create(decision=applied.decision, kind="delist")
    reversal = EnforcementAction.objects.create(decision=applied.decision, kind="delist", reverses=pending)

    waited = enforcement_deliver(action_id=reversal.pk)

    assert waited == settings.ENFORCEMENT_RETRY_BASE_SECONDS
    assert len(hub_receiver.verified()) == 1  # the label only
    assert EnforcementAction.objects.get(pk=reversal.pk).state == "pending"
