"""The public transparency page: the figures of any period, as charts, CSV and JSON."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from moderation.forms import form_problems
from transparency.statements import statement_of
from transparency.summary import EARLIEST, LATEST, flatten, reports_per_month, transparency_summary

MAX_PERIOD_DAYS = 3 * 366


def _date_field(label):
    message = format_lazy(
        _("Give a date from {earliest} to {latest}, as YYYY-MM-DD."), earliest=EARLIEST, latest=LATEST
    )
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[MinValueValidator(EARLIEST, message), MaxValueValidator(LATEST, message)],
    )


class PeriodForm(forms.Form):
    start = _date_field(_("From"))
    end = _date_field(_("To"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("start", _("The period starts after it ends."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("Ask for at most %(days)d days at a time.") % {"days": MAX_PERIOD_DAYS})
        return data

    def period(self):
        """The period asked for; the last 90 days where it cannot be (the form says why)."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.now().date()
        start = data.get("start") or end - timedelta(days=89)
        if start > end or (end - start).days > MAX_PERIOD_DAYS:
            start = end - timedelta(days=89)
        return start, end


def _bars(counts: dict[str, int], *, chronological: bool = False) -> list[dict]:
    """Rows for a bar chart: label, value and width as a share of the largest; biggest first."""
    top = max(counts.values(), default=0) or 1
    items = sorted(counts.items()) if chronological else sorted(counts.items(), key=lambda kv: -kv[1])
    return [{"label": k, "value": v, "width": round(100 * v / top, 1)} for k, v in items]


def _period_form(request) -> PeriodForm:
    """The page's form; `from` and `to`, the API's names for the same dates, count as `start` and
    `end`, so a query copied from the API shows (or refuses) that period instead of another."""
    data = request.GET.copy()
    for page_name, api_name in (("start", "from"), ("end", "to")):
        if api_name in data and page_name not in data:
            data[page_name] = data[api_name]
    return PeriodForm({k: data[k] for k in ("start", "end") if k in data} or None)


def transparency(request):
    form = _period_form(request)
    start, end = form.period()
    summary = transparency_summary(start=start, end=end)
    months = defaultdict(int)
    for row in reports_per_month(start=start, end=end):
        months[row["month"]] += row["count"]
    decisions = summary["decisions"]["total"] or 0
    automated = summary["decisions"]["automated_decision"]
    return render(
        request,
        "transparency/transparency.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "summary": summary,
            "per_month": _bars(dict(months), chronological=True),
            "per_category": _bars(summary["reports"]["by_category"]),
            "per_action": _bars(summary["actions"]["by_kind"]),
            "appeal_outcomes": _bars(summary["appeals"]["by_outcome"]),
            "automated_share": round(100 * automated / decisions, 1) if decisions else 0,
            # The page's downloads read start/end, as the page does; the API reads from/to.
            "download_query": f"start={start.isoformat()}&end={end.isoformat()}",
            "api_query": f"from={start.isoformat()}&to={end.isoformat()}",
        },
        status=400 if form.errors else 200,
    )


def transparency_download(request, fmt: str):
    if fmt not in ("csv", "json"):
        raise Http404("Download as .csv or .json.")
    form = _period_form(request)
    start, end = form.period()
    if form.errors:
        return HttpResponse(form_problems(form), status=400, content_type="text/plain; charset=utf-8")
    summary = transparency_summary(start=start, end=end)
    response: HttpResponse
    if fmt == "json":
        response = JsonResponse(summary)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["figure", "value"])
        writer.writerows(flatten(summary))
    response["Content-Disposition"] = f'attachment; filename="hubmod-transparency-{start}-{end}.{fmt}"'
    return response


_PUID = re.compile(r"hubmod-decision-([1-9][0-9]{0,17})")
# The database's codes, in words for the page.
_CODE_PREFIXES = ("DECISION_VISIBILITY_", "DECISION_GROUND_", "DECISION_ACCOUNT_", "DECISION_PROVISION_",
                  "STATEMENT_CATEGORY_", "CONTENT_TYPE_", "SOURCE_", "AUTOMATED_DECISION_", "KEYWORD_")  # fmt: skip
_LABELS = {
    "decision_visibility": _("Restriction of the content"),
    "decision_account": _("Restriction of the account"),
    "decision_provision": _("Restriction of the service"),
    "decision_ground": _("Ground"),
    "illegal_content_legal_ground": _("Law relied on"),
    "illegal_content_explanation": _("Why it is illegal"),
    "incompatible_content_ground": _("Term or policy relied on"),
    "incompatible_content_explanation": _("Why it breaks it"),
    "category": _("Category"),
    "category_specification": _("Specifically"),
    "category_specification_other": _("Specifically"),
    "content_type": _("Kind of content"),
    "content_type_other": _("Kind of content, in words"),
    "content_date": _("Content created on"),
    "application_date": _("Decision applied on"),
    "end_date_visibility_restriction": _("Content restriction ends on"),
    "end_date_account_restriction": _("Account restriction ends on"),
    "end_date_service_restriction": _("Service restriction ends on"),
    "territorial_scope": _("Where it applies"),
    "source_type": _("What led to it"),
    "automated_detection": _("Detected automatically"),
    "automated_decision": _("Decided automatically"),
    "decision_facts": _("The facts and reasons"),
}


def _in_words(value) -> str:
    if isinstance(value, list):
        return ", ".join(_in_words(item) for item in value)
    text = str(value)
    for prefix in _CODE_PREFIXES:
        if text.startswith(prefix):
            return text.removeprefix(prefix).replace("_", " ").lower()
    return text


def statement(request, puid: str):
    """A decision's statement of reasons as hubmod publishes it (the DSA Transparency Database's
    fields, in words): the page a revocation feed entry or a notice to a third party links to.
    Nothing in it names a reporter, and it carries no appeal link."""
    found = _PUID.fullmatch(puid)
    published = statement_of(int(found.group(1))) if found else None
    if published is None:
        raise Http404("No published statement of reasons has this id.")
    rows = [(_LABELS[key], _in_words(value)) for key, value in published.items() if key in _LABELS]
    return render(request, "transparency/statement.html", {"puid": published["puid"], "rows": rows})
