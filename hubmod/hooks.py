"""How a lower layer tells a higher one that something happened: the one mechanism (DESIGN.md).

Each hook is declared here, with what it carries and when it is sent. The app that owns the event
sends it from a service, explicitly, in the transaction of the write; the apps above register
receivers in their AppConfig.ready(). A receiver runs in that same transaction: it writes what
must land with the event, and dispatches its own app's tasks for anything slow
(hubmod.tasks.dispatch_on_commit). An exception in a receiver rolls the whole write back.

These are Django signals (django.dispatch): the kept mechanism for exactly this, with weak
references off, so a receiver defined in a function stays registered. They are not model signals:
nothing here fires on save(); every send is a line in a service that a grep finds.
docs/decisions/lower-layers-tell-higher-ones-through-hooks.md says why one mechanism, and this one.
"""

from typing import Any

from django.dispatch import Signal

# hub.services.repository_sync, after the hub's description is stored and audited.
# Carries: repository (hub.models.Repository), created (bool), changed (list of field names;
# "files" and "base_models" when those lists were replaced). Receivers: review (scores the card
# and may hold the repository, so the hub's answer says so), reports (checks new files against
# the known-bad hash lists), moderation (a new revision may remedy a reported file).
repository_synced = Signal()

# moderation.services.cases, when a report opens a new case. Carries: case (moderation.models.Case).
# Receivers: review (a severe case halts a staged release).
case_opened = Signal()

# moderation.services.decisions, when a case is dismissed. Carries: decision (moderation.models.Decision).
# Receivers: reports (unfounded notices count against their reporter, DSA Art. 23).
case_dismissed = Signal()

# moderation, when a decision's counted figures change after the day it was made (a proposal
# approved or rejected later, actions replaced on appeal). Carries: decision. Receivers:
# transparency (that day's rollup is stale and is counted again).
decision_changed = Signal()

# moderation's case page, when it shows a case to a staff member: the one hook that reads rather
# than writes. Carries: case (moderation.models.Case), request. A receiver returns the HTML of a
# section to show on the page (rendered from its own template), or None. Receivers: scanning (the
# repository's files, their verdicts and findings, and the false-positive form).
case_shown = Signal()

# transparency, when it counts a period: the accuracy of the automated means the apps above run
# (DSA Art. 15(1)(e)). Carries: since, until (datetimes, until exclusive). A receiver returns
# {means: {"flagged": n, "false_positives": m}}: how many items the means flagged in the period
# and how many of its findings staff marked wrong in it. Receivers: scanning (one entry per scanner).
automated_means_counted = Signal()

# moderation.services.enforcement, once per delivery batch, when the hub has acknowledged actions or
# the reversals of some, after hubmod's copies of their subjects mirror them. Carries: actions (a
# list of moderation.models.EnforcementAction, each now applied, in the order they applied;
# `reverses_id` set on a reversal, whose original is now reverted). Receivers: revocations
# (publishes the entries of repositories taken down, or their lifts).
enforcement_applied = Signal()

# hub.services.namespace_refusal, when a sync would give a reserved name to someone else. Carries:
# subject (hub.models.Repository or Account: what hubmod holds under that name), reservation
# (hub.models.NameReservation), attempted (str: what the hub tried, in words). Receivers: reports
# (files one automated report, so a case opens for a moderator to look).
namespace_reserved = Signal()

ALL = {
    "repository_synced": repository_synced,
    "case_opened": case_opened,
    "case_dismissed": case_dismissed,
    "decision_changed": decision_changed,
    "case_shown": case_shown,
    "automated_means_counted": automated_means_counted,
    "enforcement_applied": enforcement_applied,
    "namespace_reserved": namespace_reserved,
}


def connect(hook: Signal, receiver, *, uid: str) -> None:
    """Register `receiver(**fields)` for `hook`; `uid` keeps a second ready() from adding it twice."""
    hook.connect(lambda sender, signal, **fields: receiver(**fields), weak=False, dispatch_uid=uid)


def sections(hook: Signal, **fields) -> list[Any]:
    """What the receivers of a reading hook returned, in the order they registered; None left out."""
    return [answer for _, answer in hook.send(sender="hooks", **fields) if answer is not None]
