"""The decide form's grounds are built once per state of the license catalogue and its select is
rendered once per choices and value: what a hub admin changes in the catalogue is on the next page
all the same, and what a moderator picked stays picked."""

import re

import pytest
from django.test import Client

from hubmod.actors import Actor
from licenses.models import LicenseClause
from licenses.services import clause_create, clause_update, license_update
from moderation.services.cases import case_claim
from tests.factories import hub_admin, moderator, open_case


def decide_form_of(client: Client, case_id: int) -> str:
    page = client.get(f"/console/cases/{case_id}/").content.decode()
    return page[page.index("data-decide-form") :]


def ground_select(html: str) -> str:
    return re.search(r'<select name="ground".*?</select>', html, re.S).group(0)


@pytest.mark.django_db
def test_a_clause_edited_added_or_made_unactionable_shows_on_the_next_page(seeded):
    mod, admin = moderator(), Actor.staff(hub_admin())
    case = open_case()
    case_claim(case_id=case.pk, actor=Actor.staff(mod))
    client = Client()
    client.force_login(mod)
    clause = LicenseClause.objects.filter(actionable=True).select_related("license").first()

    before = ground_select(decide_form_of(client, case.pk))
    clause_update(actor=admin, license_key=clause.license.key, clause_id=clause.pk, summary="Edited: no weapons.")
    edited = ground_select(decide_form_of(client, case.pk))
    added = clause_create(
        actor=admin, license_id=clause.license_id, ref="NEW 9.z", summary="A clause added today.", actionable=True
    )
    with_new = ground_select(decide_form_of(client, case.pk))
    license_update(actor=admin, license_id=clause.license_id, actionable=False)
    without_license = ground_select(decide_form_of(client, case.pk))

    assert f'value="clause:{clause.pk}"' in before
    assert "Edited: no weapons." not in before
    assert "Edited: no weapons." in edited
    assert f'value="clause:{added.pk}"' in with_new
    assert f'value="clause:{clause.pk}"' not in without_license
    assert f'value="clause:{added.pk}"' not in without_license


@pytest.mark.django_db
def test_the_ground_a_refused_decision_named_stays_selected(seeded):
    mod = moderator()
    case = open_case()
    case_claim(case_id=case.pk, actor=Actor.staff(mod))
    client = Client()
    client.force_login(mod)

    # No actions: refused, and the page comes back with the ground as it was chosen.
    refused = client.post(f"/console/cases/{case.pk}/decide", {"ground": "policy:harmful-use", "statement": "x"})
    fresh = ground_select(decide_form_of(client, case.pk))

    assert refused.status_code == 400
    assert '<option value="policy:harmful-use" selected>' in ground_select(refused.content.decode())
    assert "selected>" not in fresh.replace('<option value="" selected>', "")
