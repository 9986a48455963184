"""Report intake over the API: every required field, receipts, and who may see what."""

import pytest
from rest_framework.test import APIClient

from moderation.models import Case
from reports.categories import CATEGORIES
from reports.models import Report
from tests.factories import AccountFactory, RepositoryFactory
from tests.reports.samples import complete_details, form_data, identity_for

COPYRIGHT_DETAILS = complete_details("copyright")


@pytest.fixture
def repo(seeded):
    return RepositoryFactory(owner__handle="acme", name="tiny", license_key="llama3.1")


def file(client, repo, category="copyright", details=None, **extra):
    body = {
        "subject": {"type": "repository", "id": repo.full_name},
        "category": category,
        "details": complete_details(category) if details is None else details,
        **extra,
    }
    if "reporter" not in extra and identity_for(category):
        body["reporter"] = identity_for(category)
    return client.post("/api/v1/reports", body, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("category", list(CATEGORIES))
def test_complete_report_is_201_with_a_receipt_and_opens_a_case(repo, category):
    response = file(APIClient(), repo, category)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "receipt", "status_url", "case_id"}
    case = Case.objects.get(pk=body["case_id"])
    assert (case.repository, case.category, case.state) == (repo, category, "open")
    assert body["status_url"].endswith(f"/reports/{body['id']}/status?receipt={body['receipt']}")


@pytest.mark.django_db
@pytest.mark.parametrize("category", list(CATEGORIES))
def test_complete_report_through_the_html_form_is_filed(repo, category, client):
    response = client.post(f"/report/{category}/", form_data(category, repo.full_name))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Report.objects.get().category == category


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("category", "field"), [(c.key, f.name) for c in CATEGORIES.values() for f in c.fields if f.required or f.statement]
)
def test_each_missing_required_field_is_400_naming_it(repo, category, field):
    details = {k: v for k, v in complete_details(category).items() if k != field}

    response = file(APIClient(), repo, category, details)

    assert response.status_code == 400
    assert field in response.json()["errors"]["details"]
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("category", "field"), [(c.key, f.name) for c in CATEGORIES.values() for f in c.fields if f.required or f.statement]
)
def test_each_missing_required_field_is_shown_next_to_it_in_the_form(repo, category, field, client):
    data = {k: v for k, v in form_data(category, repo.full_name).items() if k != f"details__{field}"}

    response = client.post(f"/report/{category}/", data)

    assert response.status_code == 400
    assert f'href="#id_details__{field}"' in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("category", [c.key for c in CATEGORIES.values() if "account" not in c.subject_types])
def test_a_category_that_does_not_fit_the_subject_is_400(seeded, category):
    AccountFactory(handle="someone")

    response = APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "account", "id": "someone"}, "category": category, "details": complete_details(category)},
        format="json",
    )

    assert response.status_code == 400
    assert "not an account" in response.json()["errors"]["category"][0]


@pytest.mark.django_db
def test_a_dsa_notice_without_name_and_email_is_400_but_child_safety_needs_neither(repo):
    dsa = file(APIClient(), repo, "illegal_content", reporter={})
    child_safety = file(APIClient(), repo, "child_safety")

    assert dsa.status_code == 400
    assert "reporter" in dsa.json()["errors"]
    assert child_safety.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["good_faith_statement", "accuracy_statement", "authorized_to_act"])
def test_a_dmca_statement_not_affirmed_is_400(repo, statement):
    response = file(APIClient(), repo, details={**COPYRIGHT_DETAILS, statement: False})

    assert response.status_code == 400
    assert "required" in response.json()["errors"]["details"][statement][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {
                "subject": {"type": "repository", "id": "nobody/nothing"},
                "category": "other",
                "details": {"explanation": "x"},
            },
            "subject",
        ),
        (
            {"subject": {"type": "repository", "id": "no-slash"}, "category": "other", "details": {"explanation": "x"}},
            "subject",
        ),
        ({"subject": {"type": "planet", "id": "a/b"}, "category": "other", "details": {}}, "subject"),
        (
            {"subject": {"type": "account", "id": "ghost"}, "category": "other", "details": {"explanation": "x"}},
            "subject",
        ),
        ({"subject": {"type": "account", "id": "x"}, "category": "arson", "details": {}}, "category"),
        ({"subject": {"type": "account", "id": "x"}, "category": "other", "details": "text"}, "details"),
        ({"category": "other", "details": {"explanation": "x"}}, "subject"),
    ],
)
def test_malformed_or_unknown_subjects_and_categories_are_400(body, field):
    AccountFactory(handle="x")

    response = APIClient().post("/api/v1/reports", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_unknown_detail_fields_are_refused_by_name():
    response = file(APIClient(), RepositoryFactory(), "other", {"explanation": "x", "colour": "red"})

    assert response.status_code == 400
    assert "colour" in response.json()["errors"]["details"]


@pytest.mark.django_db
def test_second_report_on_same_subject_and_category_joins_the_open_case():
    repo = RepositoryFactory()

    first = file(APIClient(), repo).json()
    second = file(APIClient(), repo).json()
    other_category = file(APIClient(), repo, "other").json()

    assert first["case_id"] == second["case_id"]
    assert other_category["case_id"] != first["case_id"]
    assert Case.objects.get(pk=first["case_id"]).reports.count() == 2


@pytest.mark.django_db
def test_status_needs_the_receipt_and_never_shows_the_reporter():
    created = file(
        APIClient(), RepositoryFactory(), reporter={"name": "Rita", "email": "rita@publisher.example"}
    ).json()

    ok = APIClient().get(f"/api/v1/reports/{created['id']}", {"receipt": created["receipt"]})
    wrong = APIClient().get(f"/api/v1/reports/{created['id']}", {"receipt": "guess"})
    missing = APIClient().get(f"/api/v1/reports/{created['id']}")

    assert ok.status_code == 200
    assert ok.json() == {"id": created["id"], "status": "received"}
    assert wrong.status_code == 404
    assert missing.status_code == 404
    assert "rita" not in ok.content.decode().lower()


@pytest.mark.django_db
def test_on_behalf_of_is_for_hub_keys_only(hub_api):
    repo = RepositoryFactory()

    anonymous = file(APIClient(), repo, "other", on_behalf_of="bob")
    hub = file(hub_api, repo, "other", on_behalf_of="bob")

    assert anonymous.status_code == 400
    assert "on_behalf_of" in anonymous.json()["errors"]
    assert hub.status_code == 201
    assert Report.objects.get(pk=hub.json()["id"]).source == "hub"


@pytest.mark.django_db
def test_receipt_is_emailed_when_an_address_is_given(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = file(APIClient(), RepositoryFactory(), "other", reporter={"email": "me@example.org"}).json()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["me@example.org"]
    assert created["receipt"] in mailoutbox[0].body


def test_categories_endpoint_is_generated_from_the_one_definition(client):
    response = client.get("/api/v1/report-categories")

    assert response.status_code == 200
    by_key = {c["key"]: c for c in response.json()}
    assert set(by_key) == set(CATEGORIES)
    copyright_fields = {f["name"]: f for f in by_key["copyright"]["fields"]}
    assert list(copyright_fields) == [f.name for f in CATEGORIES["copyright"].fields]
    assert copyright_fields["accuracy_statement"]["required"] is True
    assert "penalty of perjury" in copyright_fields["accuracy_statement"]["statement"]
