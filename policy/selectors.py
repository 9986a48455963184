"""Reads of the hub's policy: the version in effect and its sections."""

from __future__ import annotations

from django.utils import timezone

from policy.models import PolicySection, PolicyVersion


def policy_current() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(effective_at__lte=timezone.now()).order_by("-effective_at").first()


def policy_section_current(*, key: str) -> PolicySection | None:
    policy = policy_current()
    if policy is None:
        return None
    return policy.sections.select_related("policy").filter(key=key).first()
