"""The hub's repositories and accounts as hubmod knows them: synced in by the hub, changed by
enforcement only when the hub acknowledges it."""

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from hubmod.db import TimestampedModel
from hubmod.keys import PrefixedKeyGenerator

HANDLE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}"
handle_validator = RegexValidator(
    rf"^{HANDLE_PATTERN}$",
    "Use 1 to 96 letters, digits, '.', '_' or '-', starting with a letter or digit.",
)


class Account(ConcurrentTransitionMixin, TimestampedModel):
    class Standing(models.TextChoices):
        ACTIVE = "active"
        RESTRICTED = "restricted"
        SUSPENDED = "suspended"

    handle = models.CharField(max_length=96, unique=True, validators=[handle_validator])
    display_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    standing = FSMField(default=Standing.ACTIVE, choices=Standing.choices, protected=True)
    # The account's language as the hub knows it (a BCP 47 tag such as "de"); notices use it.
    language = models.CharField(max_length=16, blank=True)
    # The hub's own stable id for the person behind the handle: the same handle with another id is
    # someone else (API.md, protected names). Blank until the hub first sends it.
    hub_id = models.CharField(max_length=128, blank=True)

    class Meta:
        permissions = [("change_standing", "Change an account's standing (enforcement only)")]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @transition(field=standing, source=Standing.ACTIVE, target=Standing.RESTRICTED, permission="hub.change_standing")
    def restrict(self) -> None:
        pass

    @transition(
        field=standing,
        source=[Standing.ACTIVE, Standing.RESTRICTED],
        target=Standing.SUSPENDED,
        permission="hub.change_standing",
    )
    def suspend(self) -> None:
        pass

    @transition(
        field=standing,
        source=[Standing.RESTRICTED, Standing.SUSPENDED],
        target=Standing.ACTIVE,
        permission="hub.change_standing",
    )
    def reinstate(self) -> None:
        pass


class ReviewStatus(models.TextChoices):
    """Whether the hub may list a repository's head revision, as far as review is concerned."""

    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class Repository(ConcurrentTransitionMixin, TimestampedModel):
    class Kind(models.TextChoices):
        MODEL = "model"
        DATASET = "dataset"
        SPACE = "space"

    class Visibility(models.TextChoices):
        LISTED = "listed"
        DELISTED = "delisted"
        DISABLED = "disabled"
        REMOVED = "removed"
        # Kept as it is, nothing downloadable, no push accepted, until the quarantine is lifted.
        QUARANTINED = "quarantined"

    owner = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="repositories")
    name = models.CharField(max_length=96, validators=[handle_validator])
    # "owner/name", kept with the row so lineage and reports can join on the hub's own id.
    full_name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    revision = models.CharField(max_length=64, blank=True)
    license_key = models.CharField(max_length=64, blank=True)
    card = models.TextField(blank=True)
    visibility = FSMField(default=Visibility.LISTED, choices=Visibility.choices, protected=True)
    gated = models.BooleanField(default=False)
    # What the uploader declares the model can do (e.g. "bio", "cyber-offense"); review criteria match on them.
    capability_tags = models.JSONField(default=list, blank=True)
    # The hub asks for a review before listing, whatever the criteria say.
    review_requested = models.BooleanField(default=False)
    # Mirrors of what proactive review decided, so the hub reads them with the repository.
    review_status = models.CharField(max_length=24, choices=ReviewStatus.choices, default=ReviewStatus.NOT_REQUIRED)
    release_stage = models.CharField(max_length=32, blank=True, help_text="Blank: not under a staged release.")

    class Meta:
        verbose_name_plural = "repositories"
        permissions = [("change_visibility", "Change a repository's visibility (enforcement only)")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = f"{self.owner.handle}/{self.name}"
        super().save(*args, **kwargs)

    @transition(
        field=visibility, source=Visibility.LISTED, target=Visibility.DELISTED, permission="hub.change_visibility"
    )
    def delist(self) -> None:
        pass

    @transition(
        field=visibility,
        source=[Visibility.LISTED, Visibility.DELISTED],
        target=Visibility.DISABLED,
        permission="hub.change_visibility",
    )
    def disable(self) -> None:
        pass

    @transition(
        field=visibility,
        source=[Visibility.LISTED, Visibility.DELISTED, Visibility.DISABLED],
        target=Visibility.REMOVED,
        permission="hub.change_visibility",
    )
    def remove(self) -> None:
        pass

    @transition(
        field=visibility,
        source=[Visibility.LISTED, Visibility.DELISTED, Visibility.DISABLED],
        target=Visibility.QUARANTINED,
        permission="hub.change_visibility",
    )
    def quarantine(self) -> None:
        pass

    @transition(
        field=visibility,
        source=[Visibility.DELISTED, Visibility.DISABLED, Visibility.REMOVED, Visibility.QUARANTINED],
        target=Visibility.LISTED,
        permission="hub.change_visibility",
    )
    def reinstate(self) -> None:
        pass


class ScanVerdict(models.TextChoices):
    """What artifact scanning found in a file (API.md), worst last: a revision's verdict is the
    worst of its files' (one not yet scanned keeps it pending; one that could not be scanned is
    worse than one not meant to be)."""

    CLEAN = "clean"
    SKIPPED = "skipped"
    PENDING = "pending"
    ERROR = "error"
    SUSPICIOUS = "suspicious"
    DANGEROUS = "dangerous"


def scan_verdict_worst(verdicts: Iterable[str]) -> str:
    """The worst of these verdicts; clean when there are none (a revision without files)."""
    order = list(ScanVerdict.values)
    return max(verdicts, key=order.index, default=ScanVerdict.CLEAN)


class RepositoryFile(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=1024)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    url = models.URLField(
        max_length=2000, blank=True, help_text="Where hubmod may download the file to scan it (the hub's choice)."
    )
    # A copy of the verdict scanning keeps per content (scanning.FileScan), written by scanning
    # whenever that changes: what the hub's API, the queue's filter and the case page read here
    # without a lower layer reaching up (docs/decisions/scan-verdicts-on-files.md).
    scan_verdict = models.CharField(max_length=16, choices=ScanVerdict.choices, default=ScanVerdict.PENDING)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repository", "path"], name="repository_file_unique_path")]

    def __str__(self) -> str:
        return f"{self.repository}:{self.path}"


class RepositoryRevision(models.Model):
    """A repository's card and file list as a sync described them at one revision.

    The repository and its files rows hold the head only; a report names the revision it saw,
    which may be older by the time a moderator looks. These snapshots let the case page show that
    revision's card and what changed since. A revision hubmod was never told about has none.
    """

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="revisions")
    revision = models.CharField(max_length=64)
    card = models.TextField(blank=True)
    # [{"path", "sha256", "size"}, ...] sorted by path: what the diff compares, without the urls
    # (where to fetch from is the head's business, not part of what the revision is).
    files = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField()
    # When the hub first published this revision; a sync of it again leaves it (a rollback after a
    # compromise goes back to the last revision published before a given time).
    first_synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "revision"], name="repository_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.repository_id}@{self.revision}"


class BaseModelLink(models.Model):
    """`repository` declares `base_full_name` as a base model; the base may not be synced yet."""

    class Relation(models.TextChoices):
        FINETUNE = "finetune"
        ADAPTER = "adapter"
        QUANTIZED = "quantized"
        MERGE = "merge"

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="base_links")
    base_full_name = models.CharField(max_length=200, db_index=True)
    relation = models.CharField(max_length=16, choices=Relation.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repository", "base_full_name"], name="base_model_link_unique")]

    def __str__(self) -> str:
        return f"{self.repository} {self.relation} of {self.base_full_name}"


class HubKeyManager(APIKeyManager):
    key_generator = PrefixedKeyGenerator("hk")


class HubKey(AbstractAPIKey):
    """A hub's integration key; only its hash is stored."""

    objects: ClassVar[HubKeyManager] = HubKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "hub integration key"
        verbose_name_plural = "hub integration keys"


class HubEvent(ConcurrentTransitionMixin, TimestampedModel):
    """A signed webhook other than enforcement (a review outcome, a release stage change).

    An outbox row: written in the transaction that caused it, delivered after commit with a
    `webhook-id` that never changes, so a hub that sees a retry applies it once.
    """

    class Type(models.TextChoices):
        REVIEW_COMPLETED = "review.completed"
        RELEASE_STAGE_CHANGED = "release.stage_changed"

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    type = models.CharField(max_length=32, choices=Type.choices)
    repository = models.ForeignKey(Repository, on_delete=models.PROTECT, related_name="hub_events")
    payload = models.JSONField()
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = FSMField(default=State.PENDING, choices=State.choices, protected=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="hub_event_pending_idx")]
        permissions = [
            ("deliver_hubevent", "Record the hub's answer to an event (system only)"),
            ("retry_hubevent", "Retry a failed hub event"),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.repository_id} ({self.state})"

    @transition(field=state, source=State.PENDING, target=State.DELIVERED, permission="hub.deliver_hubevent")
    def mark_delivered(self, *, at, attempts: int) -> None:
        self.delivered_at = at
        self.attempts = attempts
        self.last_error = ""
        self.next_attempt_at = None

    @transition(field=state, source=State.PENDING, target=State.FAILED, permission="hub.deliver_hubevent")
    def mark_failed(self, *, error: str, attempts: int) -> None:
        self.last_error = error
        self.attempts = attempts
        self.next_attempt_at = None

    @transition(field=state, source=State.FAILED, target=State.PENDING, permission="hub.retry_hubevent")
    def retry(self, *, at) -> None:
        self.attempts = 0
        self.next_attempt_at = at


class NameReservation(TimestampedModel):
    """A name kept from anyone else for a while: a removed repository's, a suspended account's, or
    a handle the hub brought back under another person's hub_id. Pipelines pull models by
    `owner/name`; a name given to someone else would serve them whatever that person uploads."""

    class Kind(models.TextChoices):
        ACCOUNT = "account"
        REPOSITORY = "repository"

    class Reason(models.TextChoices):
        REMOVED = "removed", "the repository was removed"
        SUSPENDED = "suspended", "the account was suspended"
        HUB_ID_CHANGED = "hub_id_changed", "the hub synced the handle with another person's hub_id"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="A handle, or owner/name.")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    # For an account: whose the name is (the hub_id hubmod knew it under), if known.
    hub_id = models.CharField(max_length=128, blank=True)
    reserved_until = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "name"], name="name_reservation_lookup")]
        permissions = [("release_namereservation", "Release a protected name before its reservation ends")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_reason_display()})"
