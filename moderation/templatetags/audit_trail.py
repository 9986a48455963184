"""How an audit event's data reads in the console: words, not a Python dict."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, pgettext

register = template.Library()


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ')}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value) or gettext("none")
    if value is None or value == "":
        return gettext("none")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


@register.filter
def audit_items(data) -> list[tuple[str, str]]:
    """An event's data as (label, text) pairs, in the order it was recorded."""
    if not isinstance(data, dict):
        return [(gettext("data"), _plain(data))] if data else []
    return [(key.replace("_", " "), _plain(value)) for key, value in data.items()]


def _actions(data: dict) -> str:
    actions = data.get("actions") or []
    return ", ".join(str(a).replace("_", " ") for a in actions) if actions else gettext("no action")


def _escalated(data: dict) -> str:
    to, reason = data.get("escalated_to"), data.get("escalation_reason")
    if to and reason:
        return gettext("escalated to %(to)s: %(reason)s") % {"to": to, "reason": reason}
    if to:
        return gettext("escalated to %(to)s") % {"to": to}
    if reason:
        return gettext("escalated: %(reason)s") % {"reason": reason}
    return gettext("escalated")


def _handed(data: dict) -> str:
    if data.get("assignee"):
        return gettext("handed to %(assignee)s") % {"assignee": data["assignee"]}
    return gettext("handed to another moderator")


# What each event on a case says, in a moderator's words and language; the event's data stays
# available below it. The words are looked up when the trail is shown, so each reader gets theirs.
_SENTENCES = {
    "case.opened": lambda d: (
        gettext("opened by report %(report)s (%(category)s)")
        % {"report": d.get("report", "?"), "category": d.get("category", "?")}
    ),
    "case.opened_by_lineage": lambda d: gettext("opened because a model it is built on was acted on"),
    "case.claim": lambda d: gettext("claimed"),
    "case.claim_escalated": lambda d: gettext("claimed from the escalations"),
    "case.release": lambda d: gettext("released to the queue"),
    "case.reassign": _handed,
    "case.escalate": _escalated,
    "case.propose": lambda d: gettext("proposed: %(actions)s; waits for a second moderator") % {"actions": _actions(d)},
    "case.send_back": lambda d: gettext("sent back by the second moderator"),
    "case.approve": lambda d: gettext("approved by a second moderator"),
    "case.reopen": lambda d: gettext("reopened"),
    "case.surge_detected": lambda d: gettext("many distinct reporters in a short time: possible brigading"),
    "case.mute": lambda d: (
        gettext("muted for %(days)s day(s): new reports in its category join it silently")
        % {"days": d.get("days", "?")}
    ),
    "case.unmute": lambda d: gettext("mute ended: new reports in its category open a case"),
    "case.question_asked": lambda d: (
        gettext("asked the uploader (answer due %(due)s)") % {"due": str(d.get("answer_due_at", ""))[:16]}
    ),
    "case.question_answered": lambda d: gettext("the uploader answered"),
}


@register.filter
def audit_sentence(event) -> str:
    """An event as a moderator would say it: "claimed", "decided: delist; policy harmful-use"."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.verb == "case.resolve":
        if data.get("outcome") == "dismissed":
            if data.get("reason"):
                return gettext("dismissed: %(reason)s") % {"reason": data["reason"]}
            return pgettext("audit trail", "dismissed")
        ground = f"; {data['ground']}" if data.get("ground") else ""
        intent = "; " + gettext("intent %(intent)s") % {"intent": data["intent"]} if data.get("intent") else ""
        return gettext("decided: %(actions)s") % {"actions": _actions(data)} + ground + intent
    sentence = _SENTENCES.get(event.verb)
    if sentence is not None:
        return sentence(data)
    return event.verb.replace(".", ": ", 1).replace("_", " ")
