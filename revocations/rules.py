"""What an applied enforcement action publishes in the feed: the one place these rules live.

- quarantine, disable, remove: the repository, `hard` (must not be loaded);
- delist, label: the repository, `soft` (a loader warns);
- remove_files: `hard`, one entry per removed file's sha256 when the case names its files (its
  reports' digests, or the digest of a reported path in the repository's file list), otherwise the
  repository at the revision;
- rollback (a compromised account's repository put back to the last revision before the
  compromise): `hard`, one entry per revision the hub first published since the compromise, other
  than the one rolled back to: nobody may trust what the intruder pushed;
- warn, gate, and the account actions (secure_account too): nothing (the files are not in question).
A repository's entry names the case's reported revision, or else the repository's head revision
when the hub acknowledged the action; with neither, it covers the repository whatever the revision.
A reversal publishes the lift of each entry the action it undoes published.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.models import RepositoryFile, RepositoryRevision
from moderation.models import Case, EnforcementAction
from revocations.models import Severity

Kind = EnforcementAction.Kind

SEVERITY_OF_KIND: dict[str, Severity] = {
    Kind.QUARANTINE: Severity.HARD,
    Kind.DISABLE: Severity.HARD,
    Kind.REMOVE: Severity.HARD,
    Kind.REMOVE_FILES: Severity.HARD,
    Kind.ROLLBACK: Severity.HARD,
    Kind.DELIST: Severity.SOFT,
    Kind.LABEL: Severity.SOFT,
}
# Kinds absent from SEVERITY_OF_KIND publish nothing: listed here so a new kind is a decision, not
# an oversight (tests/revocations/test_rules.py checks every kind is in one of the two).
PUBLISHES_NOTHING = frozenset({Kind.WARN, Kind.GATE, Kind.RESTRICT_ACCOUNT, Kind.SUSPEND_ACCOUNT, Kind.SECURE_ACCOUNT})


@dataclass(frozen=True)
class Target:
    """What one entry is about: a repository (at a revision, or whole) or one file's bytes."""

    repository: str
    revision: str  # "" when neither the case nor the repository knew one
    sha256: str  # "" unless the entry is about one file's bytes


def targets_of(action: EnforcementAction, case: Case) -> list[Target]:
    """The entries a forward action publishes, [] for a kind that publishes none or an account's case."""
    if action.kind not in SEVERITY_OF_KIND or case.repository is None:
        return []
    repository = case.repository
    if action.kind == Kind.ROLLBACK:
        return [Target(repository.full_name, revision, "") for revision in rolled_back(action, case)]
    revision = case.revision or repository.revision
    if action.kind == Kind.REMOVE_FILES:
        digests = removed_files(case)
        if digests:
            return [Target(repository.full_name, revision, sha256) for sha256 in digests]
    return [Target(repository.full_name, revision, "")]


def removed_files(case: Case) -> list[str]:
    """The sha256 of each file the case's reports name, sorted: a report's own digest, else the
    digest of its path in the repository's file list. Reached through the case's relation, as
    moderation does (DESIGN.md): revocations sits below intake."""
    named = set(case.reports.exclude(path="", file_sha256="").values_list("path", "file_sha256"))
    digests = {sha256 for _, sha256 in named if sha256}
    paths = {path for path, sha256 in named if not sha256}
    if paths:
        digests |= set(
            RepositoryFile.objects.filter(repository=case.repository, path__in=paths).values_list("sha256", flat=True)
        )
    return sorted(d for d in digests if d)


def rolled_back(action: EnforcementAction, case: Case) -> list[str]:
    """The revisions a rollback withdraws: those the hub first published since the compromise the
    decision names, in the order published, but the one it goes back to."""
    since = action.decision.compromised_since
    if since is None:
        return []
    published = (
        RepositoryRevision.objects.filter(repository=case.repository, first_synced_at__gte=since)
        .exclude(revision=action.rollback_to)
        .order_by("first_synced_at", "id")
        .values_list("revision", flat=True)
    )
    return [revision for revision in published if revision]
