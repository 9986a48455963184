"""The console speaks the staff member's language, chosen like anyone's (the browser's Accept-Language
or the switcher's cookie): the queue, a case with its report, question and audit trail, the
enforcement and appeals pages, and the console's messages are German for a German moderator, and
stay as they were in English."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from moderation.services.questions import question_ask
from moderation.templatetags.audit_trail import audit_sentence
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, appeal_reviewer, moderator, open_case
from tests.flows import appeal, committed, decide, file, notice_token

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
QUESTION = "Is the dataset in data/ yours to publish?"

# Each page's own English words that a German moderator must not meet any more (decide.html, the
# case's decide and dismiss forms, is outside this list).
ENGLISH_ONLY = {
    "queue": ["Review queue", "My views", "By state", "By category", "With the selected cases", "Most urgent first",
              "Keyboard shortcuts", ">Sign out", ">Enforcement<"],
    "case": ["Audit trail", "Recommendation", "Questions to the uploader", "Reports (1)", "<h2>Subject</h2>",
             "Reporter (staff only)", "Keyboard shortcuts", "The queue", "If the intent is",
             ">When<", ">Who<", "asked on", "claimed<"],
    "enforcement": ["<h1>Enforcement</h1>", "Failed (", "Waiting (", "Nothing failed.", "Last error", "Attempts"],
    "appeals": ["<h1>Appeals</h1>", "Open appeals and counter-notices", ">Kind<", ">Due<", "Next page"],
}  # fmt: skip


def signed_in(user, **headers) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def absent(page: str, words: list[str]) -> list[str]:
    return [word for word in words if word in page]


@pytest.fixture
def case_in_review(seeded):
    """A case with a report from a reporter, claimed in the console by `mia`, who asked the uploader
    a question: its audit trail holds the opening, the claim and the question."""
    mia = moderator(username="mia")
    with committed():
        case_id = file(RepositoryFactory(owner=AccountFactory(email="ada@acme.example")),
                       reporter={"name": "Rita Reporter", "email": "rita@example.org"})["case_id"]  # fmt: skip
    claimed = signed_in(mia, **GERMAN).post(f"/console/cases/{case_id}/claim", follow=True)
    question_ask(actor=Actor.staff(mia), case_id=case_id, text=QUESTION)
    return mia, case_id, claimed


@pytest.fixture
def open_appeal(seeded, hub_receiver, mailoutbox):
    """An uploader's appeal against an applied delist, waiting for a reviewer."""
    AccountFactory(handle="uploader", email="uploader@example.org")
    with committed():
        case_id = file(RepositoryFactory(owner__handle="uploader", name="demo"))["case_id"]
    with committed():
        decision = decide(api_for(moderator()), case_id, departure_reason="Test.").json()["decision"]["id"]
    with committed():
        return appeal(decision, notice_token(mailoutbox)).json()["id"]


@pytest.mark.django_db
def test_a_german_moderator_sees_the_queue_in_german(seeded):
    open_case(category="spam")

    page = signed_in(moderator(), **GERMAN).get("/console/").content.decode()

    assert '<html lang="de">' in page
    for german in ("<h1>Warteschlange zur Prüfung</h1>", "Meine Ansichten", "Nach Kategorie", ">Fall</th>",
                   ">Fällig</th>", "Mit den ausgewählten Fällen", "Als Duplikate einstellen", ">Abmelden",
                   ">Durchsetzung</a>", "Tastenkürzel", "Mir zuweisen"):  # fmt: skip
        assert german in page
    assert absent(page, ENGLISH_ONLY["queue"]) == []


@pytest.mark.django_db
def test_the_language_switchers_cookie_turns_the_console_german(seeded):
    console = signed_in(moderator())
    english = console.get("/console/").content.decode()

    switched = console.post("/i18n/setlang/", {"language": "de", "next": "/console/"})
    german = console.get("/console/").content.decode()

    assert "<h1>Review queue</h1>" in english
    assert switched.status_code == 302
    assert console.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert "<h1>Warteschlange zur Prüfung</h1>" in german


@pytest.mark.django_db
def test_a_german_moderator_sees_a_case_its_report_question_and_audit_trail_in_german(case_in_review):
    mia, case_id, claimed = case_in_review

    page = signed_in(mia, **GERMAN).get(f"/console/cases/{case_id}/").content.decode()

    assert "Erledigt: übernommen." in claimed.content.decode()  # the console's message, in German too
    for german in (f"<h1>Fall #{case_id}: other zu ", "<h2>Meldungen (1)</h2>",
                   "Meldende Person (nur für das Team sichtbar): Rita Reporter rita@example.org",
                   '<h2 id="recommendation">Empfehlung</h2>', '<h2 id="questions">Fragen an den Uploader</h2>',
                   "<strong>mia</strong> fragte am ", QUESTION, "Wartet auf den Uploader bis ",
                   "<h2>Protokoll</h2>", ">übernommen<", "den Uploader gefragt (Antwort fällig ",
                   "eröffnet durch Meldung ", "<h2>Gegenstand</h2>", "Die Warteschlange", "Tastenkürzel"):  # fmt: skip
        assert german in page
    assert absent(page, ENGLISH_ONLY["case"]) == []


@pytest.mark.django_db
def test_an_english_moderator_sees_the_same_case_as_before(case_in_review):
    mia, case_id, _ = case_in_review

    page = signed_in(mia, **ENGLISH).get(f"/console/cases/{case_id}/").content.decode()

    assert '<html lang="en">' in page
    for english in (f"<h1>Case #{case_id}: other on ", "<h2>Reports (1)</h2>",
                    "Reporter (staff only): Rita Reporter rita@example.org", "<h2>Audit trail</h2>",
                    "<strong>mia</strong> asked on ", ">claimed<", "asked the uploader (answer due ",
                    "Waiting for the uploader until "):  # fmt: skip
        assert english in page
    assert absent(page, ["Protokoll", "Meldungen", "Empfehlung", "Warteschlange", "übernommen"]) == []


@pytest.mark.django_db
def test_a_german_moderator_sees_enforcement_in_german(seeded):
    page = signed_in(moderator(), **GERMAN).get("/console/enforcement/").content.decode()

    for german in ("<h1>Durchsetzung</h1>", "<h2>Fehlgeschlagen (0)</h2>", "Nichts ist fehlgeschlagen.",
                   "<h2>Wartend (0)</h2>", ">Letzter Fehler</th>", "Nichts wartet."):  # fmt: skip
        assert german in page
    assert absent(page, ENGLISH_ONLY["enforcement"]) == []


@pytest.mark.django_db
def test_a_german_reviewer_sees_the_appeals_queue_and_an_appeal_in_german(open_appeal):
    reviewer = signed_in(appeal_reviewer(), **GERMAN)

    queue = reviewer.get("/console/appeals/").content.decode()
    page = reviewer.get(f"/console/appeals/{open_appeal}/").content.decode()

    for german in ("<h1>Widersprüche</h1>", "Offene Widersprüche und Gegendarstellungen", ">Art</th>",
                   ">Fällig</th>", f">#{open_appeal}</a>", ">Widerspruch</td>"):  # fmt: skip
        assert german in queue
    assert absent(queue, ENGLISH_ONLY["appeals"]) == []
    for german in (f"Widerspruch #{open_appeal} gegen Entscheidung #", "<dt>Die Entscheidung</dt>",
                   "<dt>Begründung</dt>", "Die Entscheidung bestätigen", "Über den Widerspruch entscheiden"):  # fmt: skip
        assert german in page


# An audit event's sentence in either language: the data's own values (keys, reasons) stay as recorded.
SENTENCES = [
    ("case.claim", {}, "claimed", "übernommen"),
    ("case.reassign", {"assignee": "noor"}, "handed to noor", "übergeben an noor"),
    ("case.escalate", {"escalated_to": "legal", "escalation_reason": "Threat."}, "escalated to legal: Threat.",
     "eskaliert an legal: Threat."),
    ("case.escalate", {}, "escalated", "eskaliert"),
    ("case.propose", {"actions": ["remove_files"]}, "proposed: remove files; waits for a second moderator",
     "vorgeschlagen: remove files; wartet auf eine zweite Person aus der Moderation"),
    ("case.resolve", {"outcome": "dismissed", "reason": "duplicate"}, "dismissed: duplicate", "eingestellt: duplicate"),
    ("case.resolve", {"outcome": "dismissed"}, "dismissed", "eingestellt"),
    ("case.resolve", {"outcome": "actioned", "actions": ["delist"], "ground": "policy harmful-use",
                      "intent": "deliberate"},
     "decided: delist; policy harmful-use; intent deliberate", "entschieden: delist; policy harmful-use; Absicht deliberate"),
    ("case.resolve", {"outcome": "actioned"}, "decided: no action", "entschieden: keine Maßnahme"),
    ("case.question_answered", {}, "the uploader answered", "der Uploader hat geantwortet"),
    ("case.unheard_of", {}, "case: unheard of", "case: unheard of"),
]  # fmt: skip


@pytest.mark.parametrize(("verb", "data", "english", "german"), SENTENCES)
def test_an_audit_event_reads_in_the_moderators_language(verb, data, english, german):
    event = AuditEvent(verb=verb, data=data)

    with translation.override("en"):
        assert audit_sentence(event) == english
    with translation.override("de"):
        assert audit_sentence(event) == german
