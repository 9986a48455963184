"""Every write of the feed: publishing the entries of an applied action, or the lifts of a reverted
one, with their seqs, canonical bytes and signatures, in the transaction of the hook that said so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from moderation.models import Case, Decision, EnforcementAction
from revocations import feed
from revocations.keys import signing_key
from revocations.models import RevocationEntry, RevocationFeedHead
from revocations.queries import head_move
from revocations.rules import SEVERITY_OF_KIND, targets_of


@dataclass(frozen=True)
class Draft:
    """An entry before it has its seq: the fields it publishes, in the feed's names."""

    repository: str
    revision: str
    sha256: str
    severity: str
    reason: str
    statement_url: str
    revoked_at: datetime
    kind: str
    action_id: int  # the action it comes from
    lifted_at: datetime | None = None
    lifts: int | None = None

    def published_fields(self, seq: int) -> dict[str, Any]:
        """What the entry says, as docs/revocation-feed.md names it; absent members are left out,
        never null, so there is one canonical form per entry."""
        fields: dict[str, Any] = {
            "seq": seq,
            "action": self.kind,
            "repository": self.repository,
            "severity": self.severity,
            "reason": self.reason,
            "statement_url": self.statement_url,
            "revoked_at": feed.timestamp(self.revoked_at),
        }
        if self.revision:
            fields["revision"] = self.revision
        if self.sha256:
            fields["sha256"] = self.sha256
        if self.lifted_at is not None:
            fields["lifted_at"] = feed.timestamp(self.lifted_at)
            fields["lifts"] = self.lifts
        return fields


def revocations_publish(*, actions: list[EnforcementAction]) -> list[RevocationEntry]:
    """Publish what the actions the hub has just acknowledged mean for the feed: the entries of
    each, or for a reversal the lifts of the entries of what it undoes, in the order they applied.
    The caller (moderation's enforcement, through hooks.enforcement_applied, once per delivery
    batch) holds the transaction, so the entries land with the actions' states or not at all. A
    batch reads its cases once, its standing entries once, moves the head once and inserts once:
    per action, bench "enforcement actions applied/s" lost three statements to it. Returns the new
    entries; none when the actions publish nothing."""
    publishing = [a for a in actions if a.kind in SEVERITY_OF_KIND]
    if not publishing:
        return []  # warnings, gates, account actions: known without a query
    forward = [a for a in publishing if a.reverses_id is None]
    cases = {
        decision.pk: decision.case
        for decision in Decision.objects.select_related("case__repository").filter(
            pk__in={a.decision_id for a in forward}
        )
    }
    standing: dict[int, list[RevocationEntry]] = {}
    reversed_ids = [a.reverses_id for a in publishing if a.reverses_id is not None]
    if reversed_ids:
        entries = RevocationEntry.objects.filter(action_id__in=reversed_ids, lifts__isnull=True, lifted_by=None)
        for entry in entries.order_by("seq"):
            standing.setdefault(cast(int, entry.action_id), []).append(entry)
    drafts = [
        draft
        for action in publishing
        for draft in (
            _lifts_of(action, standing.get(action.reverses_id, []))
            if action.reverses_id is not None
            else _entries_of(action, cases[action.decision_id])
        )
    ]
    if not drafts:
        return []
    published = _append(drafts)
    audit.record(
        actor=SYSTEM,
        verb="revocation.published",
        target=published[0],
        data={"seqs": [e.seq for e in published], "actions": sorted({d.action_id for d in drafts})},
    )
    return published


def _entries_of(action: EnforcementAction, case: Case) -> list[Draft]:
    targets = targets_of(action, case)
    if not targets:
        return []
    statement_url = _statement_url(action.decision_id)
    revoked_at = action.applied_at or timezone.now()
    severity = SEVERITY_OF_KIND[action.kind]
    return [
        Draft(
            repository=t.repository,
            revision=t.revision,
            sha256=t.sha256,
            severity=severity,
            reason=case.category,
            statement_url=statement_url,
            revoked_at=revoked_at,
            kind=action.kind,
            action_id=action.pk,
        )
        for t in targets
    ]


def _lifts_of(reversal: EnforcementAction, standing: list[RevocationEntry]) -> list[Draft]:
    """A lift names the same key as what it lifts, keeps its severity, reason, statement and
    revocation time, and says which seq it lifts and when."""
    lifted_at = reversal.applied_at or timezone.now()
    return [
        Draft(
            repository=entry.repository,
            revision=entry.revision,
            sha256=entry.sha256,
            severity=entry.severity,
            reason=entry.reason,
            statement_url=entry.statement_url,
            revoked_at=entry.revoked_at,
            kind=reversal.kind,
            action_id=reversal.pk,
            lifted_at=lifted_at,
            lifts=entry.seq,
        )
        for entry in standing
    ]


def _statement_url(decision_id: int) -> str:
    """The decision's public statement of reasons (transparency's page). Never the uploader's
    notice, which the webhook links: its token is their appeal credential, and the feed is public."""
    return str(settings.BASE_URL) + reverse("transparency-statement", args=[f"hubmod-decision-{decision_id}"])


def _append(drafts: list[Draft]) -> list[RevocationEntry]:
    """Number, sign and store entries after the feed's head. Moving the head locks it until commit
    (revocations.queries), so concurrent publishers take seqs in commit order and none is skipped or
    used twice, and a rollback takes back the seqs with the entries; on SQLite, whose writers hold
    the database's write lock (transaction_mode IMMEDIATE), the same holds."""
    key = signing_key()
    last = head_move(len(drafts))
    if last is None:
        _head_restored()
        last = head_move(len(drafts))
    first = cast(int, last) - len(drafts) + 1
    entries = []
    for seq, draft in enumerate(drafts, start=first):
        canonical = feed.entry_canonical(draft.published_fields(seq))
        entries.append(
            RevocationEntry(
                seq=seq,
                repository=draft.repository,
                revision=draft.revision,
                sha256=draft.sha256,
                severity=draft.severity,
                reason=draft.reason,
                statement_url=draft.statement_url,
                # As published: to the second.
                revoked_at=draft.revoked_at.replace(microsecond=0),
                lifted_at=draft.lifted_at.replace(microsecond=0) if draft.lifted_at else None,
                lifts_id=draft.lifts,
                action_id=draft.action_id,
                canonical=canonical.decode(),
                signature=feed.entry_sign(canonical, key),
                key_id=key.key_id,
            )
        )
    return RevocationEntry.objects.bulk_create(entries)


def _head_restored() -> None:
    """The head row, recreated from the last entry if it is missing (an emptied test database)."""
    last = RevocationEntry.objects.aggregate(last=Max("seq"))["last"] or 0
    try:
        with transaction.atomic():
            RevocationFeedHead.objects.create(pk=1, seq=last)
    except IntegrityError:
        pass  # another writer restored it first


def revocations_resign() -> int:
    """After a key rotation: sign every entry signed by another key again with the current one, so
    the whole feed verifies with the key now published. Returns how many were signed again."""
    key = signing_key()
    count = 0
    stale = RevocationEntry.objects.exclude(key_id=key.key_id).values_list("pk", "canonical")
    for pk, canonical in stale.iterator(chunk_size=2000):
        # An update of the signature alone: the entry's content, and so its canonical bytes, stay.
        RevocationEntry.objects.filter(pk=pk).update(
            signature=feed.entry_sign(canonical.encode(), key), key_id=key.key_id
        )
        count += 1
    return count
