"""The report category keys and their names: written once, here, where every app may import them.

Intake (reports.categories) builds each category's form on these keys; the license catalogue says
which of them a clause can ground; the policy centre names them; the hash lists file under them.
The keys are fixed by API.md: a hub's client sends them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportCategory(models.TextChoices):
    """In the order intake lists them."""

    COPYRIGHT = "copyright", _("Copyright infringement (DMCA notice)")
    ILLEGAL_CONTENT = "illegal_content", _("Illegal content (EU Digital Services Act notice)")
    LICENSE_VIOLATION = "license_violation", _("License violation")
    PRIVATE_INFORMATION = "private_information", _("Private information or secrets")
    MALICIOUS_CODE = "malicious_code", _("Malicious code")
    CHILD_SAFETY = "child_safety", _("Child safety")
    ACCEPTABLE_USE = "acceptable_use", _("Breaks the hub's acceptable use policy")
    SPAM = "spam", _("Spam or manipulation")
    OTHER = "other", _("Something else")


CATEGORY_KEYS: tuple[str, ...] = tuple(ReportCategory.values)
