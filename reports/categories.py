"""The report categories, defined once.

This definition drives the HTML forms (reports.forms), the API's validation (reports.serializers)
and `GET /api/v1/report-categories`, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

from hubmod.categories import ReportCategory
from reports.checks import acceptable_use_check, license_violation_check

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# "license" is a key of the license catalogue, "license_clause" the id of one of its clauses,
# "policy_section" a section key of the current hub policy, "country" an ISO 3166-1 alpha-2 code.
FieldType = Literal[
    "string", "text", "email", "url", "boolean", "choice", "country", "sha256", "license", "license_clause",
    "policy_section",
]  # fmt: skip
SubjectType = Literal["repository", "account"]
REPOSITORY: SubjectType = "repository"
ACCOUNT: SubjectType = "account"


@dataclass(frozen=True)
class DetailField:
    name: str
    type: FieldType
    label: StrOrPromise
    help: StrOrPromise
    required: bool = True
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    # For a legal statement: the full text, shown beside its checkbox; the box must be ticked.
    statement: StrOrPromise = ""
    max_length: int = 10_000

    @property
    def must_be_true(self) -> bool:
        return bool(self.statement)


@dataclass(frozen=True)
class Category:
    key: str
    label: StrOrPromise
    description: StrOrPromise
    subject_types: tuple[SubjectType, ...]
    fields: tuple[DetailField, ...]
    # "optional": anonymous allowed; "required": name and e-mail are legal elements of the notice.
    reporter_identity: Literal["optional", "required"] = "optional"
    # Shown under the identity fields: why we ask, or why nobody has to say who they are.
    identity_note: StrOrPromise = ""
    legal_basis: StrOrPromise = ""
    # Whether reporters may attach files. Never for child safety: the material must not be copied.
    accepts_evidence: bool = True
    # Checks that need the subject: (cleaned details, repository or account) -> {field: [messages]}.
    # The subject is Any because its model follows from subject_types, which a type cannot say.
    check: Callable[[dict[str, Any], Any], dict[str, list[str]]] | None = None


DMCA_GOOD_FAITH = _(
    "I have a good faith belief that use of the copyrighted material described above is not "
    "authorized by the copyright owner, its agent, or the law."
)
DMCA_ACCURACY = _("I swear, under penalty of perjury, that the information in this notification is accurate.")
DMCA_AUTHORIZED = _(
    "I swear, under penalty of perjury, that I am the copyright owner or am authorized to act on "
    "behalf of the owner of an exclusive right that is allegedly infringed."
)

COPYRIGHT = Category(
    key=ReportCategory.COPYRIGHT.value,
    label=ReportCategory.COPYRIGHT.label,
    description=(
        _(
            "A repository or account reproduces a work you own the copyright in, or act for the owner of, "
            "without permission."
        )
    ),
    subject_types=(REPOSITORY, ACCOUNT),
    legal_basis="17 U.S.C. 512(c)(3)",
    fields=(
        DetailField(
            "copyrighted_work",
            "text",
            _("The copyrighted work"),
            _("Identify the work you say is infringed: its title, and where the original can be seen."),
        ),
        DetailField(
            "infringing_location",
            "string",
            _("Where the infringing material is"),
            _("The exact location: the file path in the repository, and the line range if it is part of a file."),
            max_length=2000,
        ),
        DetailField(
            "contact_name", "string", _("Your full name"), _("The person sending this notice."), max_length=200
        ),
        DetailField("contact_email", "email", _("Your e-mail address"), _("Where we and the uploader can reach you.")),
        DetailField(
            "contact_address", "text", _("Your postal address"), _("A postal address, with country."), max_length=1000
        ),
        DetailField(
            "good_faith_statement",
            "boolean",
            _("Good faith statement"),
            _("Required by law."),
            statement=DMCA_GOOD_FAITH,
        ),
        DetailField(
            "accuracy_statement", "boolean", _("Accuracy statement"), _("Required by law."), statement=DMCA_ACCURACY
        ),
        DetailField(
            "authorized_to_act", "boolean", _("Authority statement"), _("Required by law."), statement=DMCA_AUTHORIZED
        ),
        DetailField(
            "signature",
            "string",
            _("Signature"),
            _("Type your full legal name as your electronic signature."),
            max_length=200,
        ),
    ),
)

DSA_BONA_FIDE = _(
    "I confirm that I believe in good faith that the information and allegations in this notice are "
    "accurate and complete."
)

ILLEGAL_CONTENT = Category(
    key=ReportCategory.ILLEGAL_CONTENT.value,
    label=ReportCategory.ILLEGAL_CONTENT.label,
    description=(
        _(
            "Content that is illegal under EU or national law. This form collects the elements of a notice "
            "under Article 16(2) of the Digital Services Act: why it is illegal, where exactly it is, who you "
            "are, and a statement of good faith."
        )
    ),
    subject_types=(REPOSITORY, ACCOUNT),
    legal_basis=_("Regulation (EU) 2022/2065, Art. 16"),
    reporter_identity="required",
    identity_note=_(
        "The Digital Services Act requires your name and e-mail in a notice (except for child "
        "sexual abuse material, which you can report anonymously under 'Child safety')."
    ),
    fields=(
        DetailField(
            "explanation",
            "text",
            _("Why it is illegal"),
            _("A substantiated explanation: what the content is and why you consider it illegal."),
        ),
        DetailField(
            "exact_location",
            "url",
            _("Exact location (URL)"),
            _("The full address of the content on the hub: the file, the line range or the page of the demo."),
            max_length=2000,
        ),
        DetailField(
            "legal_ground",
            "string",
            _("The law it breaks"),
            _("The provision of law, e.g. 'German Criminal Code § 130' or 'GDPR Art. 9'."),
            max_length=500,
        ),
        DetailField(
            "country", "country", _("Country"), _("Where the content is illegal (the country whose law applies).")
        ),
        DetailField(
            "bona_fide_statement", "boolean", _("Statement of good faith"), _("Required."), statement=DSA_BONA_FIDE
        ),
    ),
)

PRIVATE_INFORMATION = Category(
    key=ReportCategory.PRIVATE_INFORMATION.value,
    label=ReportCategory.PRIVATE_INFORMATION.label,
    description=(
        _(
            "Personal data published without a lawful basis, or credentials and secret keys that put people or "
            "systems at risk."
        )
    ),
    subject_types=(REPOSITORY, ACCOUNT),
    fields=(
        DetailField(
            "information_kind",
            "choice",
            _("What kind of information"),
            _("Choose the closest."),
            choices=(
                ("personal_data", _("Personal data about people")),
                ("credentials", _("Passwords or access tokens")),
                ("secret_keys", _("Private or API keys")),
                ("other", _("Other confidential information")),
            ),
        ),
        DetailField(
            "location",
            "string",
            _("Where it is"),
            _("The file path and line range, or the part of the demo, where the information appears."),
            max_length=2000,
        ),
        DetailField("explanation", "text", _("What it is"), _("Describe it without repeating the secret itself.")),
        DetailField(
            "is_data_subject",
            "boolean",
            _("It is about me"),
            _("Tick if the personal data is about you."),
            required=False,
        ),
    ),
)

MALICIOUS_CODE = Category(
    key=ReportCategory.MALICIOUS_CODE.value,
    label=ReportCategory.MALICIOUS_CODE.label,
    description=(
        _(
            "Files that run harmful code when loaded, such as a pickle with a payload, or malware. Good-faith "
            "security research is welcome: tick the box and it goes to the security team, never against you."
        )
    ),
    subject_types=(REPOSITORY,),
    fields=(
        DetailField(
            "location",
            "string",
            _("File path"),
            _("The path of the file in the repository, e.g. model.pkl."),
            max_length=1024,
        ),
        DetailField(
            "behaviour",
            "text",
            _("What it does"),
            _("What happens when the file is loaded or run, and how you found out."),
        ),
        DetailField(
            "sha256", "sha256", _("SHA-256 of the file"), _("64 hexadecimal digits, if you have it."), required=False
        ),
        DetailField(
            "security_research",
            "boolean",
            _("This is good-faith security research"),
            _("Tick if you are reporting a vulnerability you found as a researcher."),
            required=False,
        ),
    ),
)

CHILD_SAFETY = Category(
    key=ReportCategory.CHILD_SAFETY.value,
    label=ReportCategory.CHILD_SAFETY.label,
    description=(
        _(
            "Child sexual abuse material, or a model, dataset or demo made to produce it or to harm children. "
            "Do not attach or copy the material. We act at once and refer it to the authorities."
        )
    ),
    subject_types=(REPOSITORY, ACCOUNT),
    accepts_evidence=False,
    identity_note=_("You do not have to say who you are to report this."),
    fields=(
        DetailField(
            "location",
            "string",
            _("Where it is"),
            _("The file path, dataset split or demo page. Do not paste or describe the material in detail."),
            max_length=2000,
        ),
        DetailField("explanation", "text", _("What you saw"), _("A short description of why you are concerned.")),
    ),
)

ACCEPTABLE_USE = Category(
    key=ReportCategory.ACCEPTABLE_USE.value,
    label=ReportCategory.ACCEPTABLE_USE.label,
    description=_("A model, dataset, demo or account that breaks a section of the hub's published policy."),
    subject_types=(REPOSITORY, ACCOUNT),
    check=acceptable_use_check,
    fields=(
        DetailField(
            "policy_section", "policy_section", _("Policy section"), _("The section of the hub's policy it breaks.")
        ),
        DetailField("explanation", "text", _("How it breaks it"), _("What you saw, and where exactly.")),
    ),
)

SPAM = Category(
    key=ReportCategory.SPAM.value,
    label=ReportCategory.SPAM.label,
    description=_("Repetitive, misleading or promotional uploads, or manipulation of the hub's metrics."),
    subject_types=(REPOSITORY, ACCOUNT),
    fields=(
        DetailField(
            "explanation", "text", _("What is wrong"), _("What you saw, and where. Links to similar uploads help.")
        ),
    ),
)

OTHER = Category(
    key=ReportCategory.OTHER.value,
    label=ReportCategory.OTHER.label,
    description=_("Anything that breaks the hub's rules and fits no other category."),
    subject_types=(REPOSITORY, ACCOUNT),
    fields=(
        DetailField(
            "explanation",
            "text",
            _("What is wrong"),
            _("Tell us what you saw, where exactly, and why you think it breaks the rules."),
        ),
    ),
)

LICENSE_VIOLATION = Category(
    key=ReportCategory.LICENSE_VIOLATION.value,
    label=ReportCategory.LICENSE_VIOLATION.label,
    description=(
        _(
            "A repository breaks a term of its own license, such as a use restriction or an attribution "
            "requirement. Cite the clause from the list of licenses the hub acts on."
        )
    ),
    subject_types=(REPOSITORY,),
    check=license_violation_check,
    fields=(
        DetailField(
            "license",
            "license",
            _("The repository's license"),
            _("The license key the repository is published under, as shown on the hub (e.g. llama3.1)."),
            max_length=64,
        ),
        DetailField(
            "clause",
            "license_clause",
            _("The clause it breaks"),
            _("Choose the clause from the list of licenses the hub acts on."),
        ),
        DetailField(
            "explanation",
            "text",
            _("How it breaks the clause"),
            _("What in the repository (files, model card, demo) shows the clause is broken."),
        ),
    ),
)

CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        COPYRIGHT, ILLEGAL_CONTENT, LICENSE_VIOLATION, PRIVATE_INFORMATION, MALICIOUS_CODE, CHILD_SAFETY,
        ACCEPTABLE_USE, SPAM, OTHER,
    )
}  # fmt: skip


def category_get(key: str) -> Category | None:
    return CATEGORIES.get(key)
