"""The public report pages: choose a category, fill its form, follow the report with its receipt."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseGone
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from hubmod.actors import Actor
from hubmod.auth import actor_for
from hubmod.errors import ApplicationError, Forbidden, Gone, TooManyRequests
from moderation.models import Appeal
from moderation.services.appeals import appeal_refusal, appeal_submit
from reports.categories import CATEGORIES, category_get
from reports.evidence import evidence_for_download, evidence_read
from reports.forms import ReportForm
from reports.models import Report
from reports.selectors import report_status, report_with_receipt
from reports.services import Origin, ReporterIdentity, Subject, report_file
from reports.throttle import client_address, intake_throttle


def report_start(request):
    return render(request, "reports/start.html", {"categories": CATEGORIES.values()})


def report_new(request, category: str):
    spec = category_get(category)
    if spec is None:
        raise Http404("No such report category.")
    form = ReportForm(
        # Bound on every POST, an empty one too: it is re-shown saying what is missing.
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        category=spec,
        initial={"subject_id": request.GET.get("subject", "")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report, receipt = _file(request, form, spec.key)
            except TooManyRequests as exc:
                form.add_error(None, exc.message)
                status = 429
            except ApplicationError as exc:
                form.add_service_errors(exc.field_errors or {"__all__": [exc.message]})
                status = exc.status_code
            else:
                url = reverse("report-status", args=[report.pk])
                return redirect(f"{url}?{urlencode({'receipt': receipt, 'new': 1})}")
    return render(request, "reports/new.html", {"form": form, "category": spec}, status=status)


def _file(request, form: ReportForm, category: str):
    data = form.cleaned_data
    intake_throttle(request, reporter_email=data["reporter_email"], from_hub=False)
    return report_file(
        # A trusted flagger signed in files as itself: its trust follows the login, never the typed address.
        actor=actor_for(request),
        subject=Subject(
            data["subject_type"], data["subject_id"].strip(), data["revision"], path=data["path"], lines=data["lines"]
        ),
        category=category,
        details=form.details(),
        reporter=ReporterIdentity(name=data["reporter_name"], email=data["reporter_email"]),
        outcome_sought=data["outcome_sought"],
        origin=Origin(
            source=Report.Source.FORM,
            client_address=client_address(request),
            evidence=evidence_read(data.get("evidence") or []),
            language=request.LANGUAGE_CODE,
        ),
    )


def report_status_page(request, report_id: int):
    receipt = request.GET.get("receipt", "")
    report = report_with_receipt(report_id=report_id, receipt=receipt)
    if report is None:
        raise Http404("No report matches this id and receipt.")
    found = report_status(report)
    context = {"report": report, "status": found, "receipt": receipt, "just_filed": request.GET.get("new") == "1"}
    if found.decision is not None and not appeal_refusal(decision=found.decision, appellant=Appeal.Appellant.REPORTER):
        context["appeal_form"] = ReporterAppealForm()
    return render(request, "reports/status.html", context)


class ReporterAppealForm(forms.Form):
    statement = forms.CharField(
        label=_("Why we should act"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_("Tell us what the decision missed. Someone who took no part in it reviews your appeal."),
    )


def report_appeal(request, report_id: int):
    """A reporter contests a decision not to act (DSA Art. 20), with the report's receipt."""
    receipt = request.GET.get("receipt", "")
    report = report_with_receipt(report_id=report_id, receipt=receipt)
    if report is None:
        raise Http404("No report matches this id and receipt.")
    found = report_status(report)
    form = ReporterAppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and found.decision is None:
        form.add_error(None, _("This report has not been decided yet: there is no decision to appeal."))
    elif request.method == "POST" and form.is_valid() and found.decision is not None:
        try:
            appeal_submit(
                actor=Actor.reporter(),
                decision_id=found.decision.pk,
                appellant=Appeal.Appellant.REPORTER,
                statement=form.cleaned_data["statement"],
                report_id=report.pk,
            )
        except ApplicationError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Your appeal was received. We will tell you the outcome."))
            return redirect(f"{reverse('report-status', args=[report.pk])}?{urlencode({'receipt': receipt})}")
    return render(
        request,
        "reports/status.html",
        {"report": report, "status": found, "receipt": receipt, "appeal_form": form},
        status=400,
    )


@permission_required("moderation.view_case", raise_exception=True)
def evidence_download(request, evidence_id: int):
    """Staff only: the file as stored, as an attachment the browser will not render inline.
    A restricted case's evidence is legal's alone (403 for anyone else); a purged file is 410."""
    try:
        evidence = evidence_for_download(evidence_id=evidence_id, user=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except Gone as exc:
        return HttpResponseGone(exc.message, content_type="text/plain; charset=utf-8")
    if evidence is None:
        raise Http404("No such evidence.")
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name or "evidence")
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
