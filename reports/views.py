"""The public report pages: choose a category, fill its form, follow the report with its receipt."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from reports.categories import CATEGORIES, category_get
from reports.forms import ReportForm
from reports.models import Report
from reports.selectors import report_status, report_with_receipt
from reports.services import Reporter, Subject, report_file


def report_start(request):
    return render(request, "reports/start.html", {"categories": CATEGORIES.values()})


def report_new(request, category: str):
    spec = category_get(category)
    if spec is None:
        raise Http404("No such report category.")
    form = ReportForm(request.POST or None, category=spec, initial={"subject_id": request.GET.get("subject", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report, receipt = report_file(
                actor=Actor.reporter(),
                subject=Subject(data["subject_type"], data["subject_id"].strip(), data["revision"]),
                category=spec.key,
                details=form.details(),
                reporter=Reporter(name=data["reporter_name"], email=data["reporter_email"]),
                source=Report.Source.FORM,
            )
        except ApplicationError as exc:
            form.add_service_errors(exc.field_errors or {"__all__": [exc.message]})
        else:
            url = reverse("report-status", args=[report.pk])
            return redirect(f"{url}?{urlencode({'receipt': receipt, 'new': 1})}")
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/new.html", {"form": form, "category": spec}, status=status)


def report_status_page(request, report_id: int):
    receipt = request.GET.get("receipt", "")
    report = report_with_receipt(report_id=report_id, receipt=receipt)
    if report is None:
        raise Http404("No report matches this id and receipt.")
    found = report_status(report)
    return render(
        request,
        "reports/status.html",
        {"report": report, "status": found, "receipt": receipt, "just_filed": request.GET.get("new") == "1"},
    )
