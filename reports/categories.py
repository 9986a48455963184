"""The report categories, defined once.

This definition drives the HTML forms (reports.forms), the API's validation (reports.serializers)
and `GET /api/v1/report-categories`, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from reports.checks import license_violation_check

# "license" is a key of the license catalogue; "license_clause" the id of one of its clauses.
FieldType = Literal["string", "text", "email", "boolean", "choice", "license", "license_clause"]
SubjectType = Literal["repository", "account"]
REPOSITORY: SubjectType = "repository"
ACCOUNT: SubjectType = "account"


@dataclass(frozen=True)
class DetailField:
    name: str
    type: FieldType
    label: str
    help: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    # For a legal statement: the full text, shown beside its checkbox; the box must be ticked.
    statement: str = ""
    max_length: int = 10_000

    @property
    def must_be_true(self) -> bool:
        return bool(self.statement)


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    description: str
    subject_types: tuple[SubjectType, ...]
    fields: tuple[DetailField, ...]
    # "optional": anonymous allowed; "required": name and e-mail are legal elements of the notice.
    reporter_identity: Literal["optional", "required"] = "optional"
    legal_basis: str = ""
    # Checks that need the subject: (cleaned details, repository or account) -> {field: [messages]}.
    check: Callable[[dict, object], dict[str, list[str]]] | None = None


DMCA_GOOD_FAITH = (
    "I have a good faith belief that use of the copyrighted material described above is not "
    "authorized by the copyright owner, its agent, or the law."
)
DMCA_ACCURACY = "I swear, under penalty of perjury, that the information in this notification is accurate."
DMCA_AUTHORIZED = (
    "I swear, under penalty of perjury, that I am the copyright owner or am authorized to act on "
    "behalf of the owner of an exclusive right that is allegedly infringed."
)

COPYRIGHT = Category(
    key="copyright",
    label="Copyright infringement (DMCA notice)",
    description=(
        "A repository or account reproduces a work you own the copyright in, or act for the owner of, "
        "without permission. This form collects the elements of a notice under 17 U.S.C. 512(c)(3)."
    ),
    subject_types=(REPOSITORY, ACCOUNT),
    legal_basis="17 U.S.C. 512(c)(3)",
    fields=(
        DetailField(
            "copyrighted_work",
            "text",
            "The copyrighted work",
            "Identify the work you say is infringed: its title, and where the original can be seen.",
        ),
        DetailField(
            "infringing_location",
            "string",
            "Where the infringing material is",
            "The exact location: the file path in the repository, and the line range if it is part of a file.",
            max_length=2000,
        ),
        DetailField("contact_name", "string", "Your full name", "The person sending this notice.", max_length=200),
        DetailField("contact_email", "email", "Your e-mail address", "Where we and the uploader can reach you."),
        DetailField(
            "contact_address", "text", "Your postal address", "A postal address, with country.", max_length=1000
        ),
        DetailField(
            "good_faith_statement", "boolean", "Good faith statement", "Required by law.", statement=DMCA_GOOD_FAITH
        ),
        DetailField("accuracy_statement", "boolean", "Accuracy statement", "Required by law.", statement=DMCA_ACCURACY),
        DetailField(
            "authorized_to_act", "boolean", "Authority statement", "Required by law.", statement=DMCA_AUTHORIZED
        ),
        DetailField(
            "signature",
            "string",
            "Signature",
            "Type your full legal name as your electronic signature.",
            max_length=200,
        ),
    ),
)

OTHER = Category(
    key="other",
    label="Something else",
    description="Anything that breaks the hub's rules and fits no other category.",
    subject_types=(REPOSITORY, ACCOUNT),
    fields=(
        DetailField(
            "explanation",
            "text",
            "What is wrong",
            "Tell us what you saw, where exactly, and why you think it breaks the rules.",
        ),
    ),
)

LICENSE_VIOLATION = Category(
    key="license_violation",
    label="License violation",
    description=(
        "A repository breaks a term of its own license, such as a use restriction or an attribution "
        "requirement. Cite the clause from the list of licenses the hub acts on."
    ),
    subject_types=(REPOSITORY,),
    check=license_violation_check,
    fields=(
        DetailField(
            "license",
            "license",
            "The repository's license",
            "The license key the repository is published under, as shown on the hub (e.g. llama3.1).",
            max_length=64,
        ),
        DetailField(
            "clause",
            "license_clause",
            "The clause it breaks",
            "Choose the clause from the list of licenses the hub acts on.",
        ),
        DetailField(
            "explanation",
            "text",
            "How it breaks the clause",
            "What in the repository (files, model card, demo) shows the clause is broken.",
        ),
    ),
)

CATEGORIES: dict[str, Category] = {c.key: c for c in (COPYRIGHT, LICENSE_VIOLATION, OTHER)}


def category_get(key: str) -> Category | None:
    return CATEGORIES.get(key)
