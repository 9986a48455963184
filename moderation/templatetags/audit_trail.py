"""How an audit event's data reads in the console: words, not a Python dict."""

from __future__ import annotations

from django import template

register = template.Library()


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ')}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value) or "none"
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.filter
def audit_items(data) -> list[tuple[str, str]]:
    """An event's data as (label, text) pairs, in the order it was recorded."""
    if not isinstance(data, dict):
        return [("data", _plain(data))] if data else []
    return [(key.replace("_", " "), _plain(value)) for key, value in data.items()]


def _actions(data: dict) -> str:
    actions = data.get("actions") or []
    return ", ".join(str(a).replace("_", " ") for a in actions) if actions else "no action"


# What each event on a case says, in a moderator's words; the event's data stays available below it.
_SENTENCES = {
    "case.opened": lambda d: f"opened by report {d.get('report', '?')} ({d.get('category', '?')})",
    "case.opened_by_lineage": lambda d: "opened because a model it is built on was acted on",
    "case.claim": lambda d: "claimed",
    "case.claim_escalated": lambda d: "claimed from the escalations",
    "case.release": lambda d: "released to the queue",
    "case.reassign": lambda d: f"handed to {d.get('assignee', 'another moderator')}",
    "case.escalate": lambda d: (
        f"escalated{' to ' + str(d['escalated_to']) if d.get('escalated_to') else ''}"
        + (f": {d['escalation_reason']}" if d.get("escalation_reason") else "")
    ),
    "case.propose": lambda d: f"proposed: {_actions(d)}; waits for a second moderator",
    "case.send_back": lambda d: "sent back by the second moderator",
    "case.approve": lambda d: "approved by a second moderator",
    "case.reopen": lambda d: "reopened",
    "case.surge_detected": lambda d: "many distinct reporters in a short time: possible brigading",
    "case.question_asked": lambda d: f"asked the uploader (answer due {str(d.get('answer_due_at', ''))[:16]})",
    "case.question_answered": lambda d: "the uploader answered",
}


@register.filter
def audit_sentence(event) -> str:
    """An event as a moderator would say it: "claimed", "decided: delist; policy harmful-use"."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.verb == "case.resolve":
        if data.get("outcome") == "dismissed":
            return "dismissed" + (f": {data['reason']}" if data.get("reason") else "")
        ground = f"; {data['ground']}" if data.get("ground") else ""
        intent = f"; intent {data['intent']}" if data.get("intent") else ""
        return f"decided: {_actions(data)}{ground}{intent}"
    sentence = _SENTENCES.get(event.verb)
    if sentence is not None:
        return sentence(data)
    return event.verb.replace(".", ": ", 1).replace("_", " ")
