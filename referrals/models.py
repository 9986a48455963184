"""Referrals of restricted cases to authorities, and the evidence preservation holds that keep
their evidence from the retention purge while they stand."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from hubmod.db import TimestampedModel
from moderation.models import Case


class Referral(TimestampedModel):
    """A record that a case was referred to an authority, and what was preserved when it was.

    Kept as made: a referral is a fact about the past, so it has no states and is never edited.
    """

    class Authority(models.TextChoices):
        NCMEC = "ncmec_cybertipline", "NCMEC CyberTipline"
        IWF = "iwf", "Internet Watch Foundation"
        EUROPOL = "europol", "Europol"
        NATIONAL_POLICE = "national_police", "National police"
        OTHER = "other", "Another authority (named)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    authority = models.CharField(max_length=32, choices=Authority.choices)
    # Which police force, which country's hotline: required for national_police and other.
    authority_name = models.CharField(max_length=200, blank=True)
    referred_at = models.DateField()
    reference = models.CharField(max_length=200, help_text="The authority's report or ticket number.")
    notes = models.TextField(blank=True)
    # What was preserved when the referral was made: reports, evidence digests and sizes, and the
    # subject's revision and file list. A snapshot, so later changes never rewrite it.
    preserved = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authority__in=["ncmec_cybertipline", "iwf", "europol"]) | ~Q(authority_name=""),
                name="referral_names_its_authority",
            ),
        ]
        permissions = [
            ("view_restricted_evidence", "Read evidence of restricted cases (child safety, escalated to legal)"),
            ("export_referral_packet", "Export a referral packet with its evidence"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} of case {self.case_id} to {self.authority_label}"

    @property
    def authority_label(self) -> str:
        return self.authority_name or self.get_authority_display()


class PreservationHold(ConcurrentTransitionMixin, TimestampedModel):
    """While a hold stands on a case, nothing purges that case's evidence."""

    class State(models.TextChoices):
        ACTIVE = "active"
        RELEASED = "released"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="preservation_holds")
    # Set when the hold was placed by a referral; blank when placed by hand.
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="preservation_holds"
    )
    state = FSMField(default=State.ACTIVE, choices=State.choices, protected=True)
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["case"], condition=Q(state="active"), name="hold_active_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="active", released_at__isnull=True) | Q(state="released", released_at__isnull=False),
                name="hold_released_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Preservation hold {self.pk} on case {self.case_id} ({self.state})"

    @transition(field=state, source=State.ACTIVE, target=State.RELEASED, permission="referrals.change_preservationhold")
    def release(self, *, by, at, reason: str) -> None:
        self.released_by = by
        self.released_at = at
        self.release_reason = reason
