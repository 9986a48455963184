"""The queue's filters are choices, and a moderator keeps named views of it, their own."""

import pytest
from django.test import Client

from moderation.models import SavedQueueFilter
from moderation.services.cases import case_for_report
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_category_and_assignee_are_choices_and_a_made_up_one_is_refused_saying_so(seeded):
    mia = moderator(username="mia")
    moderator(username="noor")
    page = signed_in(mia).get("/console/").content.decode()
    assert '<select name="category"' in page
    assert '<option value="noor">noor</option>' in page

    refused = signed_in(mia).get("/console/?category=made_up")
    assert refused.status_code == 400
    assert "Select a valid choice. made_up is not one of the available choices." in refused.content.decode()
    api = api_for(mia).get("/api/v1/cases", {"category": "made_up"})
    assert api.status_code == 400
    assert "category" in str(api.json())


@pytest.mark.django_db
def test_a_moderator_saves_a_view_opens_it_replaces_it_and_removes_it(seeded):
    mia = moderator()
    spam = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
    other = case_for_report(repository=RepositoryFactory(), account=None, category="other").case
    console = signed_in(mia)

    saved = console.post("/console/views", {"name": "Spam to triage", "query": "category=spam&assignee=none"},
                         follow=True)  # fmt: skip
    page = saved.content.decode()
    assert "Saved as “Spam to triage”" in page
    assert f"#{spam.pk}<" in page
    assert f"#{other.pk}<" not in page
    view = SavedQueueFilter.objects.get(user=mia)
    assert view.query == "category=spam&assignee=none"
    assert f'href="?{view.query.replace("&", "&amp;")}">Spam to triage</a>' in console.get("/console/").content.decode()

    console.post("/console/views", {"name": "Spam to triage", "query": "category=spam"})
    assert SavedQueueFilter.objects.get(user=mia).query == "category=spam"

    console.post(f"/console/views/{view.pk}/delete")
    assert not SavedQueueFilter.objects.exists()


@pytest.mark.django_db
def test_a_view_that_filters_nothing_or_wrongly_is_refused_and_views_are_each_moderators_own(seeded):
    mia, noor = moderator(), moderator()
    console = signed_in(mia)

    nothing = console.post("/console/views", {"name": "All", "query": ""}, follow=True).content.decode()
    assert "Choose at least one filter" in nothing
    wrong = console.post("/console/views", {"name": "Odd", "query": "category=made_up"}, follow=True)
    assert "These filters cannot be saved" in wrong.content.decode()
    assert not SavedQueueFilter.objects.exists()

    console.post("/console/views", {"name": "Mine", "query": "overdue=on"})
    view = SavedQueueFilter.objects.get()
    assert "Mine" not in signed_in(noor).get("/console/").content.decode()
    gone = signed_in(noor).post(f"/console/views/{view.pk}/delete", follow=True)
    assert "You have no saved view with this id." in gone.content.decode()
    assert SavedQueueFilter.objects.filter(pk=view.pk).exists()
