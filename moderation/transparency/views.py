"""The public transparency page: the figures of any period, as charts, CSV and JSON."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.transparency.summary import flatten, reports_per_month, transparency_summary


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def period(self):
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.now().date()
        start = data.get("start") or end - timedelta(days=89)
        if start > end or (end - start).days > 3 * 366:
            start = end - timedelta(days=89)
        return start, end


def _bars(counts: dict[str, int], *, chronological: bool = False) -> list[dict]:
    """Rows for a bar chart: label, value and width as a share of the largest; biggest first."""
    top = max(counts.values(), default=0) or 1
    items = sorted(counts.items()) if chronological else sorted(counts.items(), key=lambda kv: -kv[1])
    return [{"label": k, "value": v, "width": round(100 * v / top, 1)} for k, v in items]


def transparency(request):
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    summary = transparency_summary(start=start, end=end)
    months = defaultdict(int)
    for row in reports_per_month(start=start, end=end):
        months[row["month"]] += row["count"]
    decisions = summary["decisions"]["total"] or 0
    automated = summary["decisions"]["automated_decision"]
    return render(
        request,
        "moderation/transparency.html",
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
            "query": f"from={start.isoformat()}&to={end.isoformat()}",
        },
    )


def transparency_download(request, fmt: str):
    if fmt not in ("csv", "json"):
        raise Http404("Download as .csv or .json.")
    start, end = PeriodForm(request.GET or None).period()
    summary = transparency_summary(start=start, end=end)
    if fmt == "json":
        response = JsonResponse(summary)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["figure", "value"])
        writer.writerows(flatten(summary))
    response["Content-Disposition"] = f'attachment; filename="hubmod-transparency-{start}-{end}.{fmt}"'
    return response
