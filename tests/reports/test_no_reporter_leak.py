"""A reporter's identity reaches staff only: never the reported uploader, never the public."""

import re

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, moderator
from tests.flows import committed, decide, file

NAME, EMAIL = "Rita Rightsholder", "rita@publisher.example"


@pytest.mark.django_db
def test_no_uploader_facing_or_public_response_names_the_reporter(seeded, hub_api, hub_receiver, mailoutbox, client):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader", name="novel", license_key="llama3.1")
    with committed():
        filed = file(repo, "copyright", reporter={"name": NAME, "email": EMAIL})
    staff = api_for(moderator())
    staff_view = staff.get(f"/api/v1/cases/{filed['case_id']}").content.decode()
    with committed():
        decide(staff, filed["case_id"], ground={"policy_section": "copyright"}, intent="unknown",
               statement="The training data contains the novel.")  # fmt: skip
    uploader_mail = next(m for m in mailoutbox if m.to == ["uploader@example.org"])
    notice_path = re.search(r"https?://[^/]+(/notices/[^/\s]+/)", uploader_mail.body).group(1)

    seen_by_uploader_or_public = [
        uploader_mail.subject + uploader_mail.body,
        client.get(notice_path).content.decode(),
        hub_api.get(f"/api/v1/hub/repositories/{repo.full_name}").content.decode(),
        APIClient().get(f"/api/v1/reports/{filed['id']}", {"receipt": filed["receipt"]}).content.decode(),
        client.get(f"/reports/{filed['id']}/status", {"receipt": filed["receipt"]}).content.decode(),
        client.get("/licenses/").content.decode(),
        client.get("/api/v1/report-categories").content.decode(),
        *[str(d.payload) for d in hub_receiver.deliveries],
    ]

    assert NAME in staff_view  # staff do see who reported
    for text in seen_by_uploader_or_public:
        assert NAME not in text
        assert EMAIL not in text
        assert "rita" not in text.lower()
