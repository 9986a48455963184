from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.crypto import constant_time_compare

from hubmod.receipts import receipt_digest
from moderation.models import Appeal, Case, Decision
from moderation.selectors import decision_reversal
from reports.models import Report


@dataclass(frozen=True)
class ReportStatus:
    report: Report
    status: str
    decision: Decision | None
    # The appeal that overturned the decision, when the status is "reversed".
    reversal: Appeal | None = None

    @property
    def decided_at(self) -> datetime | None:
        return self.decision.created_at if self.decision else None

    @property
    def outcome(self) -> str:
        """What the reporter is told of the outcome: why nothing was done, the ground acted on, or
        that an appeal undid the action (never the appeal's reasons, which are the uploader's)."""
        if self.decision is None:
            return ""
        if self.status == "dismissed":
            return self.decision.statement
        if self.reversal is not None:
            return f"Overturned on appeal on {self.reversal.decided_at:%Y-%m-%d}: the action taken was undone."
        return self.decision.ground_label


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
    if decision is None:  # a resolved case has its decision; read before it was written, say so
        return ReportStatus(report, "in_review", None)
    if decision.outcome == Decision.Outcome.ACTIONED:
        reversal = decision_reversal(decision)
        if reversal is not None:
            return ReportStatus(report, "reversed", decision, reversal)
    return ReportStatus(report, decision.outcome, decision)
