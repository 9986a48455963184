"""Bad input on the HTML side (issue 11): every form the project serves, fed missing, malformed,
oversized and hostile input, answers with a 4xx or with the form again, saying what to fix; never
with a 5xx; and a refused submission stores nothing. An accepted one stores its text exactly.

The forms are found in the templates (each `<form method="post">`) and among the routes (each view
that reads a POST): `test_every_form_in_the_templates_and_routes_is_covered` fails for a form no test
here posts to. Each form gets the same battery (`assert_refuses_bad_input`): every field missing, a
JSON body (as deep as the API is sent), NUL bytes in every text field, every text one character over
its limit, hostile values for every choice, a body over DATA_UPLOAD_MAX_MEMORY_SIZE (400) and over
MAX_REQUEST_BYTES (413), too many fields, bytes that are not UTF-8; then markup and template syntax
in every text field, which is accepted and stored as typed (`assert_accepts_hostile_text`). Files,
filters (GET forms) and charsets other than UTF-8 have tests of their own below. What pages make of
the text is tests/test_html_escaping.py.

The clients pass the CSRF check as a browser does, so that it runs, and reads the body before any
view reads it, as in production.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils.html import escape
from django.views.generic import RedirectView

from hubmod.actors import Actor
from hubmod.staff.roles import LEGAL
from hubmod.wsgi import application
from moderation.forms import (
    AppealDecideForm,
    BulkForm,
    CounterNoticeForm,
    DecideForm,
    DismissForm,
    EscalateForm,
    MuteForm,
    ReassignForm,
    RejectForm,
)
from moderation.models import Appeal, Case, Decision, EnforcementAction
from moderation.names import NameReleaseForm
from moderation.selectors import notice_token_for
from moderation.services.appeals import appeal_submit
from moderation.services.cases import case_claim
from moderation.views import AppealForm
from referrals.forms import HoldForm, HoldReleaseForm, ReferralForm
from referrals.models import PreservationHold, Referral
from referrals.services import hold_place
from reports.categories import CATEGORIES
from reports.forms import ReportForm
from reports.models import Evidence, Report
from reports.views import ReporterAppealForm
from review.forms import ReviewDecideForm
from review.models import Review
from tests.conftest import api_for, hub_client
from tests.factories import RepositoryFactory, UserFactory, appeal_reviewer, hub_admin, moderator
from tests.flows import decide, file
from tests.project import template_roots
from tests.reports.samples import form_data
from tests.test_route_matrix import routes

# Markup, an attribute break-out and template syntax: shown as typed wherever it is shown, never run.
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{ 7*7 }}{% debug %}'
HOSTILE_SHORT = '"><script>alert(1)</script>'  # for fields shorter than HOSTILE
NUL_MESSAGE = "Null characters are not allowed."
UNREADABLE = "We could not read what you sent"  # templates/400.html
TOO_LARGE = "The request is larger than"  # hubmod/middleware.py
RAW_MARKUP = ("<script>alert(", "<img src=x")
BACK = (302,)  # a console move is refused by going back where it was made, with a message
PASSWORD = "correct horse battery staple 11"


# --- Which forms there are -------------------------------------------------------------------

TEMPLATE_ROOTS = template_roots()
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE | re.DOTALL)
URL_TAG = re.compile(r"""\{%\s*url\s+['"]([\w:-]+)['"]([^%]*)%\}""")
# Templates whose POST form has no action: it posts to the page that shows it.
SELF_POSTING = {
    "moderation/appeal.html": "console-appeal",
    "staff/login.html": "console-login",
    "moderation/notice.html": "notice",
    "moderation/question.html": "question",
    "referrals/new.html": "console-referral-new",
    "reports/new.html": "report-new",
    "review/review.html": "console-review",
}


def template_forms() -> set[str]:
    """Every POST form in the templates, as its route's name (with the move, for a move route)."""
    found = set()
    for root in TEMPLATE_ROOTS:
        for path in root.rglob("*.html"):
            name = path.relative_to(root).as_posix()
            for tag in FORM_TAG.findall(path.read_text()):
                if not re.search(r"""method\s*=\s*["']?post""", tag, re.IGNORECASE):
                    continue
                action = URL_TAG.search(tag)
                if action is None:
                    assert name in SELF_POSTING, f"{name} has a POST form without an action: add it to SELF_POSTING"
                    found.add(SELF_POSTING[name])
                    continue
                moves = re.findall(r"""['"]([\w-]+)['"]""", action[2])
                found.add(":".join([action[1], *moves]))
    return found


# Templates with a GET form (the filters), and the route that reads it.
GET_FORMS = {
    "moderation/queue.html": "console-queue",
    "transparency/transparency.html": "transparency",
    "review/queue.html": "console-reviews",
    "moderation/names.html": "console-names",
}


def templates_with_get_forms() -> set[str]:
    found = set()
    for root in TEMPLATE_ROOTS:
        for path in root.rglob("*.html"):
            tags = FORM_TAG.findall(path.read_text())
            if any(re.search(r"""method\s*=\s*["']?get""", tag, re.IGNORECASE) for tag in tags):
                found.add(path.relative_to(root).as_posix())
    return found


def views_reading_posts() -> set[str]:
    """The HTML routes whose view reads a POST body (the API and the admin have tests of their own)."""
    found = set()
    for name, path, view in routes():
        if path.startswith(("api/", "admin/", "^")) or name.startswith("admin:"):
            continue
        cls = getattr(view, "view_class", None)
        if cls is not None:
            if hasattr(cls, "post") and not issubclass(cls, RedirectView):
                found.add(name)
        elif re.search(r"request\.(POST|FILES)", inspect.getsource(inspect.unwrap(view))):
            found.add(name)
    return found


# Each form, and the test that feeds it bad input.
COVERED = {
    "report-new": "test_the_report_form_of_every_category",
    "report-appeal": "test_the_reporters_appeal_form",
    "notice": "test_the_uploaders_appeal_and_counter_notice_forms",
    "console-login": "test_the_sign_in_form",
    "console-logout": "test_the_forms_without_fields",
    "set_language": "test_the_language_switcher",
    "console-bulk": "test_the_queues_bulk_form",
    "console-case-move:claim": "test_the_forms_without_fields",
    "console-case-move:release": "test_the_forms_without_fields",
    "console-case-move:reassign": "test_the_case_move_forms",
    "console-case-move:escalate": "test_the_case_move_forms",
    "console-case-move:approve": "test_the_forms_without_fields",
    "console-case-move:reject": "test_the_case_move_forms",
    "console-case-move:mute": "test_the_case_move_forms",
    "console-case-decide": "test_the_decide_and_dismiss_forms",
    "console-case-dismiss": "test_the_decide_and_dismiss_forms",
    "console-enforcement-retry": "test_the_forms_without_fields",
    "console-appeal": "test_the_appeal_decision_form",
    "console-review": "test_the_review_decision_form",
    "console-review-claim": "test_the_forms_without_fields",
    "console-release-move:advance": "test_the_forms_without_fields",
    "console-release-move:start": "test_the_forms_without_fields",
    "console-referral-new": "test_the_referral_and_hold_forms",
    "console-hold-new": "test_the_referral_and_hold_forms",
    "console-hold-release": "test_the_referral_and_hold_forms",
    "question": "test_the_uploaders_answer_form",
    "console-false-positive": "test_the_false_positive_form",
    "console-case-ask": "test_the_ask_the_uploader_form",
    "console-queue-view-save": "test_the_saved_view_forms",
    "console-queue-view-delete": "test_the_saved_view_forms",
    "console-name-release": "test_the_name_release_form",
}


def test_every_form_in_the_templates_and_routes_is_covered():
    """A new form, or a new view that reads a POST, fails here until a test below feeds it bad input."""
    covered_routes = {key.split(":")[0] for key in COVERED}

    assert template_forms() == set(COVERED)
    assert views_reading_posts() <= covered_routes
    assert all(callable(globals().get(test)) for test in COVERED.values())
    assert templates_with_get_forms() == set(GET_FORMS)
    assert set(GET_FORMS.values()) <= {route for route, *_ in FILTERS_BY_ROUTE}


# --- The battery -----------------------------------------------------------------------------


@dataclass
class Target:
    """One form: where it posts, as whom, a valid submission, and what an accepted one stored."""

    url: str
    client: Client
    form: forms.Form
    valid: dict
    # The text an accepted submission stored, by the name of the field it was typed in.
    stored: Callable[[], dict] | None = None
    multipart: bool = False
    files: dict = field(default_factory=dict)

    def post(self, data: dict | None = None, *, body: bytes | str | None = None, content_type: str = ""):
        """POST as a browser would: urlencoded, or multipart for a form with files."""
        if body is not None:
            return self.client.generic("POST", self.url, body, content_type=content_type)
        data = {k: v for k, v in (data or {}).items() if v is not None}
        if self.multipart:
            return self.client.post(self.url, {**data, **self.files})
        encoded = urlencode(data, doseq=True)
        return self.client.post(self.url, encoded, content_type="application/x-www-form-urlencoded")


def answer(response) -> str:
    """What the answer says: its page, or for a redirect (a console move goes back to where it was
    made from) the messages the next page shows."""
    if response.status_code in (301, 302, 303):
        return " ".join(escape(message) for message in get_messages(response.wsgi_request))  # as base.html shows them
    return response.content.decode("utf-8", errors="replace")


OUR_APPS = ("audit", "hub", "licenses", "moderation", "review", "referrals", "policycenter", "reports")


@cache
def _fingerprint_sql() -> str:
    parts = []
    for model in (m for label in OUR_APPS for m in apps.get_app_config(label).get_models()):
        meta, names = model._meta, {f.name for f in model._meta.concrete_fields}
        stamp = next((f for f in ("updated_at", "history_date") if f in names), None)
        changed = f"MAX({meta.get_field(stamp).column})" if stamp else "NULL"
        # As text: PostgreSQL's UNION wants one type per column, and keys and stamps differ by table.
        parts.append(
            f"SELECT '{meta.label}', COUNT(*), CAST(MAX({meta.pk.column}) AS TEXT), CAST({changed} AS TEXT)"
            f" FROM {meta.db_table}"
        )
    return " UNION ALL ".join(parts)


def snapshot() -> list:
    """Every table of hubmod's own, as (rows, last id, last change): a refusal leaves them all as they were."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return sorted(cursor.fetchall())


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def page(response) -> str:
    """The answer's text, checked on the way: no server error, and no user markup left unescaped."""
    assert response.status_code < 500, response.content[:2000]
    text = answer(response)
    for raw in RAW_MARKUP:
        assert raw not in text, f"unescaped {raw!r} in the answer"
    return text


def says(text: str, *messages: str) -> None:
    for message in messages:
        assert escape(message) in text or message in text, f"the answer does not say {message!r}"


def refused(target: Target, *messages: str, statuses=(400,), **post) -> str:
    """Post; the answer is one of `statuses`, says each message (for a redirect: the next page does),
    and nothing was stored."""
    before, files = snapshot(), media_files()
    response = target.post(**post)
    text = page(response)
    assert response.status_code in statuses, f"{target.url}: {response.status_code}"
    says(text, *messages)
    assert snapshot() == before, f"{target.url}: a refused submission changed the database"
    assert media_files() == files
    return text


def text_fields(form: forms.Form) -> dict[str, forms.CharField]:
    return {name: f for name, f in form.fields.items() if isinstance(f, forms.CharField) and not f.widget.is_hidden}


def plain_text_fields(form: forms.Form) -> dict[str, forms.CharField]:
    """The free-text fields: no pattern, e-mail or URL to meet."""
    return {name: f for name, f in text_fields(form).items() if type(f) is forms.CharField}


def hostile_for(f: forms.Field) -> str:
    return HOSTILE if f.max_length is None or f.max_length >= len(HOSTILE) else HOSTILE_SHORT


def one_over(f: forms.CharField) -> str:
    n = f.max_length + 1
    if isinstance(f, forms.EmailField):
        return "a" * (n - len("@example.org")) + "@example.org"
    if isinstance(f, forms.URLField):
        return "https://example.org/" + "a" * (n - len("https://example.org/"))
    return "x" * n


def required_messages(form: forms.Form) -> list[str]:
    return sorted({str(f.error_messages["required"]) for f in form.fields.values() if f.required})


def assert_refuses_bad_input(target: Target, *, statuses=(400,)) -> None:
    """The battery: every kind of bad input, each refused saying what to fix, nothing stored."""
    form, valid = target.form, target.valid
    texts = text_fields(form)
    required = required_messages(form)

    # Every field missing; a JSON body (an HTML form reads none of it), as deep as the API gets.
    refused(target, *required, statuses=statuses, data={})
    refused(target, *required, statuses=statuses, body="[" * 100_000, content_type="application/json")
    refused(target, *required, statuses=statuses, body=json.dumps(valid), content_type="application/json")

    # NUL bytes in every text field, the rest valid.
    if texts:
        refused(target, NUL_MESSAGE, statuses=statuses, data=valid | {name: "a\x00b" for name in texts})

    # Every text field one character over its limit.
    limited = {name: f for name, f in texts.items() if f.max_length}
    if limited:
        messages = [f"at most {f.max_length} characters (it has {f.max_length + 1})" for f in limited.values()]
        refused(target, *messages, statuses=statuses, data=valid | {n: one_over(f) for n, f in limited.items()})

    # A hostile value for every choice, and a second value where one is expected.
    for name, f in form.fields.items():
        if isinstance(f, forms.ChoiceField | forms.ModelChoiceField) and not f.widget.is_hidden:
            first = valid.get(name) or ""
            first = first if isinstance(first, list) else [first]
            refused(target, "Select a valid choice.", statuses=statuses, data=valid | {name: [*first, HOSTILE]})
        elif isinstance(f, forms.IntegerField | forms.DateField):
            refused(target, str(f.error_messages["invalid"]), statuses=statuses, data=valid | {name: HOSTILE})

    # Bodies too large to read, and too many fields: the request is refused before the view.
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    padding = next(iter(texts), "padding")
    refused(target, UNREADABLE, data=valid | {padding: big})
    refused(target, TOO_LARGE, statuses=(413,), data=valid | {padding: "x" * (settings.MAX_REQUEST_BYTES + 1)})
    fields = {f"field{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    refused(target, UNREADABLE, data=valid | fields)

    # Bytes that are not UTF-8 in every text field, with a NUL so that it is refused: never an error
    # (they are read as U+FFFD: test_invalid_utf8_in_a_report_is_read_as_replacement_characters...).
    if texts:
        pairs = [(k, v) for k, vs in valid.items() if k not in texts for v in (vs if isinstance(vs, list) else [vs])]
        raw = "&".join(f"{quote(k)}={quote(str(v))}" for k, v in pairs)
        raw += "".join(f"&{quote(name)}=%FF%FE%00" for name in texts)
        refused(target, NUL_MESSAGE, statuses=statuses, body=raw, content_type="application/x-www-form-urlencoded")


def assert_accepts_hostile_text(target: Target) -> None:
    """Markup and template syntax in every free-text field: accepted, and stored exactly as typed."""
    sent = {name: hostile_for(f) for name, f in plain_text_fields(target.form).items()}
    response = target.post(target.valid | sent)
    page(response)
    assert response.status_code == 302, f"{target.url} refused hostile text: {answer(response)[:3000]}"
    stored = target.stored()
    assert stored == {name: sent[name] for name in stored}


# --- Arrangements --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    """Evidence to a folder of its own; a 2 MiB request limit so that a 413 costs 2 MiB, not 51."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAX_REQUEST_BYTES = 2 * 1024 * 1024


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """Each refused body is logged with its traceback, which costs more than the request: not here."""
    loggers = [logging.getLogger(name) for name in ("django.security", "django.request", "django_structlog")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


CSRF_SECRET = "hostile0input0test0csrf0secret00"  # 32 letters and digits: a secret Django takes


def browser(user=None) -> Client:
    """A client that passes the CSRF check as a browser does, so that the check runs, and reads the
    body before any view, as it does in production."""
    client = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": CSRF_SECRET})
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    if user is not None:
        client.force_login(user)
    return client


def signed_in(user) -> Client:
    return browser(user)


def claimed_case(user, category: str = "other") -> int:
    case_id = file(RepositoryFactory(), category)["case_id"]
    case_claim(case_id=case_id, actor=Actor.staff(user))
    return case_id


def decided(category: str = "other", actions=("delist",), ground: str = "harmful-use") -> Decision:
    case_id = file(RepositoryFactory(), category)["case_id"]
    body = decide(api_for(moderator()), case_id, actions=list(actions), ground={"policy_section": ground},
                  departure_reason="Test.")  # fmt: skip
    assert body.status_code == 200, body.content
    return Decision.objects.get(pk=body.json()["decision"]["id"])


# --- The public forms --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_the_report_form_of_every_category(seeded, category):
    repo = RepositoryFactory(license_key="llama3.1")  # the license tests/reports/samples.py cites
    spec = CATEGORIES[category]
    valid = form_data(category, repo.full_name)
    target = Target(f"/report/{category}/", browser(), ReportForm(category=spec), valid, multipart=True)

    assert_refuses_bad_input(target)
    # The subject's own fields: an owner/name the hub does not have, a path and lines that are no such thing.
    refused(target, "The hub has no repository", data=valid | {"subject_id": HOSTILE})
    refused(target, "Use a line number or a range", data=valid | {"lines": HOSTILE})
    refused(target, "The range ends before it starts.", data=valid | {"lines": "40-10"})
    refused(target, "Use the commit sha", data=valid | {"revision": "g" * 40})

    # Every free-text field hostile, the e-mails and URLs too as far as they can be: one report, stored as sent.
    texts = plain_text_fields(target.form)
    sent = {name: hostile_for(f) for name, f in texts.items() if name != "subject_id"}  # it names the repository
    for name, f in target.form.fields.items():
        if isinstance(f, forms.EmailField):
            sent[name] = '"<script>alert(1)</script>"@example.org'  # a valid, quoted local part
        elif isinstance(f, forms.URLField):
            sent[name] = 'https://example.org/"><script>alert(1)</script>'
    response = target.post(valid | sent)
    page(response)

    assert response.status_code == 302, response.context["form"].errors
    report = Report.objects.get()
    stored = {"subject_id": report.subject_ref, "path": report.path, "reporter_name": report.reporter_name,
              "reporter_email": report.reporter_email} | {f"details__{k}": v for k, v in report.details.items()}  # fmt: skip
    assert {name: stored[name] for name in sent} == sent
    assert "receipt=" in response["Location"]


@pytest.mark.django_db
def test_the_report_forms_evidence_files(seeded, settings):
    """Too many, too large, the wrong type (by content, whatever the name), too many parts for Django:
    refused naming the file; a hostile file name is kept as a name, never as a path."""
    settings.EVIDENCE_MAX_BYTES = 64 * 1024
    repo = RepositoryFactory()
    valid = form_data("other", repo.full_name)
    spec = CATEGORIES["other"]
    target = Target("/report/other/", browser(), ReportForm(category=spec), valid, multipart=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    def attach(*files):
        target.files = {"evidence": list(files)}

    attach(*(SimpleUploadedFile(f"shot{i}.png", png) for i in range(settings.EVIDENCE_MAX_FILES + 1)))
    refused(target, f"Attach at most {settings.EVIDENCE_MAX_FILES} files.", data=valid)
    attach(SimpleUploadedFile("big.png", png + b"\x00" * settings.EVIDENCE_MAX_BYTES))
    refused(target, "big.png is larger than", data=valid)
    for name, content in [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("shot.png", b"#!/bin/sh\nrm -rf /\n"),  # a name that lies about its content
        ("notes.txt", b"\xff\xfe not utf-8 \x00"),
    ]:
        attach(SimpleUploadedFile(name, content))
        refused(target, f"{name} is not a file type we accept", data=valid)
    attach(*(SimpleUploadedFile(f"n{i}.txt", b"x") for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)))
    refused(target, UNREADABLE, data=valid)
    # A hostile name, with a path before it and a NUL in it: accepted as its last path segment, the
    # NUL dropped, a name over 255 characters cut to 255 keeping its extension (Django's upload handling).
    attach(
        SimpleUploadedFile('../../"><img src=x onerror=alert(1)>.png', png),
        SimpleUploadedFile("shot\x00one.png", png),
        SimpleUploadedFile("x" * 300 + ".png", png),
    )
    response = target.post(valid)
    page(response)
    assert response.status_code == 302, response.content[:3000]
    names = list(Evidence.objects.order_by("pk").values_list("original_name", flat=True))
    assert names == ['"><img src=x onerror=alert(1)>.png', "shotone.png", "x" * 251 + ".png"]


@pytest.mark.django_db
def test_invalid_utf8_in_a_report_is_read_as_replacement_characters_and_stored_so(seeded):
    """A browser sends the page's UTF-8; bytes that are not UTF-8 come from something else, and are
    kept as U+FFFD (Django's decoding, documented), the rest of the text as sent."""
    repo = RepositoryFactory()
    valid = form_data("other", repo.full_name)
    body = urlencode(valid | {"details__explanation": "x"}).replace(
        "details__explanation=x", "details__explanation=ok%FF%FEok"
    )

    response = Client().generic("POST", "/report/other/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert Report.objects.get().details["explanation"] == "ok\ufffd\ufffdok"


@pytest.mark.django_db
def test_the_reporters_appeal_form(seeded):
    repo = RepositoryFactory()
    filed = Client().post("/report/other/", form_data("other", repo.full_name))
    receipt = re.search(r"receipt=([^&]+)", filed["Location"])[1]
    report = Report.objects.get()
    url = f"/reports/{report.pk}/appeal?receipt={receipt}"
    target = Target(url, browser(), ReporterAppealForm(), {"statement": "You missed the impersonation."})

    # Not decided yet: nothing to appeal, and it says so.
    refused(target, "This report has not been decided yet", data=target.valid)
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{report.case_id}/claim")
    mod.post(f"/api/v1/cases/{report.case_id}/dismiss", {"reason": "no_violation", "statement": "Fine."}, format="json")
    target.stored = lambda: {"statement": Appeal.objects.get().statement}

    assert_refuses_bad_input(target)
    assert_accepts_hostile_text(target)
    # Twice: one open appeal at a time, and the page says so.
    refused(target, "already open", data=target.valid)


@pytest.mark.django_db
def test_the_uploaders_appeal_and_counter_notice_forms(seeded):
    takedown = decided("copyright", actions=("remove_files",), ground="copyright")
    url = f"/notices/{notice_token_for(takedown)}/"
    appeal = Target(url, browser(), AppealForm(), {"statement": "It is my own work."})
    counter_valid = {
        "kind": "counter_notice", "name": "Ada Uploader", "address": "1 Road, Town", "phone": "+1 555 0100",
        "removed_material": "weights/model.safetensors", "statement": "Licensed to me.",
        "statement_of_mistake": "on", "consent_to_jurisdiction": "on", "signature": "Ada Uploader",
    }  # fmt: skip
    counter = Target(url, browser(), CounterNoticeForm(), counter_valid)

    def counter_stored():
        appeal = Appeal.objects.get(kind=Appeal.Kind.COUNTER_NOTICE)
        sworn = {k: v for k, v in appeal.counter_notice.items() if isinstance(v, bool)}
        assert sworn == {"statement_of_mistake": True, "consent_to_jurisdiction": True}
        return {"statement": appeal.statement} | {k: v for k, v in appeal.counter_notice.items() if k not in sworn}

    counter.stored = counter_stored
    assert_refuses_bad_input(appeal)
    assert_refuses_bad_input(counter)
    assert_accepts_hostile_text(counter)
    # Once a counter-notice is open the forms are gone; an appeal posted anyway is refused, saying why.
    refused(appeal, "already open", data=appeal.valid)

    # A counter-notice answers a copyright takedown only: after another decision it is refused, saying so.
    other = Target(f"/notices/{notice_token_for(decided())}/", browser(), CounterNoticeForm(), counter_valid)
    refused(other, "A counter-notice answers a copyright takedown only", data=counter_valid)
    # A forged link is a 404, whatever is posted to it.
    forged = Target("/notices/eyJkZWNpc2lvbiI6MX0:forged:sig/", browser(), AppealForm(), appeal.valid)
    refused(forged, statuses=(404,), data=forged.valid)


@pytest.mark.django_db
def test_the_sign_in_form(seeded):
    user = moderator(username="ada")
    user.set_password(PASSWORD)
    user.save()
    form = AuthenticationForm()
    # Django gives the user name's limit to the browser only; over it, the name is just not found.
    form.fields["username"].max_length = None
    target = Target("/console/login/", browser(), form, {"username": "ada", "password": PASSWORD})
    # The page re-shown, as Django's LoginView does it (200), with the field's message.
    assert_refuses_bad_input(target, statuses=(200,))
    refused(target, "Please enter a correct username and password", statuses=(200,),
            data={"username": "a" * 151, "password": PASSWORD})  # fmt: skip
    wrong = refused(target, "Please enter a correct username and password", statuses=(200,),
                    data={"username": HOSTILE, "password": HOSTILE, "next": HOSTILE})  # fmt: skip
    assert escape(HOSTILE) in wrong  # the name typed comes back, escaped

    # A hostile `next` is never followed off the site.
    response = target.client.post("/console/login/", {**target.valid, "next": "javascript:alert(1)"})
    assert response.status_code == 302
    assert response["Location"] == "/console/"


@pytest.mark.django_db
def test_the_language_switcher(seeded):
    """Django's set_language: an unknown language or a hostile `next` changes nothing and goes home."""
    client = browser()
    for data in ({"language": HOSTILE, "next": HOSTILE}, {"language": "de\x00", "next": "javascript:alert(1)"},
                 {"language": ["de", "en"] * 600}, {}):  # fmt: skip
        response = client.post(
            "/i18n/setlang/", urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code in (302, 400)
        assert not response.get("Location", "").startswith("javascript")
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/report/"})
    assert response["Location"] == "/report/"


# --- The console -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queues_bulk_form(seeded):
    mod = moderator()
    case_ids = [file(RepositoryFactory(), "spam")["case_id"] for _ in range(2)]
    ids = [str(pk) for pk in case_ids]
    target = Target("/console/bulk", signed_in(mod), BulkForm(), {"ids": ids, "action": "escalate"})
    target.stored = lambda: {"reason": Case.objects.get(pk=case_ids[0]).escalation_reason}

    # The form's own messages come back on the queue, prefixed with what was not done.
    refused(target, "Nothing was done.", "Cases: Select at least one case.", statuses=BACK, data={"action": "escalate"})
    for bad in ("²", "9" * 5000, str(2**63), "0", "-1", "1e3", HOSTILE):
        refused(target, "Cases: A case id is a whole number", statuses=BACK, data=target.valid | {"ids": [*ids, bad]})
    refused(
        target, "Select at most 200 cases", statuses=BACK, data=target.valid | {"ids": [str(i) for i in range(1, 202)]}
    )
    refused(target, "To dismiss, leave it empty (duplicate) or use one of", statuses=BACK,
            data={"ids": ids, "action": "dismiss", "reason": HOSTILE})  # fmt: skip
    assert_refuses_bad_input(target, statuses=BACK)
    assert_accepts_hostile_text(target)


@pytest.mark.django_db
def test_the_case_move_forms(seeded):
    mod = moderator()
    client = signed_in(mod)
    case_id = claimed_case(mod)
    UserFactory(username="other-mod", role="moderators")

    reassign = Target(f"/console/cases/{case_id}/reassign", client, ReassignForm(), {"assignee": "other-mod"})
    assert_refuses_bad_input(reassign, statuses=BACK)
    refused(reassign, "Hand to: Select a valid choice.", statuses=BACK, data={"assignee": "x" * 151})

    escalate = Target(f"/console/cases/{case_id}/escalate", client, EscalateForm(), {"to": "senior"})
    escalate.stored = lambda: {"reason": Case.objects.get(pk=case_id).escalation_reason}
    assert_refuses_bad_input(escalate, statuses=BACK)
    assert_accepts_hostile_text(escalate)

    # A proposal waiting for a second approval (four eyes: child safety, legal's), sent back with reasons.
    lawyer, second = UserFactory(role=LEGAL), UserFactory(role=LEGAL)
    child = file(RepositoryFactory(), "child_safety")["case_id"]
    decide(api_for(lawyer), child, actions=["disable", "suspend_account"], ground={"policy_section": "child-safety"})
    reject = Target(f"/console/cases/{child}/reject", signed_in(second), RejectForm(), {})
    reject.stored = lambda: {"reason": Decision.objects.get(case_id=child).rejection_reason}
    assert_refuses_bad_input(reject, statuses=BACK)
    assert_accepts_hostile_text(reject)

    # The mute of a subject reviewed clean.
    clean = file(RepositoryFactory(), "other")["case_id"]
    api_for(mod).post(f"/api/v1/cases/{clean}/claim")
    api_for(mod).post(
        f"/api/v1/cases/{clean}/dismiss", {"reason": "no_violation", "statement": "Benign."}, format="json"
    )
    mute = Target(f"/console/cases/{clean}/mute", client, MuteForm(), {"days": "7"})
    assert_refuses_bad_input(mute, statuses=BACK)
    refused(mute, "Mute for (days): Ensure this value is less than or equal to 365.", statuses=BACK,
            data={"days": "366"})  # fmt: skip

    # A move that is no move, and a case that is none.
    assert client.post(f"/console/cases/{case_id}/explode").status_code == 404
    assert client.post(f"/console/cases/{10**30}/claim").status_code < 500


@pytest.mark.django_db
def test_the_decide_and_dismiss_forms(seeded):
    mod = moderator()
    client = signed_in(mod)
    case_id = claimed_case(mod)
    valid = {"actions": ["delist"], "ground": "policy:harmful-use", "intent": "deliberate"}
    decide_form = Target(
        f"/console/cases/{case_id}/decide", client, DecideForm(case=Case.objects.get(pk=case_id)), valid
    )

    def decision_stored():
        decision = Decision.objects.get(case_id=case_id)
        return {"statement": decision.statement, "departure_reason": decision.departure_reason}

    decide_form.stored = decision_stored
    assert_refuses_bad_input(decide_form)
    refused(decide_form, "Select a valid choice.", data=valid | {"ground": "clause:99999999999999999999999"})
    assert_accepts_hostile_text(decide_form)

    other = claimed_case(mod)
    dismiss = Target(f"/console/cases/{other}/dismiss", client, DismissForm(), {"reason": "no_violation"})
    dismiss.stored = lambda: {"statement": Decision.objects.get(case_id=other).statement}
    assert_refuses_bad_input(dismiss)
    refused(dismiss, "Ensure this value is less than or equal to 365.",
            data={"reason": "no_violation", "statement": "x", "clean_for_days": "9" * 400})  # fmt: skip
    assert_accepts_hostile_text(dismiss)
    # Deciding a case again is refused, saying why (its forms are gone from the page), and changes nothing.
    refused(decide_form, "Cannot resolve this case while it is resolved.", data=valid | {"statement": "Again."})


@pytest.mark.django_db
def test_the_appeal_decision_form(seeded):
    decision = decided()
    appeal = appeal_submit(actor=Actor.uploader(decision.case.uploader.handle), decision_id=decision.pk,
                           appellant=Appeal.Appellant.UPLOADER, statement="Mine.")  # fmt: skip
    target = Target(f"/console/appeals/{appeal.pk}/", signed_in(appeal_reviewer()), AppealDecideForm(),
                    {"outcome": "upheld"})  # fmt: skip
    target.stored = lambda: {"statement": Appeal.objects.get(pk=appeal.pk).outcome_statement}

    assert_refuses_bad_input(target)
    assert_accepts_hostile_text(target)
    # Decided: the form is gone from the page, and a second decision is refused saying why.
    refused(target, "Cannot uphold this appeal while it is upheld.", data=target.valid | {"statement": "Again."})


@pytest.mark.django_db
def test_the_review_decision_form(seeded):
    hub_client().put("/api/v1/hub/repositories/acme/demo", {"kind": "model", "review_requested": True}, format="json")
    review = Review.objects.get(kind=Review.Kind.PRE_PUBLICATION)
    target = Target(f"/console/reviews/{review.pk}/", signed_in(moderator()), ReviewDecideForm(review=review),
                    {"outcome": "approved", "requested_items": []})  # fmt: skip
    target.stored = lambda: {"reasons": Review.objects.get(pk=review.pk).reasons}

    assert_refuses_bad_input(target)
    assert_accepts_hostile_text(target)
    # Decided: the form is gone; a second decision is refused and the page says why.
    refused(target, "Cannot approve this review while it is approved.", data=target.valid | {"reasons": "Again."})


@pytest.mark.django_db
def test_the_referral_and_hold_forms(seeded):
    lawyer = UserFactory(role=LEGAL)
    client = signed_in(lawyer)
    case_id = file(RepositoryFactory(), "child_safety")["case_id"]
    valid = {"authority": "ncmec_cybertipline", "referred_at": "2026-01-05"}
    referral = Target(f"/console/legal/cases/{case_id}/refer", client, ReferralForm(), valid)

    def referral_stored():
        row = Referral.objects.get()
        return {"authority_name": row.authority_name, "reference": row.reference, "notes": row.notes}

    referral.stored = referral_stored
    assert_refuses_bad_input(referral)
    refused(referral, "give today's date or an earlier one",
            data=valid | {"reference": "R-1", "referred_at": "2999-01-01"})  # fmt: skip
    refused(referral, "Name the authority", data=valid | {"reference": "R-1", "authority": "national_police"})
    assert_accepts_hostile_text(referral)

    hold = Target(f"/console/legal/cases/{case_id}/hold", client, HoldForm(), {})
    hold.stored = lambda: {"reason": PreservationHold.objects.order_by("-pk").first().reason}
    assert_refuses_bad_input(hold, statuses=BACK)
    assert_accepts_hostile_text(hold)

    standing = hold_place(actor=Actor.staff(lawyer), case_id=case_id, reason="Court order 7.")
    release = Target(f"/console/legal/holds/{standing.pk}/release", client, HoldReleaseForm(), {})
    release.stored = lambda: {"reason": PreservationHold.objects.get(pk=standing.pk).release_reason}
    assert_refuses_bad_input(release, statuses=BACK)
    assert_accepts_hostile_text(release)


@pytest.mark.django_db
def test_the_forms_without_fields(seeded):
    """Claim, release, approve, retry, sign out, claim a review, start or advance a release: a
    button and a CSRF token. Junk fields are ignored; an unreadable body is refused before the view."""
    senior = appeal_reviewer()
    client = signed_in(senior)
    case_id = file(RepositoryFactory())["case_id"]
    decision = decided()
    action = EnforcementAction.objects.filter(decision=decision).first()
    hub_client().put("/api/v1/hub/repositories/acme/demo", {"kind": "model", "review_requested": True}, format="json")
    review = Review.objects.get(kind=Review.Kind.PRE_PUBLICATION)
    lawyer, second = UserFactory(role=LEGAL), UserFactory(role=LEGAL)
    child = file(RepositoryFactory(), "child_safety")["case_id"]
    decide(api_for(lawyer), child, actions=["disable", "suspend_account"], ground={"policy_section": "child-safety"})
    junk = {"x": HOSTILE, "nul": "\x00", "ids": ["1", "2"]}
    targets = [
        Target(f"/console/cases/{case_id}/claim", client, forms.Form(), {}),
        Target(f"/console/cases/{case_id}/release", client, forms.Form(), {}),
        Target(f"/console/cases/{child}/approve", signed_in(second), forms.Form(), {}),
        Target(f"/console/enforcement/{action.pk}/retry", client, forms.Form(), {}),
        Target(f"/console/reviews/{review.pk}/claim", client, forms.Form(), {}),
        Target(f"/console/reviews/{review.pk}/release/start", client, forms.Form(), {}),
        Target(f"/console/reviews/{review.pk}/release/advance", client, forms.Form(), {}),
        Target("/console/logout/", client, forms.Form(), {}),
    ]
    for target in targets:
        big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        refused(target, UNREADABLE, data={"padding": big})
        refused(target, TOO_LARGE, statuses=(413,), data={"padding": "x" * (settings.MAX_REQUEST_BYTES + 1)})
        refused(target, UNREADABLE, data={f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
        page(target.post(junk))  # the move itself, with junk beside it: no server error
    # A case id no database holds.
    still_signed_in = signed_in(senior)
    for move in ("claim", "release", "approve", "reject", "escalate", "reassign"):
        response = still_signed_in.post(f"/console/cases/{10**30}/{move}", {"reason": "x"})
        assert response.status_code in (302, 404)
        assert "/login/" not in response.get("Location", "")


@pytest.mark.django_db
def test_an_id_past_64_bits_in_any_page_link_is_404_or_said_so(seeded):
    """`<int:...>` takes any number of digits; SQLite cannot even be asked about one past 64 bits."""
    root = browser(get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD))
    paths = [
        "/" + re.sub(r"<int:\w+>", str(10**30), re.sub(r"<(?:str|slug):(\w+)>", r"\1", path))
        for _, path, _ in routes()
        if "<int:" in path and not path.startswith(("api/", "admin/", "^"))
    ]
    assert len(paths) > 10
    for path in paths:
        for method in ("get", "post"):
            response = getattr(root, method)(path, {"reason": "x", "statement": "x"})
            said = response.status_code == 302 and "No such" in answer(response)  # a move's way of saying it
            assert response.status_code in (404, 405) or said, f"{method.upper()} {path}: {response.status_code}"


# The filter forms (GET): what they cannot use is said on the page, which shows the default view.
FILTERS_BY_ROUTE = [
    ("console-queue", "/console/", [
        ({"cursor": "1_999999999999999999_1"}, "This page link is broken"),  # a date past year 9999
        ({"cursor": "99999_-99999999999999999999_1"}, "This page link is broken"),
        ({"cursor": "1_1_99999999999999999999"}, "This page link is broken"),  # an id no database holds
        ({"cursor": "\u0661_1_1"}, "This page link is broken"),  # an Arabic-Indic digit, which \\d takes
        ({"state": HOSTILE}, "Select a valid choice."),
        # Category and assignee are choices: anything else, NUL bytes and lengths included, is not one.
        ({"category": "x\x00"}, "Select a valid choice."),
        ({"assignee": "x" * 151}, "Select a valid choice."),
        ({"category": HOSTILE}, "Select a valid choice."),
    ]),
    ("console-reviews", "/console/reviews/", [({"kind": HOSTILE}, "Select a valid choice.")]),
    ("console-names", "/console/names/", [
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"name": "a\x00"}, "Null characters are not allowed."),
    ]),
    ("transparency", "/transparency/", [
        ({"end": "9999-12-31"}, "Give a date from 2000-01-01 to 2999-12-31"),
        ({"end": "0001-01-01"}, "Give a date from 2000-01-01 to 2999-12-31"),
        ({"start": HOSTILE}, "Enter a valid date."),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "The period starts after it ends."),
        ({"start": "2001-01-01", "end": "2026-01-01"}, "Ask for at most 1098 days at a time."),
    ]),
    ("transparency-download", "/transparency/summary.csv", [({"end": "9999-12-31"}, "Give a date from")]),
    ("transparency-download", "/transparency/summary.json", [({"start": "0001-01-01"}, "Give a date from")]),
]  # fmt: skip


@pytest.mark.django_db
def test_the_filter_forms(seeded):
    client = browser(appeal_reviewer())
    file(RepositoryFactory())
    for _, path, cases in FILTERS_BY_ROUTE:
        for params, message in cases:
            response = client.get(path, params)
            text = page(response)
            assert response.status_code == 400, (path, params, response.status_code)
            says(text, message)
        too_many = client.get(path, {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
        assert too_many.status_code == 400
        says(page(too_many), UNREADABLE)
    # A cursor the queue made itself still works, and the filters that are valid still apply.
    assert client.get("/console/", {"state": "open", "cursor": "1_0_1"}).status_code == 200


@pytest.mark.django_db
def test_a_username_no_one_can_have_is_refused_before_the_database_is_asked(django_assert_num_queries):
    """PostgreSQL answers a NUL in a query with an error, not with no row: the form never sends one."""
    for value in ("ada\x00", "a" * 151):
        form = ReassignForm({"assignee": value})
        with django_assert_num_queries(0):
            assert not form.is_valid()
        assert form.errors["assignee"] == ["Select a valid choice. That choice is not one of the available choices."]


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("post", "/report/other/", "multipart/form-data; boundary=B; charset=iso-8859-1"),
        ("post", "/report/other/", "text/plain; charset=rot13"),
        ("post", "/report/other/", "application/x-www-form-urlencoded; charset=iso-8859-1"),
        ("post", "/report/other/", "application/x-www-form-urlencoded; charset=rot13"),
        ("post", "/report/other/", "multipart/form-data; boundary=B; charset=rot13"),
        ("get", "/console/?state=open", "text/plain; charset=rot13"),
    ],
)
def test_a_body_in_a_charset_other_than_utf8_is_400(method, path, content_type):
    """Browsers send a page's forms in its charset, UTF-8; anything else is refused, saying so.

    Through the WSGI application gunicorn serves: a charset such as rot13 breaks Django while it
    builds the request, before the test client's handler would reach any middleware."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--B--\r\n'
        if "multipart" in content_type
        else b"x=y"
    )
    with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://testserver") as client:
        response = client.request(method.upper(), path, content=body, headers={"Content-Type": content_type})

    assert response.status_code == 400
    assert "Send the request in UTF-8" in response.text


@pytest.mark.django_db
def test_the_uploaders_answer_form(seeded):
    from moderation.questions import AnswerForm
    from moderation.services.questions import question_ask, question_token_for

    mia = moderator()
    case_id = claimed_case(mia)
    case = Case.objects.get(pk=case_id)
    case.uploader.email = "ada@acme.example"
    case.uploader.save(update_fields=["email"])
    question = question_ask(actor=Actor.staff(mia), case_id=case_id, text="Where does the data come from?")
    answer = Target(f"/questions/{question_token_for(question)}/", browser(), AnswerForm(), {"answer": "From us."})
    answer.stored = lambda: {"answer": type(question).objects.get(pk=question.pk).answer}

    assert_refuses_bad_input(answer)
    assert_accepts_hostile_text(answer)
    # Answered once: another answer is refused, saying so; a forged link is a 404.
    refused(answer, "You answered this question", statuses=(409,), data=answer.valid)
    forged = Target("/questions/eyJxdWVzdGlvbiI6MX0:forged:sig/", browser(), AnswerForm(), answer.valid)
    refused(forged, statuses=(404,), data=forged.valid)


@pytest.mark.django_db
def test_the_false_positive_form(seeded):
    from scanning.forms import FalsePositiveForm
    from scanning.models import FalsePositive
    from scanning.services import scan_record
    from tests.scanning.test_verdicts import DANGEROUS_PICKLE, PICKLESCAN, sync
    from tests.scanning.test_verdicts import file as scanned_file

    sync(hub_client(), "tiny", [scanned_file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    case_id = Report.objects.get(source="automated").case_id
    valid = {"scanner": "picklescan", "case_id": str(case_id), "reason": "Checked by hand."}
    mark = Target(
        f"/console/files/{DANGEROUS_PICKLE}/false-positive", signed_in(moderator()), FalsePositiveForm(), valid
    )
    mark.stored = lambda: {"reason": FalsePositive.objects.get().reason}

    assert_refuses_bad_input(mark)
    refused(mark, "No scanner named", data=valid | {"scanner": HOSTILE[:64]})
    refused(mark, "Enter a whole number.", data=valid | {"case_id": HOSTILE})
    assert_accepts_hostile_text(mark)
    refused(mark, "already marked wrong", data=valid)


@pytest.mark.django_db
def test_the_ask_the_uploader_form(seeded):
    from moderation.models import UploaderQuestion
    from moderation.questions import QuestionForm

    mia = moderator()
    case_id = claimed_case(mia)
    case = Case.objects.get(pk=case_id)
    case.uploader.email = "ada@acme.example"
    case.uploader.save(update_fields=["email"])
    ask = Target(f"/console/cases/{case_id}/ask", signed_in(mia), QuestionForm(), {"text": "Whose data is this?"})
    ask.stored = lambda: {"text": UploaderQuestion.objects.get().text}

    assert_refuses_bad_input(ask, statuses=BACK)
    assert_accepts_hostile_text(ask)
    refused(ask, "still waiting for its answer", statuses=BACK, data=ask.valid)


@pytest.mark.django_db
def test_the_saved_view_forms(seeded):
    from moderation.forms import SaveViewForm
    from moderation.models import SavedQueueFilter

    mia = moderator()
    save = Target("/console/views", signed_in(mia), SaveViewForm(), {"name": "Mine", "query": "overdue=on"})
    save.stored = lambda: {"name": SavedQueueFilter.objects.get().name}

    assert_refuses_bad_input(save, statuses=BACK)
    refused(save, "These filters cannot be saved", statuses=BACK, data={"name": "Odd", "query": f"state={HOSTILE}"})
    assert_accepts_hostile_text(save)

    view = SavedQueueFilter.objects.get()
    other = Target(f"/console/views/{view.pk}/delete", signed_in(moderator()), forms.Form(), {})
    refused(other, "You have no saved view with this id.", statuses=BACK, data={})


@pytest.mark.django_db
def test_the_name_release_form(seeded):
    from hub.models import NameReservation
    from hub.services import name_reserve

    reservation = name_reserve(kind="account", name="alice", reason="suspended")
    target = Target(f"/console/names/{reservation.pk}/release", browser(hub_admin()), NameReleaseForm(),
                    {"reason": "She closed her account."})  # fmt: skip
    target.stored = lambda: {"reason": NameReservation.objects.get(pk=reservation.pk).release_reason}
    refused(target, "Why the name may go to someone else: This field is required.", statuses=BACK, data={})
    assert_refuses_bad_input(target, statuses=BACK)
    assert_accepts_hostile_text(target)
