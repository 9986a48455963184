"""ClamAV on the health page (/health/, django-health-check).

With SCAN_CLAMD_ADDRESS set, the check PINGs clamd and fails while clamd does not answer: files
would then be recorded with an error verdict, so the page must say why. Unset, ClamAV is off by
choice and the check passes, but says so in its name, the one text django-health-check shows for a
check that passes (4.8.0 has no passing state with a message: a ServiceWarning is an error, and the
view answers 500 for any error, which would take the whole service out of a load balancer for a
scanner the operator chose not to run).
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from scanning.analysis.clamav import Clamd, ClamdUnavailable

PING_TIMEOUT_SECONDS = 3.0


def _configured_address() -> str:
    return str(getattr(settings, "SCAN_CLAMD_ADDRESS", "") or "")


@dataclasses.dataclass
class ClamdCheck(HealthCheck):
    # Read when the page is asked for, so a changed setting shows without a restart of the check.
    address: str = dataclasses.field(default_factory=_configured_address)
    timeout = datetime.timedelta(seconds=PING_TIMEOUT_SECONDS + 1)

    def __repr__(self) -> str:
        if not self.address:
            return "ClamAV (not configured: SCAN_CLAMD_ADDRESS is unset, files are not scanned for malware)"
        return f"ClamAV (clamd at {self.address})"

    def run(self) -> None:
        if not self.address:
            return
        try:
            Clamd(self.address, timeout=PING_TIMEOUT_SECONDS).ping()
        except (ClamdUnavailable, ValueError) as error:
            raise ServiceUnavailable(str(error)) from error
