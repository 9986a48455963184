"""The moderators' console: the queue, a case with everything a decision needs, and the forms
that move it. Views translate input and output; services do the work."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from hubmod import hooks
from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.forms import (
    MAX_ID,
    AppealDecideForm,
    BulkForm,
    DecideForm,
    DismissForm,
    EscalateForm,
    MuteForm,
    QueueFilterForm,
    ReassignForm,
    RejectForm,
    SaveViewForm,
    form_problems,
    ground_from_choice,
)
from moderation.models import Case, Decision, EnforcementAction, SavedQueueFilter
from moderation.restriction import case_is_restricted
from moderation.selectors import (
    APPEAL_CURSOR_PATTERN,
    FilledTemplate,
    QueueFilters,
    appeal_get,
    appeal_queue_page,
    case_decisions_with_reversals,
    case_detail,
    case_get,
    case_neighbours,
    case_proposal,
    case_queue_page,
    enforcement_actions,
    message_templates_for,
    queue_counts,
)
from moderation.services.appeals import OPEN_APPEAL_STATES, appeal_decide
from moderation.services.cases import (
    case_claim,
    case_escalate,
    case_mutable,
    case_mute,
    case_reassign,
    case_release,
    cases_bulk,
)
from moderation.services.decisions import (
    case_decide,
    case_dismiss,
    decision_approve,
    decision_preview,
    decision_reject,
)
from moderation.services.enforcement import enforcement_retry
from moderation.services.notices import notice_preview
from moderation.services.queue_filters import saved_filter_delete, saved_filter_save
from moderation.subject import case_subject
from policy.models import MessageTemplate

staff_only = permission_required("moderation.view_case", raise_exception=False)


# The dismiss form's ids, apart from the decide form's on the same page: both have a statement.
DISMISS_IDS = "id_dismiss_%s"
# The queue's filters a moderator carries from the queue to its cases and back (not its page).
_CARRIED_FILTERS = ("state", "category", "assignee", "overdue", "surge", "scan_verdict")
# The words the console's messages put in for a move, a bulk action or an appeal's outcome: the
# forms post the keys, and the messages read them back in the moderator's language.
_MOVES_DONE = {
    "claim": pgettext_lazy("case move done", "claim"),
    "release": pgettext_lazy("case move done", "release"),
    "escalate": pgettext_lazy("case move done", "escalate"),
    "reassign": pgettext_lazy("case move done", "reassign"),
    "approve": pgettext_lazy("case move done", "approve"),
    "reject": pgettext_lazy("case move done", "reject"),
    "mute": pgettext_lazy("case move done", "mute"),
}
_BULK_ACTIONS_DONE = {
    "dismiss": pgettext_lazy("bulk action done", "Dismiss"),
    "escalate": pgettext_lazy("bulk action done", "Escalate"),
    "assign": pgettext_lazy("bulk action done", "Assign"),
}
_APPEAL_OUTCOMES = {
    "upheld": pgettext_lazy("appeal outcome", "upheld"),
    "overturned": pgettext_lazy("appeal outcome", "overturned"),
    "modified": pgettext_lazy("appeal outcome", "modified"),
}


@dataclass(frozen=True)
class FilteredQueue:
    """The queue as a moderator filtered it: the filters that are valid, and the query string that
    carries them to a case page and on from case to case, so j/k and "go to next" follow it."""

    form: QueueFilterForm
    filters: QueueFilters
    query: str

    def url(self, name: str, *args) -> str:
        path = reverse(name, args=args)
        return f"{path}?{self.query}" if self.query else path


def _filtered_queue(params) -> FilteredQueue:
    form = QueueFilterForm(params or None)
    # The filters that are valid still apply; the queue page says what is wrong with the others.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = QueueFilters(
        state=data.get("state") or None,
        category=data.get("category") or None,
        assignee=data.get("assignee") or None,
        overdue=bool(data.get("overdue")),
        surge=bool(data.get("surge")),
        scan_verdict=data.get("scan_verdict") or None,
    )
    carried = {name: "on" if data[name] is True else data[name] for name in _CARRIED_FILTERS if data.get(name)}
    return FilteredQueue(form=form, filters=filters, query=urlencode(carried))


@staff_only
def queue(request):
    shown = _filtered_queue(request.GET)
    form = shown.form
    cursor = getattr(form, "cleaned_data", {}).get("cursor") or None
    cases, next_cursor = case_queue_page(filters=shown.filters, user=request.user, cursor=cursor)
    next_url = None
    if next_cursor:
        params = {k: v for k, v in request.GET.items() if k != "cursor"}
        next_url = f"{reverse('console-queue')}?{urlencode({**params, 'cursor': next_cursor})}"
    return render(
        request,
        "moderation/queue.html",
        {
            "cases": cases,
            "form": form,
            "counts": queue_counts(),
            "next_url": next_url,
            "bulk_form": BulkForm(),
            "queue_query": shown.query,
            "saved_filters": SavedQueueFilter.objects.filter(user=request.user).order_by("name"),
        },
        status=400 if form.errors else 200,
    )


@staff_only
@require_POST
def queue_filter_save(request):
    """Save the queue's filters under a name; refused by going back to the queue, saying why."""
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not saved. %(problems)s") % {"problems": form_problems(form)})
        return redirect("console-queue")
    query = form.cleaned_data["query"]
    try:
        saved = saved_filter_save(actor=Actor.staff(request.user), name=form.cleaned_data["name"], query=query)
    except ApplicationError as exc:
        messages.error(request, _("Not saved. %(problems)s") % {"problems": " ".join(exc.problems)})
        return redirect(f"{reverse('console-queue')}?{query}" if query else "console-queue")
    messages.success(request, _("Saved as “%(name)s”.") % {"name": saved.name})
    return redirect(f"{reverse('console-queue')}?{saved.query}")


@staff_only
@require_POST
def queue_filter_delete(request, filter_id: int):
    try:
        saved_filter_delete(actor=Actor.staff(request.user), filter_id=filter_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed the saved view."))
    return redirect("console-queue")


@staff_only
@require_POST
def bulk(request):
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was done. %(problems)s") % {"problems": form_problems(form)})
        return redirect("console-queue")
    data = form.cleaned_data
    params = {"reason": data["reason"] or "duplicate", "statement": data["statement"] or "A duplicate of a case "
              "already decided.", "to": "senior", "assignee": request.user}  # fmt: skip
    if data["action"] == "escalate":
        params["reason"] = data["reason"] or "Escalated from the queue."
    outcomes = cases_bulk(actor=Actor.staff(request.user), case_ids=data["ids"], action=data["action"], **params)
    done = [o for o in outcomes if o.ok]
    action = _BULK_ACTIONS_DONE.get(data["action"], data["action"].capitalize())
    counts = {"action": action, "done": len(done), "total": len(outcomes)}
    messages.success(
        request,
        ngettext(
            "%(action)s: %(done)s of %(total)s case(s).", "%(action)s: %(done)s of %(total)s case(s).", len(outcomes)
        )
        % counts,
    )
    for failed in (o for o in outcomes if not o.ok):
        messages.error(request, _("Case %(id)s: %(error)s") % {"id": failed.id, "error": failed.error})
    return redirect("console-queue")


def _case_page(request, case_id: int, *, decide_form=None, dismiss_form=None, preview=None, status=200):
    detail = case_detail(case_id=case_id, user=request.user)
    if detail is None:
        raise Http404("No such case.")
    case, pending = detail.case, detail.proposal
    actor = Actor.staff(request.user)
    queue_shown = _filtered_queue(request.GET)
    neighbours = case_neighbours(case=case, user=request.user, filters=queue_shown.filters)
    working = case.state == Case.State.IN_REVIEW and case.assignee_id == request.user.pk
    decide_open = working and actor.has_perm("moderation.decide_case")
    # The texts the moderator may start from, filled from the case; ?template= (or
    # ?question_template=) puts one in the form, which works without any script.
    answer_by = timezone.now() + timedelta(days=settings.QUESTION_ANSWER_DAYS)
    kinds: dict[str, str] = {MessageTemplate.Kind.STATEMENT: ""} if decide_open else {}
    if working:
        kinds[MessageTemplate.Kind.QUESTION] = f"{answer_by:%Y-%m-%d} UTC"
    templates = message_templates_for(case, deadlines=kinds)
    statements = templates.get(MessageTemplate.Kind.STATEMENT, [])
    questions = templates.get(MessageTemplate.Kind.QUESTION, [])
    statement = _chosen(statements, request.GET.get("template")) or detail.context.statement_template
    decisions = list(case_decisions_with_reversals(case))
    mute = _mute_shown(case, decisions, detail.reports, actor)
    return render(
        request,
        "moderation/case.html",
        {
            "case": case,
            "reports": detail.reports,
            "trail": detail.trail,
            "decisions": decisions,
            "mute": mute,
            "mute_form": MuteForm(initial={"days": 30}),
            "context": detail.context,
            # The reported repository: its card at the reported revision, what changed since, its lineage.
            "subject": case_subject(
                case=case, ancestors=detail.context.ancestors, descendants=detail.context.descendants
            ),
            "recommendations": list(detail.recommendations.items()),
            "pending": pending,
            "can_approve": pending is not None and pending.decided_by_id != request.user.pk,
            "decide_form": decide_form or DecideForm(case=case, initial={"statement": statement}),
            "statement_templates": statements,
            "question_templates": questions,
            "question_text": _chosen(questions, request.GET.get("question_template")),
            "preview": preview,
            "dismiss_form": dismiss_form or DismissForm(auto_id=DISMISS_IDS),
            "escalate_form": EscalateForm(),
            "reassign_form": ReassignForm(),
            "reject_form": RejectForm(),
            # The decide and dismiss forms are shown to the case's assignee while it is in review.
            "decide_open": decide_open,
            "evidence_readable": detail.evidence_readable,
            # Restricted evidence is never put on a page, not even for legal, whose every read of it is audited.
            "evidence_inline": not case_is_restricted(case),
            "queue_query": queue_shown.query,
            "queue_url": queue_shown.url("console-queue"),
            "previous_case_url": queue_shown.url("console-case", neighbours.previous) if neighbours.previous else None,
            "next_case_url": queue_shown.url("console-case", neighbours.next) if neighbours.next else None,
            # What the apps above show about the case (scanning: the files and their verdicts).
            "sections": hooks.sections(hooks.case_shown, case=case, request=request),
        },
        status=status,
    )


@dataclass(frozen=True)
class MuteShown:
    """A case reviewed clean: whether its subject is muted, until when, and what joined since."""

    until: datetime | None
    joined_silently: int


def _mute_shown(case: Case, decisions: list[Decision], reports, actor: Actor) -> MuteShown | None:
    latest = max(decisions, key=lambda d: d.pk, default=None)
    if not (case_mutable(case, latest) and actor.has_perm("moderation.decide_case")):
        return None
    until = case.clean_until if case.clean_until and case.clean_until > timezone.now() else None
    return MuteShown(until, sum(1 for r in reports if case.resolved_at and r.created_at > case.resolved_at))


def _chosen(templates: list[FilledTemplate], wanted: str | None) -> str:
    return next((t.text for t in templates if str(t.id) == wanted), "")


@staff_only
def case_page(request, case_id: int):
    return _case_page(request, case_id)


@staff_only
@require_POST
def case_move(request, case_id: int, move: str):
    """Claim, release, escalate, reassign, approve or reject: one small form each."""
    if case_id > MAX_ID:
        raise Http404("No such case.")  # an id past 64 bits names no case, and the look-ups below would overflow
    actor = Actor.staff(request.user)
    try:
        if move == "claim":
            case_claim(case_id=case_id, actor=actor)
        elif move == "release":
            case_release(case_id=case_id, actor=actor)
        elif move == "escalate":
            escalate_form = EscalateForm(request.POST)
            if not escalate_form.is_valid():
                raise ApplicationError(_("Not escalated. %(problems)s") % {"problems": form_problems(escalate_form)})
            case_escalate(case_id=case_id, actor=actor, **escalate_form.cleaned_data)
        elif move == "reassign":
            reassign_form = ReassignForm(request.POST)
            if not reassign_form.is_valid():
                raise ApplicationError(_("Not reassigned. %(problems)s") % {"problems": form_problems(reassign_form)})
            case_reassign(case_id=case_id, actor=actor, to=reassign_form.cleaned_data["assignee"])
        elif move in ("approve", "reject"):
            decision = case_proposal(case_id=case_id)
            if decision is None:
                raise ApplicationError(_("Nothing is waiting for approval on this case."))
            if move == "approve":
                decision_approve(decision_id=decision.pk, actor=actor)
            else:
                reject_form = RejectForm(request.POST)
                if not reject_form.is_valid():
                    raise ApplicationError(_("Not sent back. %(problems)s") % {"problems": form_problems(reject_form)})
                decision_reject(decision_id=decision.pk, actor=actor, reason=reject_form.cleaned_data["reason"])
        elif move == "mute":
            mute_form = MuteForm(request.POST)
            if not mute_form.is_valid():
                raise ApplicationError(_("Not muted. %(problems)s") % {"problems": form_problems(mute_form)})
            case_mute(case_id=case_id, actor=actor, days=mute_form.cleaned_data["days"])
        else:
            raise Http404("No such move.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(move)s.") % {"move": _MOVES_DONE.get(move, move)})
    return redirect(_filtered_queue(request.GET).url("console-case", case_id))


@staff_only
@require_POST
def case_decide_view(request, case_id: int):
    case = case_get(case_id=case_id)
    if case is None:
        raise Http404("No such case.")
    form = DecideForm(request.POST, case=case)
    if form.is_valid() and request.POST.get("preview"):
        # Read before sending: the uploader's notice as this decision would send it; nothing is decided.
        data = form.cleaned_data
        try:
            ground = ground_from_choice(data["ground"])
            draft = decision_preview(
                case=case, actions=data["actions"], ground=ground, statement=data["statement"], intent=data["intent"]
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
            return _case_page(request, case_id, decide_form=form, status=400)
        return _case_page(request, case_id, decide_form=form, preview=notice_preview(draft))
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = case_decide(
                case_id=case_id,
                actor=Actor.staff(request.user),
                actions=data["actions"],
                ground=ground_from_choice(data["ground"]),
                intent=data["intent"],
                statement=data["statement"],
                departure_reason=data["departure_reason"],
                compromised_since=data["compromised_since"],
            )
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            waiting = decision.approval == Decision.Approval.PROPOSED
            messages.success(request, _("Sent for a second approval.") if waiting else _("Decided."))
            return _onwards(request, case_id, case=case)
    return _case_page(request, case_id, decide_form=form, status=400)


@staff_only
@require_POST
def case_dismiss_view(request, case_id: int):
    form = DismissForm(request.POST, auto_id=DISMISS_IDS)
    if form.is_valid():
        try:
            case_dismiss(case_id=case_id, actor=Actor.staff(request.user), **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Dismissed."))
            return _onwards(request, case_id)
    return _case_page(request, case_id, dismiss_form=form, status=400)


def _onwards(request, case_id: int, *, case: Case | None = None):
    """After a decision or a dismissal: the same case again, or with "then=next" the next case of
    the queue the moderator works through, or that queue when nothing is left in it. `case`, when
    given, is the case as it stood in the queue before it was decided."""
    queue_shown = _filtered_queue(request.GET)
    if request.POST.get("then") != "next":
        return redirect(queue_shown.url("console-case", case_id))
    case = case or case_get(case_id=case_id)
    if case is None:
        raise Http404("No such case.")
    following = case_neighbours(case=case, user=request.user, filters=queue_shown.filters).next
    if following is None:
        messages.info(request, _("Nothing else is waiting in this queue."))
        return redirect(queue_shown.url("console-queue"))
    return redirect(queue_shown.url("console-case", following))


def _form_errors(form, exc: ApplicationError) -> None:
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, str(error))


@permission_required("moderation.view_enforcementaction", raise_exception=False)
def enforcement(request):
    """What the hub has not applied yet: failed actions with their last error, and held ones."""
    failed = enforcement_actions(state=EnforcementAction.State.FAILED)[:200]
    pending = enforcement_actions(state=EnforcementAction.State.PENDING)[:200]
    return render(request, "moderation/enforcement.html", {"failed": failed, "pending": pending})


@permission_required("moderation.retry_enforcement", raise_exception=False)
@require_POST
def enforcement_retry_view(request, action_id: int):
    try:
        enforcement_retry(action_id=action_id, actor=Actor.staff(request.user))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Action %(id)s is being sent to the hub again.") % {"id": action_id})
    return redirect("console-enforcement")


reviewers_only = permission_required("moderation.review_appeal", raise_exception=False)


@reviewers_only
def appeals(request):
    """The reviewers' queue: open appeals, the earliest due first, a page at a time."""
    cursor = request.GET.get("cursor", "")
    if cursor and not re.fullmatch(APPEAL_CURSOR_PATTERN, cursor):
        messages.error(request, _("That page link is broken; here is the first page."))
        cursor = ""
    try:
        page, next_cursor = appeal_queue_page(states=OPEN_APPEAL_STATES, cursor=cursor or None)
    except OverflowError:
        messages.error(request, _("That page link is out of range; here is the first page."))
        page, next_cursor = appeal_queue_page(states=OPEN_APPEAL_STATES)
    next_url = f"{reverse('console-appeals')}?{urlencode({'cursor': next_cursor})}" if next_cursor else None
    return render(request, "moderation/appeals.html", {"appeals": page, "now": timezone.now(), "next_url": next_url})


@reviewers_only
def appeal_page(request, appeal_id: int):
    appeal = appeal_get(appeal_id=appeal_id)
    if appeal is None:
        raise Http404("No such appeal.")
    form = AppealDecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_decide(appeal_id=appeal_id, actor=Actor.staff(request.user), **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            outcome = form.cleaned_data["outcome"]
            messages.success(
                request,
                _("Appeal %(id)s: %(outcome)s.") % {"id": appeal_id, "outcome": _APPEAL_OUTCOMES.get(outcome, outcome)},
            )
            return redirect("console-appeals")
    decision = appeal.decision
    return render(
        request,
        "moderation/appeal.html",
        {
            "appeal": appeal,
            "decision": decision,
            "form": form,
            "took_part": request.user.pk in (decision.decided_by_id, decision.approved_by_id),
        },
        status=400 if request.method == "POST" else 200,
    )
