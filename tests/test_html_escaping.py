"""User text is escaped on every page that shows it, and stored exactly as it was sent (issue 11).

Every text a person or the hub supplies is filed with markup, an attribute break-out and template
syntax in it (`xss(tag)`, tagged with where it was typed), through the HTML forms where there is
one and the API where that is the door; then every page that shows it is fetched, and each must
show each text it is listed with, escaped, and no markup of ours anywhere (`assert_escaped`). The
tables name the pages and the texts from the templates: templates/includes/field.html (a field's
value, its errors), moderation/case.html (reports' details, reporter, evidence names, escalation,
decisions, the pending proposal, the audit trail, the repository's license), moderation/notice.html,
moderation/appeal.html, reports/status.html, referrals/*.html, review/*.html,
licenses/catalogue.html (the only `href` built from stored URLs: http(s) only) and policycenter/.
No template marks user text safe: `|safe`, `mark_safe`, `format_html` and `json_script` appear in
none of them, which `test_no_template_or_page_view_turns_escaping_off` keeps so.

E-mails are plain text (`{% autoescape off %}`): there the text must come through as typed, not as
entities. The referral packet is a ZIP, outside this test (tests/referrals/test_packet.py).
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from hub.models import Account, Repository
from hubmod.staff.roles import LEGAL
from licenses.models import License, LicenseClause
from moderation.models import Appeal, Case, Decision, EnforcementAction
from moderation.selectors import notice_token_for
from policy.models import PolicySection, PolicyVersion, StatementTemplate
from referrals.models import PreservationHold, Referral
from reports.categories import CATEGORIES
from reports.forms import ReportForm
from reports.models import Evidence, Report
from review.models import ChecklistItem, ReleaseStage, Review, ReviewCriterion
from review.services.outcomes import review_token_for
from tests.conftest import api_for, hub_client
from tests.factories import AccountFactory, RepositoryFactory, UserFactory, appeal_reviewer, hub_admin, moderator
from tests.flows import file
from tests.project import template_roots
from tests.reports.samples import form_data

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# A file name is cut at its last "/" (Django's upload handling): markup without one.
FILE_NAME = '"><img src=x onerror=alert(1)>{{ 7*7 }}.png'


def xss(tag: str) -> str:
    """Hostile text, tagged with where it was typed so that a page can be checked for it."""
    return f'<script>alert("{tag}")</script>"><img src=x onerror=alert(1)>{{{{ 7*7 }}}}{{% debug %}}'


def xss_short(tag: str) -> str:
    """For fields of 50 characters or fewer."""
    return f'"><script>alert({tag})</script>'


def assert_escaped(html: str, *texts: str, where: str = "") -> None:
    """No markup but the page's own: each text shown as text, none as markup, no javascript: link."""
    assert "<script>alert(" not in html, f"{where}: unescaped <script>"
    assert "<img src=x" not in html, f"{where}: unescaped <img>"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE), where
    for text in texts:
        assert escape(text) in html, f"{where}: {text!r} is not shown, escaped"


def check_pages(pages: list[tuple[str, Client, str, list[str]]], *, statuses=(200,)) -> None:
    """(what, client, path, texts): each page answers 200 and shows its texts escaped."""
    for what, client, path, texts in pages:
        response = client.get(path)
        assert response.status_code in statuses, f"{what} {path}: {response.status_code}"
        assert_escaped(response.content.decode(), *texts, where=what)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def receipt_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["receipt"][0]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Reports --------------------------------------------------------------------------------


def hostile_report(category: str, repo: Repository) -> dict:
    """The category's complete form, every field a person types hostile (as far as its type allows)."""
    data = form_data(category, repo.full_name) | {"path": xss("path")}
    form = ReportForm(category=CATEGORIES[category])
    for name, f in form.fields.items():
        if name in ("subject_id", "path", "revision", "lines"):
            continue
        if isinstance(f, forms.EmailField):
            data[name] = f'"<script>alert({name})</script>"@example.org'  # a quoted local part: a valid address
        elif isinstance(f, forms.URLField):
            data[name] = f"https://example.org/{xss_short(name)}"
        elif type(f) is forms.CharField:
            data[name] = xss(name) if (f.max_length or 999) >= 120 else xss_short(name)
    return data


@pytest.mark.django_db
def test_report_text_is_stored_as_sent_and_escaped_wherever_it_is_shown(seeded):
    """Every category's form and the API: the reporter's receipt page, the case page, the queues."""
    mod, lawyer = moderator(), UserFactory(role=LEGAL)
    pages = []
    for category, spec in CATEGORIES.items():
        repo = RepositoryFactory(license_key="llama3.1")
        data = hostile_report(category, repo)
        files = {"evidence": [SimpleUploadedFile(FILE_NAME, PNG)]} if spec.accepts_evidence else {}

        response = Client().post(f"/report/{category}/", data | files)

        assert response.status_code == 302, response.context["form"].errors
        report = Report.objects.get(category=category)
        stored = {"path": report.path, "reporter_name": report.reporter_name, "reporter_email": report.reporter_email}
        stored |= {f"details__{k}": v for k, v in report.details.items()}
        typed = {k: v for k, v in data.items() if "alert(" in v}  # every field made hostile
        assert {k: stored[k] for k in typed} == typed, category
        texts = [report.path, *(v for k, v in typed.items() if k.startswith(("details__", "reporter_")))]
        if files:
            assert Evidence.objects.get(report=report).original_name == FILE_NAME
            texts.append(FILE_NAME)
        reader = signed_in(lawyer if category == "child_safety" else mod)
        status_url = f"/reports/{report.pk}/status?receipt={receipt_of(response)}"
        pages += [
            (f"receipt page ({category})", Client(), status_url, [report.path]),
            (f"case page ({category})", reader, f"/console/cases/{report.case_id}/", texts),
        ]

    # The API's door, with a reporter and a path.
    repo = RepositoryFactory()
    sent = {"subject": {"type": "repository", "id": repo.full_name, "path": xss("api-path")}, "category": "other",
            "details": {"explanation": xss("api-explanation")},
            "reporter": {"name": xss("api-name"), "email": "api@example.org"}}  # fmt: skip
    body = APIClient().post("/api/v1/reports", sent, format="json").json()
    report = Report.objects.get(pk=body["id"])
    assert (report.path, report.details, report.reporter_name) == (
        xss("api-path"), {"explanation": xss("api-explanation")}, xss("api-name")
    )  # fmt: skip
    pages += [
        ("receipt page (API)", Client(), f"/reports/{report.pk}/status?receipt={body['receipt']}", [xss("api-path")]),
        ("case page (API)", signed_in(mod), f"/console/cases/{report.case_id}/",
         [xss("api-path"), xss("api-explanation"), xss("api-name")]),
        ("queue", signed_in(mod), "/console/", []),
        ("legal queue", signed_in(lawyer), "/console/legal/", []),
    ]  # fmt: skip
    check_pages(pages)


@pytest.mark.django_db
def test_a_report_form_shows_back_what_was_typed_escaped_when_it_is_refused(seeded):
    """The form re-shown with its errors: every value typed, in inputs and textareas, and the
    messages that repeat it (an unknown repository), all escaped."""
    data = hostile_report("copyright", RepositoryFactory()) | {"subject_id": xss_short("subject")}

    response = Client().post("/report/copyright/", data)

    assert response.status_code == 400
    typed = [v for k, v in data.items() if k not in ("subject_type", "path") and v != "on"]
    assert_escaped(response.content.decode(), *typed, xss("path"), where="report form")
    assert not Report.objects.exists()


# --- Decisions, appeals, enforcement, notices --------------------------------------------------


class HostileHub:
    """A hub on 127.0.0.1 that refuses every delivery with markup in its answer."""

    BODY = xss("hub-error")

    def __init__(self):
        body = self.BODY.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self.send_response(422)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile_hub(settings, webhook_secret):
    hub = HostileHub()
    settings.HUB_WEBHOOK_URL, settings.HUB_WEBHOOK_SECRET = hub.url, webhook_secret
    yield hub
    hub.stop()


@pytest.mark.django_db
def test_moderation_text_is_stored_as_sent_and_escaped_wherever_it_is_shown(
    seeded, hostile_hub, mailoutbox, django_capture_on_commit_callbacks
):
    """Escalation, decision, departure, uploader's appeal and its outcome, dismissal and the
    reporter's appeal, a bulk escalation, a four-eyes proposal and its rejection, the hub's error,
    a statement template and a policy section's title and text as a hub admin edited them."""
    PolicySection.objects.filter(key="harmful-use").update(title=xss("section-title"), text=xss("section-text"))
    StatementTemplate.objects.update_or_create(category="other", defaults={"text": xss("template")})
    mod, senior, reviewer = moderator(), appeal_reviewer(), appeal_reviewer()
    owner = AccountFactory(email="uploader@example.org")
    case_id = file(RepositoryFactory(owner=owner))["case_id"]
    signed_in(mod).post(f"/console/cases/{case_id}/claim")
    signed_in(mod).post(f"/console/cases/{case_id}/escalate", {"to": "senior", "reason": xss("escalation")})
    signed_in(senior).post(f"/console/cases/{case_id}/claim")
    with django_capture_on_commit_callbacks(execute=True):
        decided = signed_in(senior).post(
            f"/console/cases/{case_id}/decide",
            {"actions": ["delist", "warn"], "ground": "policy:harmful-use", "intent": "deliberate",
             "statement": xss("statement"), "departure_reason": xss("departure")},
        )  # fmt: skip
    assert decided.status_code == 302
    decision = Decision.objects.get(case_id=case_id)
    assert (decision.statement, decision.departure_reason) == (xss("statement"), xss("departure"))
    assert Case.objects.get(pk=case_id).escalation_reason == xss("escalation")
    failed = EnforcementAction.objects.filter(decision=decision, state="failed")
    assert failed.exists()
    assert all(xss("hub-error") in action.last_error for action in failed)
    # The uploader's e-mail is plain text: the statement as typed, not as HTML entities.
    [notice_mail] = [m for m in mailoutbox if m.to == ["uploader@example.org"]]
    assert xss("statement") in notice_mail.body
    assert xss("section-title") in notice_mail.body

    notice_url = f"/notices/{notice_token_for(decision)}/"
    assert Client().post(notice_url, {"statement": xss("appeal")}).status_code == 302
    appeal = Appeal.objects.get(decision=decision)
    assert appeal.statement == xss("appeal")
    open_appeals = signed_in(reviewer).get("/console/appeals/").content.decode()
    assert_escaped(open_appeals, where="appeals queue")
    decided_appeal = signed_in(reviewer).post(
        f"/console/appeals/{appeal.pk}/", {"outcome": "upheld", "statement": xss("appeal-outcome")}
    )
    assert decided_appeal.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).outcome_statement == xss("appeal-outcome")

    # A dismissal, read by the reporter on the receipt page, and appealed from there.
    repo = RepositoryFactory()
    filed = Client().post("/report/other/", form_data("other", repo.full_name))
    report = Report.objects.get(subject_ref=repo.full_name)
    signed_in(mod).post(f"/console/cases/{report.case_id}/claim")
    dismissed = signed_in(mod).post(
        f"/console/cases/{report.case_id}/dismiss", {"reason": "no_violation", "statement": xss("dismissal")}
    )
    assert dismissed.status_code == 302
    status_url = f"/reports/{report.pk}/status?receipt={receipt_of(filed)}"
    appealed = Client().post(
        f"/reports/{report.pk}/appeal?receipt={receipt_of(filed)}", {"statement": xss("reporter-appeal")}
    )
    assert appealed.status_code == 302
    reporter_appeal = Appeal.objects.get(appellant_report_id=report.pk)
    assert reporter_appeal.statement == xss("reporter-appeal")

    # Two cases escalated from the queue at once, with one reason.
    bulk = [file(RepositoryFactory(), "spam")["case_id"] for _ in range(2)]
    signed_in(mod).post("/console/bulk", {"ids": bulk, "action": "escalate", "reason": xss("bulk")})
    assert set(Case.objects.filter(pk__in=bulk).values_list("escalation_reason", flat=True)) == {xss("bulk")}

    # A four-eyes proposal (child safety, legal's), seen by the second lawyer, then sent back.
    lawyer, second = UserFactory(role=LEGAL), UserFactory(role=LEGAL)
    child = file(RepositoryFactory(), "child_safety")["case_id"]
    signed_in(lawyer).post(f"/console/cases/{child}/claim")
    signed_in(lawyer).post(
        f"/console/cases/{child}/decide",
        {"actions": ["disable", "suspend_account"], "ground": "policy:child-safety", "intent": "deliberate",
         "statement": xss("proposal")},
    )  # fmt: skip
    proposal_page = signed_in(second).get(f"/console/cases/{child}/").content.decode()
    assert_escaped(proposal_page, xss("proposal"), where="pending proposal")
    signed_in(second).post(f"/console/cases/{child}/reject", {"reason": xss("rejection")})
    assert Decision.objects.get(case_id=child).rejection_reason == xss("rejection")

    fresh = file(RepositoryFactory())["case_id"]
    signed_in(mod).post(f"/console/cases/{fresh}/claim")
    section = [xss("section-title"), xss("section-text")]
    check_pages([
        ("case page", signed_in(mod), f"/console/cases/{case_id}/",
         [xss("escalation"), xss("statement"), xss("departure"), xss("section-title")]),
        ("case page, rejected proposal", signed_in(lawyer), f"/console/cases/{child}/", [xss("proposal")]),
        ("case page, statement template", signed_in(mod), f"/console/cases/{fresh}/", [xss("template")]),
        ("bulk-escalated case", signed_in(mod), f"/console/cases/{bulk[0]}/", [xss("bulk")]),
        ("uploader's notice", Client(), notice_url,
         [xss("statement"), xss("appeal-outcome"), *section]),
        ("appeal page", signed_in(reviewer), f"/console/appeals/{appeal.pk}/", [xss("statement"), xss("appeal")]),
        ("reporter's appeal page", signed_in(reviewer), f"/console/appeals/{reporter_appeal.pk}/",
         [xss("dismissal"), xss("reporter-appeal")]),
        ("receipt page, dismissed", Client(), status_url, [xss("dismissal")]),
        ("enforcement", signed_in(mod), "/console/enforcement/", [xss("hub-error")]),
        ("queue", signed_in(mod), "/console/", []),
        ("transparency", Client(), "/transparency/", []),
        ("policy in effect", Client(), "/policy/current/", section),
        ("policy center", Client(), "/policy/", []),
        ("policy versions", Client(), "/policy/versions/", []),
        ("acceptable-use form", Client(), "/report/acceptable_use/", [xss("section-title")]),
    ])  # fmt: skip


@pytest.mark.django_db
def test_a_counter_notice_is_stored_as_sent_shown_escaped_and_mailed_as_typed(
    seeded, mailoutbox, django_capture_on_commit_callbacks
):
    """The counter-notice's elements go to the notifier in a plain-text e-mail and are kept as typed;
    its statement is on the reviewers' appeal page."""
    repo = RepositoryFactory()
    notifier = {"reporter_name": "Rita", "reporter_email": "rita@publisher.example"}
    Client().post("/report/copyright/", form_data("copyright", repo.full_name) | notifier)
    case_id = Report.objects.get().case_id
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{case_id}/claim")
    mod.post(f"/api/v1/cases/{case_id}/decide", {"actions": ["remove_files"], "ground": {"policy_section": "copyright"},
             "intent": "deliberate", "statement": "Copied.", "departure_reason": "Test."}, format="json")  # fmt: skip
    decision = Decision.objects.get(case_id=case_id)
    typed = {"name": xss("name"), "address": xss("address"), "phone": xss_short("phone"),
             "removed_material": xss("removed"), "statement": xss("counter"), "signature": xss("signature")}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"/notices/{notice_token_for(decision)}/",
            {"kind": "counter_notice", **typed, "statement_of_mistake": "on", "consent_to_jurisdiction": "on"},
        )

    assert response.status_code == 302
    counter = Appeal.objects.get(kind=Appeal.Kind.COUNTER_NOTICE)
    stored = {"statement": counter.statement, **counter.counter_notice}
    assert {k: stored[k] for k in typed} == typed
    [forwarded] = [m for m in mailoutbox if m.to == ["rita@publisher.example"] and "Counter-notice" in m.subject]
    assert all(value in forwarded.body for value in typed.values())  # plain text: as typed, no entities
    check_pages([
        ("appeal page, counter-notice", signed_in(appeal_reviewer()), f"/console/appeals/{counter.pk}/",
         [xss("counter"), xss("name"), xss("address"), xss_short("phone"), xss("removed"), xss("signature")]),
        ("uploader's notice, counter-notice", Client(), f"/notices/{notice_token_for(decision)}/", []),
    ])  # fmt: skip


# --- Legal ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_legal_text_is_stored_as_sent_and_escaped_wherever_it_is_shown(seeded):
    lawyer = UserFactory(role=LEGAL)
    client = signed_in(lawyer)
    repo = RepositoryFactory()
    case_id = file(repo, "child_safety", path=xss("preserved-path"))["case_id"]
    typed = {"authority_name": xss("authority"), "reference": xss("reference"), "notes": xss("notes")}

    referred = client.post(
        f"/console/legal/cases/{case_id}/refer", {"authority": "national_police", "referred_at": "2026-01-05", **typed}
    )
    held = client.post(f"/console/legal/cases/{case_id}/hold", {"reason": xss("hold")})
    hold = PreservationHold.objects.get(reason=xss("hold"))
    released = client.post(f"/console/legal/holds/{hold.pk}/release", {"reason": xss("release")})

    assert (referred.status_code, held.status_code, released.status_code) == (302, 302, 302)
    referral = Referral.objects.get()
    assert {k: getattr(referral, k) for k in typed} == typed
    assert PreservationHold.objects.get(pk=hold.pk).release_reason == xss("release")
    check_pages([
        ("referral", client, f"/console/legal/referrals/{referral.pk}/",
         [*typed.values(), xss("hold"), xss("release"), xss("preserved-path")]),
        ("referrals", client, "/console/legal/referrals/", [xss("authority"), xss("reference")]),
        ("legal queue", client, "/console/legal/", []),
        ("refer form", client, f"/console/legal/cases/{case_id}/refer", []),
        ("hub admin's referrals", signed_in(hub_admin()), f"/console/legal/referrals/{referral.pk}/", []),
    ])  # fmt: skip


# --- What the hub sends ----------------------------------------------------------------------


@pytest.mark.django_db
def test_what_the_hub_sends_is_stored_as_sent_and_escaped_wherever_it_is_shown(seeded):
    """A repository's model card and license, an account's name: the hub's, not ours to trust. A
    review's reasons go to the uploader's page."""
    hub = hub_client()
    account = hub.put("/api/v1/hub/accounts/acme", {"display_name": xss("display-name")}, format="json")
    synced = hub.put(
        "/api/v1/hub/repositories/acme/demo",
        {"kind": "model", "card": xss("card"), "license": xss_short("license"), "review_requested": True},
        format="json",
    )
    assert (account.status_code, synced.status_code) == (201, 201)
    # Names are the hub's handles, owner/name: markup in one is refused at the door.
    for path in ("repositories/%3Cscript%3E/demo", "repositories/acme/%22%3E%3Cimg%20src=x%3E", "accounts/%3Cb%3E"):
        assert hub.put(f"/api/v1/hub/{path}", {"kind": "model"}, format="json").status_code == 400
    repo = Repository.objects.get(name="demo")
    assert (repo.card, repo.license_key) == (xss("card"), xss_short("license"))
    assert Account.objects.get(handle="acme").display_name == xss("display-name")
    review = Review.objects.get(kind=Review.Kind.PRE_PUBLICATION)
    reviewer = signed_in(moderator())
    decided = reviewer.post(
        f"/console/reviews/{review.pk}/", {"outcome": "changes_requested", "reasons": xss("reasons")}
    )
    assert decided.status_code == 302
    assert Review.objects.get(pk=review.pk).reasons == xss("reasons")
    case_id = file(repo)["case_id"]

    check_pages([
        ("review page", reviewer, f"/console/reviews/{review.pk}/", [xss("card"), xss("reasons")]),
        ("review queue", reviewer, "/console/reviews/", []),
        ("uploader's review page", Client(), f"/reviews/{review_token_for(review)}/", [xss("reasons")]),
        ("case page", reviewer, f"/console/cases/{case_id}/", [xss_short("license")]),
    ])  # fmt: skip


# --- What hub admins curate --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_license_catalogue_escapes_what_admins_wrote_and_links_only_web_addresses(seeded):
    admin = api_for(hub_admin())
    created = admin.post(
        "/api/v1/licenses",
        {"key": "hostile-1.0", "name": xss("license-name"), "rationale": xss("rationale"), "actionable": True,
         "contact": xss("contact"), "url": "https://example.org/license"},
        format="json",
    )  # fmt: skip
    clause = admin.post(
        "/api/v1/licenses/hostile-1.0/clauses",
        {"ref": xss_short("ref"), "summary": xss("summary"), "actionable": True, "categories": ["license_violation"],
         "source_url": "https://example.org/license#1"},
        format="json",
    )  # fmt: skip
    refused = admin.patch("/api/v1/licenses/hostile-1.0", {"url": "javascript:alert(1)"}, format="json")
    assert (created.status_code, clause.status_code, refused.status_code) == (201, 201, 400)
    # A row written some other way (a fixture, a shell): whatever is stored, only http(s) is a link.
    License.objects.filter(key="hostile-1.0").update(url="javascript:alert(document.cookie)")
    LicenseClause.objects.filter(license__key="hostile-1.0").update(source_url="JavaScript:alert(1)")

    page = Client().get("/licenses/").content.decode()

    assert_escaped(page, xss("license-name"), xss("rationale"), xss("contact"), xss_short("ref"), xss("summary"))
    assert "javascript:alert(document.cookie)" in page  # shown as text, not as a link
    assert '<a href="https://example.org/license"' not in page
    License.objects.filter(key="hostile-1.0").update(url="https://example.org/license")
    assert '<a href="https://example.org/license" rel="noopener">' in Client().get("/licenses/").content.decode()
    check_pages([
        ("policy center", Client(), "/policy/", [xss("license-name")]),
        ("decide form's grounds", signed_in(moderator()), f"/console/cases/{file(RepositoryFactory())['case_id']}/", []),
        ("license-violation form", Client(), "/report/license_violation/", [xss("license-name")]),
    ])  # fmt: skip


@pytest.mark.django_db
def test_the_policy_pages_escape_what_admins_wrote(seeded):
    """As hub admins write them in the admin: a version's summary, a section's title, text and
    examples, and a later version's change log, which names sections by title."""
    policy = PolicyVersion.objects.get()
    PolicyVersion.objects.filter(pk=policy.pk).update(summary=xss("summary"))
    PolicySection.objects.filter(policy=policy, key="spam").update(
        title=xss("title"), text=xss("text"), allowed_examples=[xss("allowed")], prohibited_examples=[xss("prohibited")]
    )
    later = PolicyVersion.objects.create(
        version=xss_short("v"), effective_at=policy.effective_at + timedelta(days=1), summary=xss("later")
    )
    for section in policy.sections.exclude(key="copyright"):
        PolicySection.objects.create(
            policy=later, key=section.key, title=section.title if section.key != "spam" else xss("retitled"),
            text=section.text,
        )  # fmt: skip
    PolicySection.objects.create(policy=later, key="new-rule", title=xss("added"), text=xss("added-text"))
    # The documentation checklist, review criteria and release stages: `{% translate item.label %}`.
    ChecklistItem.objects.filter(pk=ChecklistItem.objects.first().pk).update(label=xss("item"), description=xss("what"))
    ReviewCriterion.objects.filter(pk=ReviewCriterion.objects.first().pk).update(name=xss("criterion"))
    ReleaseStage.objects.filter(pk=ReleaseStage.objects.first().pk).update(label=xss_short("stage"))

    check_pages([
        ("policy center", Client(), "/policy/", [xss("later")]),
        ("policy in effect", Client(), "/policy/current/", [xss("later"), xss("retitled"), xss("added")]),
        ("earlier version", Client(), f"/policy/versions/{policy.version}/",
         [xss("summary"), xss("title"), xss("text"), xss("allowed"), xss("prohibited")]),
        ("policy versions", Client(), "/policy/versions/",
         [xss_short("v"), xss("summary"), xss("later"), xss("added"), xss("retitled")]),
        ("strikes", Client(), "/policy/strikes/", []),
        ("appeals", Client(), "/policy/appeals/", []),
        ("documentation", Client(), "/policy/documentation/",
         [xss("item"), xss("what"), xss("criterion"), xss_short("stage")]),
    ])  # fmt: skip


# --- What the address bar carries ---------------------------------------------------------------


@pytest.mark.django_db
def test_what_a_link_carries_comes_back_escaped(seeded):
    """Query values a page puts back into itself: a form's initial value, a filter, `next`."""
    mod = signed_in(moderator())
    hostile = xss_short("query")
    check_pages([
        ("report form, subject from the link", Client(), f"/report/other/?subject={hostile}", [hostile]),
        ("queue filter", mod, f"/console/?category={hostile[:32]}", []),
        ("sign-in next", Client(), f"/console/login/?next={hostile}", [hostile]),
        ("transparency filter", Client(), f"/transparency/?start={hostile}", []),
        ("language switcher's next", Client(), f"/policy/?x={hostile}", []),
    ], statuses=(200, 400))  # fmt: skip
    assert Client().get(f"/reports/1/status?receipt={hostile}").status_code == 404


# --- No way around escaping --------------------------------------------------------------------

TURNS_ESCAPING_OFF = re.compile(
    r"\|\s*safe\b|\bmark_safe\b|\bSafeString\b|\bformat_html\b|json_script|autoescape\s+off"
)


def test_no_template_or_page_view_turns_escaping_off():
    """Escaping stays on everywhere user text can reach a page; the plain-text e-mails are the
    only templates that turn it off, and they are never served as HTML."""
    roots = template_roots()
    offending = [
        str(path.relative_to(django_settings.BASE_DIR))
        for root in roots
        for path in root.rglob("*.html")
        if TURNS_ESCAPING_OFF.search(path.read_text())
    ]
    code = [
        str(path.relative_to(django_settings.BASE_DIR))
        for pattern in ("*/views.py", "*/*/views.py", "*/console.py", "*/forms.py", "*/templatetags/*.py")
        for path in django_settings.BASE_DIR.glob(pattern)
        if ".venv" not in path.parts and TURNS_ESCAPING_OFF.search(path.read_text())
    ]
    plain_text = {
        str(path.relative_to(django_settings.BASE_DIR))
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and "autoescape off" in path.read_text()
    }

    assert offending == []
    assert code == []
    assert all(name.endswith(".txt") and "/email/" in name for name in plain_text)
