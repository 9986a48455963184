"""The public transparency page: the figures of any period, as charts, CSV and JSON."""

from __future__ import annotations

import csv
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
