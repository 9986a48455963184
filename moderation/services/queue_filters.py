"""A moderator's saved views of the queue: named filter sets, their own to make and remove."""

from __future__ import annotations

from django.db import transaction
from django.http import QueryDict

from hubmod.actors import Actor
from hubmod.errors import ApplicationError, NotFound
from moderation.forms import QueueFilterForm
from moderation.models import SavedQueueFilter

SAVED_FILTERS_MAX = 20
# What a saved view keeps of the queue's query: its filters, never a page.
SAVED_KEYS = ("state", "category", "assignee", "overdue", "surge", "scan_verdict")


@transaction.atomic
def saved_filter_save(*, actor: Actor, name: str, query: str) -> SavedQueueFilter:
    """Save (or replace, by name) the queue's current filters under a name of the moderator's."""
    user = actor.person(what="a saved queue view")
    name = name.strip()
    if not name:
        raise ApplicationError("Name the view.", field_errors={"name": ["Name the view."]})
    form = QueueFilterForm(QueryDict(query))
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(str(e) for e in errors)}" for field, errors in form.errors.items())
        raise ApplicationError(f"These filters cannot be saved: {problems}.")
    kept = QueryDict(mutable=True)
    for key in SAVED_KEYS:
        value = form.cleaned_data.get(key)
        if value:
            kept[key] = "on" if value is True else value
    if not kept:
        raise ApplicationError("Choose at least one filter to save: the whole queue needs no name.")
    existing = SavedQueueFilter.objects.select_for_update().filter(user=user)
    if not existing.filter(name=name).exists() and existing.count() >= SAVED_FILTERS_MAX:
        raise ApplicationError(f"You have {SAVED_FILTERS_MAX} saved views already: remove one first.")
    saved, _ = SavedQueueFilter.objects.update_or_create(user=user, name=name, defaults={"query": kept.urlencode()})
    return saved


def saved_filter_delete(*, actor: Actor, filter_id: int) -> None:
    user = actor.person(what="a saved queue view")
    deleted, _ = SavedQueueFilter.objects.filter(pk=filter_id, user=user).delete()
    if not deleted:
        raise NotFound("You have no saved view with this id.")
