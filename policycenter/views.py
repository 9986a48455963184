"""The public policy center: what the hub allows, what happens when a rule is broken, and how to
appeal. Thin views: every read is in policycenter.selectors."""

from django.http import Http404
from django.shortcuts import render

from policycenter import selectors


def index(request):
    return render(
        request,
        "policycenter/index.html",
        {
            "policy": selectors.policy_in_effect(),
            "rights": selectors.appeal_rights(),
            "licenses": selectors.actionable_licenses(),
        },
    )


def current(request):
    policy = selectors.policy_in_effect()
    if policy is None:
        raise Http404("No policy has been published yet.")
    return _version_page(request, policy)


def versions(request):
    return render(request, "policycenter/versions.html", {"history": selectors.policy_history()})


def version(request, version: str):
    policy = selectors.policy_version_get(version)
    if policy is None:
        raise Http404("No policy version has this name.")
    return _version_page(request, policy)


def _version_page(request, policy):
    return render(
        request,
        "policycenter/version.html",
        {
            "policy": policy,
            "sections": selectors.policy_sections(policy),
            "changes": selectors.policy_changes(policy),
            "state": selectors.policy_state(policy),
        },
    )


def strikes(request):
    return render(
        request,
        "policycenter/strikes.html",
        {"ladder": selectors.strike_ladder(), "rights": selectors.appeal_rights()},
    )


def appeals(request):
    return render(request, "policycenter/appeals.html", {"rights": selectors.appeal_rights()})


def documentation(request):
    return render(
        request,
        "policycenter/documentation.html",
        {
            "checklist": selectors.documentation_checklist(),
            "criteria": selectors.review_criteria(),
            "stages": selectors.release_stages(),
        },
    )
