"""A question to the uploader and its answer, end to end: the moderator asks on the live console,
a real Celery worker sends the e-mail (Django's file backend), the uploader answers through the
link in it, and the answer is on the case page and in the audit log."""

import re
from pathlib import Path

import httpx
import pytest

from hub.models import Account
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from tests.e2e.parts import eventually
from tests.factories import RepositoryFactory, moderator

pytestmark = pytest.mark.integration


def signed_in(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10, follow_redirects=True)
    client.get("/console/login/")
    client.post("/console/login/", data={"username": username, "password": password,
                                         "csrfmiddlewaretoken": client.cookies["csrftoken"]},
                headers={"Referer": f"{base}/console/login/"})  # fmt: skip
    return client


def csrf(client: httpx.Client) -> str:
    return client.cookies["csrftoken"]


def test_a_question_reaches_the_uploader_by_mail_and_the_answer_reaches_the_case(real_parts, mail_dir: Path):
    base = real_parts
    owner = Account.objects.create(handle="ada", email="ada@uploader.example", language="en")
    repo = RepositoryFactory(owner=owner, name="tiny")
    report = httpx.post(f"{base}/api/v1/reports", json={
        "subject": {"type": "repository", "id": repo.full_name}, "category": "other",
        "details": {"explanation": "Its card tells people how to make a weapon."}}, timeout=10)  # fmt: skip
    assert report.status_code == 201, report.text
    case_id = report.json()["case_id"]
    mia = moderator(username="mia")
    mia.set_password("a long password for mia")
    mia.save()

    console = signed_in(base, "mia", "a long password for mia")
    console.post(f"/console/cases/{case_id}/claim", data={"csrfmiddlewaretoken": csrf(console)},
                 headers={"Referer": base})  # fmt: skip
    asked = console.post(f"/console/cases/{case_id}/ask", headers={"Referer": base},
                         data={"text": "Is the weapon text yours, and what is it for?",
                               "csrfmiddlewaretoken": csrf(console)})  # fmt: skip
    assert "Sent to the uploader" in asked.text

    def question_mail() -> str | None:
        for path in mail_dir.glob("*.log"):
            text = path.read_text()
            if "To: ada@uploader.example" in text and "/questions/" in text:
                return text
        return None

    mail = eventually(question_mail, what="the question's e-mail, sent by the worker")
    assert "Is the weapon text yours, and what is it for?" in mail
    link = re.search(r"(http://\S+/questions/[^/\s]+/)", mail).group(1)

    uploader = httpx.Client(timeout=10, follow_redirects=True)
    page = uploader.get(link)
    assert "Is the weapon text yours" in page.text
    answered = uploader.post(link, data={"answer": "It is a safety card listing what the model refuses.",
                                         "csrfmiddlewaretoken": uploader.cookies["csrftoken"]},
                             headers={"Referer": link})  # fmt: skip
    assert answered.status_code == 200
    assert "your answer is with the moderator" in answered.text

    case_page = console.get(f"/console/cases/{case_id}/").text
    assert "It is a safety card listing what the model refuses." in case_page
    assert AuditEvent.objects.filter(verb="case.question_answered", target_id=str(case_id)).exists()
    assert Case.objects.get(pk=case_id).state == "in_review"
