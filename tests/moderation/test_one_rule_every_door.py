"""Each refusal lives once, in a service, and every door (API, notice page, reporter's page,
console) goes through it: what one door refuses, no other accepts. And what an overturn leaves
behind tells the truth everywhere it is shown."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hub.models import Account
from moderation.models import Appeal, Case, Decision, EnforcementAction
from moderation.selectors import notice_token_for
from policy.models import StatementTemplate
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, appeal_reviewer, moderator
from tests.flows import decide, file


def console(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def decided(seeded, hub_receiver):
    """An applied delist on an uploader's repository, decided through the API."""
    owner = AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner=owner, name="demo")
    report = file(repo)
    decider = moderator()
    body = decide(api_for(decider), report["case_id"], departure_reason="Test.").json()
    decision = Decision.objects.get(pk=body["decision"]["id"])
    return {"repo": repo, "report": report, "decider": decider, "decision": decision,
            "token": notice_token_for(decision)}  # fmt: skip


def appeal_api(decided, **extra):
    body = {"decision": decided["decision"].pk, "statement": "It is mine.", "token": decided["token"], **extra}
    return APIClient().post("/api/v1/appeals", body, format="json")


def overturn(decided) -> Appeal:
    appeal_id = appeal_api(decided).json()["id"]
    reviewed = api_for(appeal_reviewer()).post(
        f"/api/v1/appeals/{appeal_id}/decide", {"outcome": "overturned", "statement": "Reviewed."}, format="json"
    )
    assert reviewed.status_code == 200, reviewed.content
    return Appeal.objects.get(pk=appeal_id)


# --- An appeal against a decision already reversed ------------------------------------------------


@pytest.mark.django_db
def test_the_api_refuses_an_appeal_against_a_decision_already_overturned_with_409(decided):
    overturn(decided)

    again = appeal_api(decided, statement="And again.")

    assert again.status_code == 409
    assert "already reversed on appeal" in again.json()["detail"]
    assert again.json()["state"] == "overturned"
    assert Appeal.objects.filter(decision=decided["decision"]).count() == 1


@pytest.mark.django_db
def test_the_notice_page_refuses_it_too_and_offers_no_form_nor_says_there_is_one(decided):
    overturn(decided)
    page = Client()

    posted = page.post(f"/notices/{decided['token']}/", {"statement": "And again."})
    shown = page.get(f"/notices/{decided['token']}/").content.decode()

    assert posted.status_code == 400
    assert "already reversed on appeal" in posted.content.decode()
    assert Appeal.objects.filter(decision=decided["decision"]).count() == 1
    assert "with the form below" not in shown
    assert "<form" not in shown.split("<h2>Appeal</h2>", 1)[1]
    assert "already reversed on appeal" in shown
    assert "Overturned" in shown


@pytest.mark.django_db
def test_a_counter_notice_posted_by_hand_against_a_non_copyright_decision_is_refused_by_the_service_rule(decided):
    posted = Client().post(
        f"/notices/{decided['token']}/",
        {"kind": "counter_notice", "statement": "x", "name": "A", "address": "B", "phone": "1"},
    )

    assert posted.status_code == 400
    assert "A counter-notice answers a copyright takedown only" in posted.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_a_decision_waiting_for_its_second_approval_cannot_be_appealed_through_any_door(seeded, hub_receiver):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader")
    proposed = decide(api_for(moderator()), file(repo)["case_id"], actions=["delist", "suspend_account"],
                      departure_reason="Test.").json()["decision"]  # fmt: skip
    decision = Decision.objects.get(pk=proposed["id"])
    assert decision.approval == Decision.Approval.PROPOSED
    token = notice_token_for(decision)

    by_api = APIClient().post(
        "/api/v1/appeals", {"decision": decision.pk, "statement": "Premature.", "token": token}, format="json"
    )
    by_page = Client().post(f"/notices/{token}/", {"statement": "Premature."})

    assert by_api.status_code == 400
    assert "has not taken effect" in by_api.json()["errors"]["decision"][0]
    assert by_page.status_code == 400
    assert "has not taken effect" in by_page.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_a_reporter_whose_dismissal_was_overturned_is_offered_no_second_appeal(seeded, hub_receiver):
    report = file(RepositoryFactory())
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{report['case_id']}/claim")
    mod.post(f"/api/v1/cases/{report['case_id']}/dismiss", {"reason": "no_violation", "statement": "Fine."},
             format="json")  # fmt: skip
    decision = Decision.objects.get(case_id=report["case_id"])
    body = {"decision": decision.pk, "statement": "Look again.", "report": report["id"], "receipt": report["receipt"]}
    first = APIClient().post("/api/v1/appeals", body, format="json")
    api_for(appeal_reviewer()).post(f"/api/v1/appeals/{first.json()['id']}/decide",
                                    {"outcome": "overturned", "statement": "Reopened."}, format="json")  # fmt: skip

    second = APIClient().post("/api/v1/appeals", body, format="json")
    page = Client().get(f"/reports/{report['id']}/status", {"receipt": report["receipt"]})

    assert first.status_code == 201
    assert second.status_code == 409
    assert "already overturned" in second.json()["detail"]
    assert Appeal.objects.count() == 1
    assert "Disagree with this decision?" not in page.content.decode()


# --- Four-eyes on appeal: an appeal can lessen a decision, never worsen it ---------------------------


@pytest.mark.django_db
def test_a_reviewer_alone_cannot_suspend_the_appellant_by_modifying_the_decision(decided):
    appeal_id = appeal_api(decided).json()["id"]
    reviewer = appeal_reviewer()

    by_api = api_for(reviewer).post(
        f"/api/v1/appeals/{appeal_id}/decide",
        {"outcome": "modified", "statement": "Worse.", "actions": ["suspend_account"]},
        format="json",
    )
    by_console = console(reviewer).post(
        f"/console/appeals/{appeal_id}/", {"outcome": "modified", "statement": "Worse.", "actions": ["suspend_account"]}
    )

    assert by_api.status_code == 400
    assert "needs a second moderator" in by_api.json()["errors"]["actions"][0]
    assert by_console.status_code == 400
    assert "needs a second moderator" in by_console.content.decode()
    assert Appeal.objects.get(pk=appeal_id).state == Appeal.State.SUBMITTED
    assert Account.objects.get(handle="uploader").standing == Account.Standing.ACTIVE
    assert not EnforcementAction.objects.filter(kind="suspend_account").exists()


@pytest.mark.django_db
def test_a_modified_outcome_may_not_replace_an_action_with_a_heavier_one_but_may_with_a_lighter(decided):
    appeal_id = appeal_api(decided).json()["id"]
    reviewer = api_for(appeal_reviewer())

    heavier = reviewer.post(
        f"/api/v1/appeals/{appeal_id}/decide",
        {"outcome": "modified", "statement": "Worse.", "actions": ["disable"]},
        format="json",
    )
    lighter = reviewer.post(f"/api/v1/appeals/{appeal_id}/decide",
                            {"outcome": "modified", "statement": "Lesser.", "actions": ["label"]}, format="json")  # fmt: skip

    assert heavier.status_code == 400
    assert "not lighter than what was decided (delist)" in heavier.json()["errors"]["actions"][0]
    assert lighter.status_code == 200
    kinds = set(decided["decision"].actions.filter(reverses__isnull=True).values_list("kind", flat=True))
    assert kinds == {"delist", "label"}


@pytest.mark.django_db
def test_the_apis_refusal_of_the_decider_as_reviewer_names_the_rule(seeded, hub_receiver):
    AccountFactory(handle="uploader", email="uploader@example.org")
    both = moderator()
    both.groups.add(*appeal_reviewer().groups.all())
    repo = RepositoryFactory(owner__handle="uploader")
    decision = Decision.objects.get(
        pk=decide(api_for(both), file(repo)["case_id"], departure_reason="Test.").json()["decision"]["id"]
    )
    appeal_id = appeal_api({"decision": decision, "token": notice_token_for(decision)}).json()["id"]

    refused = api_for(both).post(f"/api/v1/appeals/{appeal_id}/decide",
                                 {"outcome": "overturned", "statement": "Mine."}, format="json")  # fmt: skip

    assert refused.status_code == 403
    assert "someone who took no part in the decision" in refused.json()["detail"]
    assert Appeal.objects.get(pk=appeal_id).state == Appeal.State.SUBMITTED


# --- An overturned decision leaves no stale truth behind -----------------------------------------


@pytest.mark.django_db
def test_after_an_overturn_the_reporter_is_told_reversed_by_the_api_and_the_page(decided):
    overturn(decided)
    report = decided["report"]

    status = APIClient().get(f"/api/v1/reports/{report['id']}", {"receipt": report["receipt"]}).json()
    page = Client().get(f"/reports/{report['id']}/status", {"receipt": report["receipt"]}).content.decode()

    assert status["status"] == "reversed"
    assert status["outcome"].startswith("Overturned on appeal on ")
    assert status["decision"] == decided["decision"].pk
    assert 'data-status="reversed"' in page
    assert "Overturned on appeal" in page
    assert "It is mine." not in str(status) + page  # the uploader's appeal is not the reporter's to read


@pytest.mark.django_db
def test_the_case_page_lists_an_overturned_decision_in_the_uploaders_history_as_reversed(decided):
    overturn(decided)
    later = file(RepositoryFactory(owner=decided["repo"].owner), "spam")
    mod = moderator()

    page = console(mod).get(f"/console/cases/{later['case_id']}/").content.decode()
    own = console(mod).get(f"/console/cases/{decided['report']['case_id']}/").content.decode()

    history = page.split("The uploader,", 1)[1].split("</ul>", 1)[0]
    assert f"#{decided['report']['case_id']}</a>: actioned" in history
    assert "reversed on appeal" in history
    assert "reversed on appeal" in own.split("Decisions on this case", 1)[1]


# --- The statement of reasons is the moderator's own ----------------------------------------------


def template_for(category: str) -> str:
    return StatementTemplate.objects.get(category=category).text


@pytest.mark.django_db
def test_the_unedited_template_is_refused_as_a_statement_through_the_api_and_the_console(seeded, hub_receiver):
    case_id = file(RepositoryFactory())["case_id"]
    user = moderator()
    template = template_for("other")

    by_api = decide(api_for(user), case_id, statement=template, departure_reason="Test.")
    page = console(user).get(f"/console/cases/{case_id}/").content.decode()
    by_console = console(user).post(
        f"/console/cases/{case_id}/decide",
        {"actions": ["delist"], "ground": "policy:harmful-use", "intent": "deliberate", "statement": template,
         "departure_reason": "Test."},
    )  # fmt: skip

    assert "What we found: [the facts" in page  # the console starts from the template...
    assert by_api.status_code == 400
    assert "Replace [the facts: which files" in by_api.json()["errors"]["statement"][0]
    assert by_console.status_code == 400
    assert "Replace [the facts: which files" in by_console.content.decode()
    assert not Decision.objects.exists()  # ...and nothing of it reaches the uploader
    assert Case.objects.get(pk=case_id).state == Case.State.IN_REVIEW


@pytest.mark.django_db
def test_a_statement_that_only_strips_the_brackets_says_nothing_new_and_is_refused(seeded, hub_receiver):
    case_id = file(RepositoryFactory())["case_id"]
    stripped = template_for("other").replace("[", "").replace("]", "")

    refused = decide(api_for(moderator()), case_id, statement=stripped, departure_reason="Test.")

    assert refused.status_code == 400
    assert "Write the facts of this case" in refused.json()["errors"]["statement"][0]
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_a_statement_written_from_the_template_is_accepted(seeded, hub_receiver):
    case_id = file(RepositoryFactory())["case_id"]
    written = (
        "What we found: the demo at revision abc123 answers as a named journalist.\n"
        "Why it breaks the rule: impersonation without consent.\n"
        "What we did and why that much: delisted; a label would still mislead."
    )

    accepted = decide(api_for(moderator()), case_id, statement=written, departure_reason="Test.")

    assert accepted.status_code == 200, accepted.content
    assert Decision.objects.get().statement == written


# --- The audit trail reads as words ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_case_pages_audit_trail_shows_words_not_python_dicts(decided):
    page = console(moderator()).get(f"/console/cases/{decided['report']['case_id']}/").content.decode()

    trail = page.split("<h2>Audit trail</h2>", 1)[1]
    assert "{&#x27;" not in trail
    assert "{'" not in trail
    assert "actions: delist" in trail


# --- Smaller things a newcomer met ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_forms_say_optional_once_and_the_copyright_form_its_statute_once(seeded):
    form = Client().get("/report/malicious_code/").content.decode()
    copyright_form = Client().get("/report/copyright/").content.decode()

    assert "(optional) <span" not in form
    assert form.count("(optional)") == form.count('<span class="help">(optional)</span>')
    assert copyright_form.count("512(c)(3)") == 1


@pytest.mark.django_db
def test_the_queues_bulk_action_starts_unchosen_and_nothing_happens_until_one_is_chosen(seeded):
    case_id = file(RepositoryFactory())["case_id"]
    user = moderator()

    queue = console(user).get("/console/").content.decode()
    unchosen = console(user).post("/console/bulk", {"ids": str(case_id), "action": ""}, follow=True)

    select = queue.split('name="action"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose an action' in select
    assert "Nothing was done." in unchosen.content.decode()
    assert Case.objects.get(pk=case_id).state == Case.State.OPEN
