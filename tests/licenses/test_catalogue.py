"""The curated license catalogue: seed, API, admin writes and their history."""

import pytest
from rest_framework.test import APIClient

from hubmod.audit.models import AuditEvent
from hubmod.seed import seed
from licenses.catalogue import CATALOGUE
from licenses.models import License, LicenseClause
from tests.conftest import api_for
from tests.factories import hub_admin, moderator

REQUIRED_KEYS = [
    "apache-2.0", "mit", "bsd-3-clause", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "gpl-3.0",
    "agpl-3.0", "openrail", "openrail++", "creativeml-openrail-m", "bigscience-openrail-m",
    "bigscience-bloom-rail-1.0", "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "other",
    "unknown",
]  # fmt: skip


@pytest.mark.django_db
def test_seed_loads_every_license_commonly_found_on_model_hubs(seeded):
    licenses = {lic.key: lic for lic in License.objects.prefetch_related("clauses")}

    assert set(REQUIRED_KEYS) <= set(licenses)
    assert licenses["apache-2.0"].spdx_id == "Apache-2.0"
    assert licenses["mit"].spdx_id == "MIT"
    for key in ("other", "unknown"):
        assert licenses[key].actionable is False
        assert "copyright" in licenses[key].rationale or "report" in licenses[key].rationale.lower()
    for lic in licenses.values():
        assert lic.rationale
        assert lic.actionable == any(c.actionable for c in lic.clauses.all()), lic.key
    # Use-restricting licenses carry their restrictions as clauses, with links to the source text.
    for key in ("llama3.1", "gemma", "creativeml-openrail-m", "bigscience-bloom-rail-1.0"):
        assert licenses[key].clauses.filter(actionable=True).count() >= 3, key
        assert licenses[key].url.startswith("https://")


@pytest.mark.django_db
def test_seed_is_idempotent_and_never_undoes_an_admins_edit(seeded):
    clause = LicenseClause.objects.filter(actionable=True).first()
    clause.summary = "Edited by an admin."
    clause.save()
    counts = (License.objects.count(), LicenseClause.objects.count(), LicenseClause.history.count())

    seed()

    assert (License.objects.count(), LicenseClause.objects.count(), LicenseClause.history.count()) == counts
    assert LicenseClause.objects.get(pk=clause.pk).summary == "Edited by an admin."


@pytest.mark.django_db
def test_catalogue_api_lists_licenses_with_their_clauses(seeded, client):
    listed = client.get("/api/v1/licenses").json()
    one = client.get("/api/v1/licenses/llama3.1").json()

    assert [lic["key"] for lic in listed] == sorted(spec.key for spec in CATALOGUE)
    assert set(one) == {"key", "spdx_id", "name", "url", "version", "actionable", "rationale", "contact", "clauses"}
    assert set(one["clauses"][0]) == {"id", "ref", "summary", "actionable", "categories", "source_url"}
    assert client.get("/api/v1/licenses/no-such-license").status_code == 404


@pytest.mark.django_db
def test_hub_admins_write_the_catalogue_and_others_may_not(seeded):
    admin = api_for(hub_admin())
    body = {"key": "acme-1.0", "name": "Acme Model License", "rationale": "Clear use restrictions.", "actionable": True}

    assert APIClient().post("/api/v1/licenses", body, format="json").status_code == 401
    assert api_for(moderator()).post("/api/v1/licenses", body, format="json").status_code == 403
    created = admin.post("/api/v1/licenses", body, format="json")
    clause = admin.post(
        "/api/v1/licenses/acme-1.0/clauses",
        {"ref": "1.a", "summary": "No weapons.", "actionable": True, "categories": ["license_violation"]},
        format="json",
    )
    patched = admin.patch("/api/v1/licenses/acme-1.0", {"version": "1.0"}, format="json")

    assert created.status_code == 201
    assert clause.status_code == 201
    assert patched.json()["version"] == "1.0"
    assert admin.post("/api/v1/licenses", body, format="json").status_code == 400
    assert (
        admin.post("/api/v1/licenses/acme-1.0/clauses", {"ref": "1.a", "summary": "again"}, format="json").status_code
        == 400
    )
    bad = admin.post(
        "/api/v1/licenses/acme-1.0/clauses", {"ref": "1.b", "summary": "x", "categories": ["arson"]}, format="json"
    )
    assert bad.status_code == 400
    assert "categories" in bad.json()["errors"]
    assert AuditEvent.objects.filter(actor_kind="staff").values_list("verb", flat=True).count() == 3


@pytest.mark.django_db
def test_an_edited_clause_keeps_its_old_text_and_editor_and_a_prior_decision_its_cited_version(seeded, hub_receiver):
    from hubmod.actors import Actor
    from moderation.services.cases import case_claim, case_for_report
    from moderation.services.decisions import Ground, case_decide
    from tests.factories import RepositoryFactory

    clause = LicenseClause.objects.filter(actionable=True, license__actionable=True).first()
    old_summary = clause.summary
    decider = moderator()
    case = case_for_report(repository=RepositoryFactory(), account=None, category="license_violation").case
    case_claim(case_id=case.pk, actor=Actor.staff(decider))
    decision = case_decide(
        case_id=case.pk,
        actor=Actor.staff(decider),
        actions=["label"],
        ground=Ground(license_clause=clause.pk),
        intent="unknown",
        statement="The weights ship without the attribution notice.",
        departure_reason="A label suffices for a first, minor breach.",
    )
    editor = hub_admin(username="lena")

    edited = api_for(editor).patch(
        f"/api/v1/licenses/{clause.license.key}/clauses/{clause.pk}", {"summary": "A clearer summary."}, format="json"
    )
    history = api_for(moderator()).get(f"/api/v1/licenses/{clause.license.key}/history").json()

    assert edited.status_code == 200
    latest = history[0]
    assert latest["by"] == "lena"
    assert latest["object"] == f"clause {clause.ref}"
    assert latest["fields"] == [{"field": "summary", "old": old_summary, "new": "A clearer summary."}]
    decision.refresh_from_db()
    assert decision.license_clause_version.summary == old_summary
    assert decision.ground_text == old_summary


@pytest.mark.django_db
def test_an_admin_edit_in_the_django_admin_is_kept_with_its_editor(seeded, client):
    editor = hub_admin(username="ada")
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    lic = License.objects.get(key="mit")

    response = client.post(
        f"/admin/licenses/license/{lic.pk}/change/",
        {
            "key": "mit",
            "spdx_id": "MIT",
            "name": "MIT License",
            "url": lic.url,
            "version": "",
            "actionable": "on",
            "rationale": "Rewritten rationale.",
            "contact": "",
            "clauses-TOTAL_FORMS": "0",
            "clauses-INITIAL_FORMS": "0",
            "clauses-MIN_NUM_FORMS": "0",
            "clauses-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    record = lic.history.order_by("-history_id").first()
    assert record.rationale == "Rewritten rationale."
    assert record.history_user == editor
    assert record.prev_record.rationale != "Rewritten rationale."


@pytest.mark.django_db
def test_the_public_catalogue_page_shows_actionable_clauses_and_explains_the_rest(seeded, client):
    page = client.get("/licenses/").content.decode()

    llama = License.objects.get(key="llama3.1")
    assert llama.name in page
    for clause in llama.clauses.filter(actionable=True):
        assert clause.ref in page
    assert "Licenses we do not act on" in page
    assert License.objects.get(key="unknown").rationale in page


def test_every_clause_grounds_only_report_categories_intake_offers():
    """The catalogue keeps no category list of its own: its clauses name the keys of hubmod.categories,
    which are the categories a reporter can choose."""
    from reports.categories import CATEGORIES

    named = {category for spec in CATALOGUE for clause in spec.clauses for category in clause.categories}

    assert "license_violation" in named
    assert named <= set(CATEGORIES)
