"""A license-violation report must cite the repository's own license and an actionable clause."""

import pytest
from rest_framework.test import APIClient

from licenses.models import License, LicenseClause
from reports.models import Report
from tests.factories import AccountFactory, RepositoryFactory


@pytest.fixture
def llama_repo(seeded):
    return RepositoryFactory(owner__handle="acme", name="llama-tune", license_key="llama3.1")


def actionable_clause(key="llama3.1"):
    return LicenseClause.objects.filter(license__key=key, actionable=True).order_by("ref").first()


def report(repo_id, details, subject_type="repository"):
    return APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": subject_type, "id": repo_id}, "category": "license_violation", "details": details},
        format="json",
    )


def details(**change):
    return {
        "license": "llama3.1",
        "clause": actionable_clause().pk,
        "explanation": "The card sells it for malware.",
        **change,
    }


@pytest.mark.django_db
def test_a_report_citing_an_actionable_clause_of_the_repositorys_license_is_201(llama_repo):
    response = report(llama_repo.full_name, details())

    assert response.status_code == 201
    assert Report.objects.get().details["clause"] == actionable_clause().pk


@pytest.mark.django_db
def test_citing_another_license_than_the_repositorys_is_400_naming_the_right_one(llama_repo):
    response = report(llama_repo.full_name, details(license="gemma", clause=actionable_clause("gemma").pk))

    assert response.status_code == 400
    message = response.json()["errors"]["details"]["license"][0]
    assert "acme/llama-tune is published under 'llama3.1', not 'gemma'" in message
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["other", "unknown", "not-in-the-catalogue"])
def test_a_license_the_hub_does_not_act_on_gets_the_same_explanation_every_time(seeded, key):
    repo = RepositoryFactory(license_key=key)

    first = report(repo.full_name, details(license=key, clause=1)).json()
    second = report(repo.full_name, details(license=key, clause=2)).json()

    message = first["errors"]["details"]["license"][0]
    assert message == second["errors"]["details"]["license"][0]
    assert f"does not act on the terms of the '{key}' license" in message
    assert "copyright, acceptable use, illegal content" in message
    lic = License.objects.filter(key=key).first()
    if lic:
        assert lic.rationale in message


@pytest.mark.django_db
def test_a_clause_of_another_license_is_400_listing_the_clauses_that_count(llama_repo):
    response = report(llama_repo.full_name, details(clause=actionable_clause("gemma").pk))

    assert response.status_code == 400
    message = response.json()["errors"]["details"]["clause"][0]
    assert "is not a clause of 'llama3.1'" in message
    assert actionable_clause().ref in message


@pytest.mark.django_db
def test_a_clause_the_hub_does_not_act_on_is_400(llama_repo):
    inert = LicenseClause.objects.create(
        license=License.objects.get(key="llama3.1"), ref="Z.9", summary="Vague.", actionable=False
    )

    response = report(llama_repo.full_name, details(clause=inert.pk))

    assert response.status_code == 400
    assert "a clause the hub does not act on" in response.json()["errors"]["details"]["clause"][0]


@pytest.mark.django_db
def test_accounts_have_no_license_so_the_category_does_not_fit_them(seeded):
    AccountFactory(handle="someone")

    response = report("someone", details(), subject_type="account")

    assert response.status_code == 400
    assert "category" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("clause", "first"), ("clause", 0), ("license", "")])
def test_malformed_license_fields_are_400(llama_repo, field, value):
    response = report(llama_repo.full_name, details(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()["errors"]["details"]


def form_data(repo, **change):
    return {
        "subject_type": "repository", "subject_id": repo.full_name,
        "details__license": "llama3.1", "details__clause": str(actionable_clause().pk),
        "details__explanation": "The card sells it for malware.", **change,
    }  # fmt: skip


@pytest.mark.django_db
def test_the_html_form_files_a_valid_report(llama_repo, client):
    response = client.post("/report/license_violation/", form_data(llama_repo))

    assert response.status_code == 302
    assert Report.objects.get().category == "license_violation"


@pytest.mark.django_db
def test_the_html_form_offers_only_actionable_clauses_grouped_by_license(llama_repo, client):
    page = client.get("/report/license_violation/").content.decode()

    assert '<optgroup label="' in page
    assert actionable_clause().ref in page
    assert all(c.ref + ":" not in page for c in LicenseClause.objects.filter(actionable=False, license__key="llama3.1"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field_id", "expected"),
    [
        ({"details__license": "gemma"}, "id_details__license", "not &#x27;gemma&#x27;"),
        ({"details__license": "llama2", "details__clause": ""}, "id_details__clause", "This field is required"),
    ],
)
def test_the_html_form_shows_license_errors_next_to_their_fields(llama_repo, client, change, field_id, expected):
    response = client.post("/report/license_violation/", form_data(llama_repo, **change))

    page = response.content.decode()
    assert response.status_code == 400
    assert expected in page
    assert f'href="#{field_id}"' in page
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_html_form_explains_a_license_the_hub_does_not_act_on(seeded, client):
    repo = RepositoryFactory(license_key="other")

    response = client.post("/report/license_violation/", form_data(repo, details__license="other"))

    assert response.status_code == 400
    assert "does not act on the terms of the &#x27;other&#x27; license" in response.content.decode()


@pytest.mark.django_db
def test_the_html_form_refuses_a_clause_of_another_license_next_to_the_clause_field(llama_repo, client):
    response = client.post(
        "/report/license_violation/", form_data(llama_repo, details__clause=str(actionable_clause("gemma").pk))
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "is not a clause of &#x27;llama3.1&#x27;" in page
    assert 'href="#id_details__clause"' in page


@pytest.mark.django_db
def test_the_reporter_may_say_what_outcome_they_ask_for_and_a_made_up_one_is_refused(llama_repo, client):
    page = client.get("/report/license_violation/").content.decode()
    assert "What outcome are you asking for?" in page

    asked = client.post("/report/license_violation/", form_data(llama_repo, outcome_sought="fix"))
    assert asked.status_code == 302
    assert Report.objects.get().outcome_sought == "fix"

    made_up = client.post("/report/license_violation/", form_data(llama_repo, outcome_sought="burn-it"))
    assert made_up.status_code == 400
    assert "Select a valid choice" in made_up.content.decode()
    assert Report.objects.count() == 1
