from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.crypto import constant_time_compare

from hubmod.receipts import receipt_digest
from moderation.models import Case, Decision
from reports.models import Report


@dataclass(frozen=True)
class ReportStatus:
    report: Report
    status: str
    decision: Decision | None

    @property
    def decided_at(self) -> datetime | None:
        return self.decision.created_at if self.decision else None


def report_with_receipt(*, report_id: int, receipt: str) -> Report | None:
    """The report, only for whoever holds its receipt."""
    report = Report.objects.select_related("case").filter(pk=report_id).first()
    if report is None or not receipt or not constant_time_compare(report.receipt_digest, receipt_digest(receipt)):
        return None
    return report


def report_status(report: Report) -> ReportStatus:
    case = report.case
    if case.state in (Case.State.OPEN, Case.State.REOPENED):
        return ReportStatus(report, "received", None)
    if case.state != Case.State.RESOLVED:
        return ReportStatus(report, "in_review", None)
    decision = case.decisions.prefetch_related("actions").order_by("-id").first()
    return ReportStatus(report, decision.outcome, decision)
