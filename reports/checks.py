"""Category checks that need the reported subject, run after the fields themselves are valid."""

from __future__ import annotations

from hub.models import Repository
from licenses.models import License, LicenseClause
from policy.selectors import policy_current, policy_section_current

# What a reporter can still do when a license's terms are not something the hub acts on.
OPEN_CATEGORIES = "copyright, acceptable use, illegal content, malicious code, private information or child safety"


def not_actionable_explanation(license_key: str, license_: License | None) -> str:
    """The same answer every time a report cites a license the hub does not act on."""
    why = license_.rationale if license_ else "It is not in the hub's license catalogue."
    return (
        f"The hub does not act on the terms of the '{license_key}' license. {why} "
        f"If the repository is harmful in itself, report it as {OPEN_CATEGORIES} instead."
    )


def license_violation_check(details: dict, repository: Repository) -> dict[str, list[str]]:
    key = details["license"]
    if key != repository.license_key:
        published = f"'{repository.license_key}'" if repository.license_key else "no license"
        return {
            "license": [
                f"{repository.full_name} is published under {published}, not '{key}'. "
                "A license violation report must cite the repository's own license."
            ]
        }
    license_ = License.objects.filter(key=key).first()
    if license_ is None or not license_.actionable:
        return {"license": [not_actionable_explanation(key, license_)]}
    clause = LicenseClause.objects.filter(pk=details["clause"], license=license_).first()
    if clause is None or not clause.actionable:
        refs = ", ".join(f"{c.ref} (id {c.pk})" for c in license_.clauses.filter(actionable=True).order_by("ref"))
        problem = "is not a clause of" if clause is None else "is a clause the hub does not act on in"
        return {
            "clause": [
                f"Clause {details['clause']} {problem} '{key}'. The clauses the hub acts on are: {refs}. "
                "See /licenses/ for what each means."
            ]
        }
    return {}


def acceptable_use_check(details: dict, subject) -> dict[str, list[str]]:
    if policy_section_current(key=details["policy_section"]) is None:
        policy = policy_current()
        keys = ", ".join(policy.sections.order_by("key").values_list("key", flat=True)) if policy else ""
        return {
            "policy_section": [f"'{details['policy_section']}' is not a section of the current policy: use {keys}."]
        }
    return {}
