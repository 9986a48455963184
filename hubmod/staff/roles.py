"""Staff roles: Django groups and the permissions each holds. `manage.py seed` applies them."""

MODERATOR = "moderators"
APPEAL_REVIEWER = "appeal_reviewers"
HUB_ADMIN = "hub_admins"
LEGAL = "legal"

ROLE_BY_OPTION = {
    "moderator": MODERATOR,
    "appeal_reviewer": APPEAL_REVIEWER,
    "hub_admin": HUB_ADMIN,
    "legal": LEGAL,
}

_MODERATOR_PERMS = [
    "moderation.view_case",
    "moderation.claim_case",
    "moderation.decide_case",
    "moderation.view_decision",
    "moderation.view_enforcementaction",
    "moderation.retry_enforcement",
    "moderation.view_appeal",
    "hub.view_repository",
    "hub.view_account",
    "hub.view_namereservation",
    "licenses.view_license",
    "licenses.view_licenseclause",
    "review.view_review",
    "review.decide_review",
    "review.view_release",
    "scanning.view_filescan",
    "scanning.add_falsepositive",
]
# Appeal reviewers are senior moderators: they also take escalations and reopen cases.
_REVIEWER_PERMS = [
    *_MODERATOR_PERMS,
    "moderation.review_appeal",
    "moderation.handle_escalated_case",
    "moderation.reopen_case",
    "moderation.assign_case",
    "review.advance_release",
]
_ADMIN_PERMS = [
    *_REVIEWER_PERMS,
    "licenses.add_license",
    "licenses.change_license",
    "licenses.add_licenseclause",
    "licenses.change_licenseclause",
    "policy.add_policyversion",
    "policy.change_policyversion",
    "policy.view_policyversion",
    "policy.add_policysection",
    "policy.change_policysection",
    "policy.view_policysection",
    "hub.add_hubkey",
    "hub.view_hubkey",
    "hub.change_hubkey",
    "audit.view_auditevent",
    "moderation.decommission_repository",
    "moderation.resume_automation",
    "moderation.view_automationbreaker",
    "policy.view_noticetemplate",
    "policy.change_noticetemplate",
    "policy.view_slarule",
    "policy.change_slarule",
    "policy.view_strikerule",
    "policy.add_strikerule",
    "policy.change_strikerule",
    "policy.view_statementtemplate",
    "policy.change_statementtemplate",
    "policy.view_messagetemplate",
    "policy.add_messagetemplate",
    "policy.change_messagetemplate",
    "policy.delete_messagetemplate",
    "reports.view_reporter",
    "reports.change_reporter",
    "reports.trust_reporter",
    "reports.view_hashlist",
    "reports.add_hashlist",
    "reports.change_hashlist",
    "reports.add_knownhash",
    "reports.change_knownhash",
    "reports.delete_knownhash",
    "reports.view_evidence",
    "review.view_checklistitem",
    "review.add_checklistitem",
    "review.change_checklistitem",
    "review.view_reviewcriterion",
    "review.add_reviewcriterion",
    "review.change_reviewcriterion",
    "review.view_releasestage",
    "review.add_releasestage",
    "review.change_releasestage",
    "hub.view_hubevent",
    "hub.retry_hubevent",
    "scanning.view_falsepositive",
    "scanning.view_verdictautomation",
    "scanning.add_verdictautomation",
    "scanning.change_verdictautomation",
    "hub.release_namereservation",
]

# Admins oversee: they see that a referral or a preservation hold exists, never restricted evidence.
_ADMIN_PERMS += ["referrals.view_referral", "referrals.view_preservationhold"]
# Legal works restricted cases (child safety, threats to life or safety): what a moderator sees,
# the cases escalated to legal, their evidence (legal's alone), referrals to authorities and
# evidence preservation holds.
_LEGAL_PERMS = [
    *_MODERATOR_PERMS,
    "moderation.handle_escalated_case",
    "referrals.view_restricted_evidence",
    "referrals.view_referral",
    "referrals.add_referral",
    "referrals.export_referral_packet",
    "referrals.view_preservationhold",
    "referrals.add_preservationhold",
    "referrals.change_preservationhold",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    MODERATOR: _MODERATOR_PERMS,
    APPEAL_REVIEWER: _REVIEWER_PERMS,
    HUB_ADMIN: _ADMIN_PERMS,
    LEGAL: _LEGAL_PERMS,
}
