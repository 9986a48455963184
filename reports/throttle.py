"""Rate limits on filing, per client address and per reporter, with django-ratelimit.

Counters live in the cache (Redis in production), so every web process shares them. A hub's
integration key is not limited per address: it forwards many people's reports from one place.
When the cache is down the limits are not counted and reports are filed: the database, not the
cache, is what must not lose a report, and case merging and surge flags still stand against floods.
"""

import logging

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from hubmod.errors import TooManyRequests

logger = logging.getLogger(__name__)

_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _retry_after(rate: str) -> int:
    return _PERIOD_SECONDS.get(rate.split("/")[1][-1], 3600)


def intake_throttle(request, *, reporter_email: str, from_hub: bool) -> None:
    """Raise TooManyRequests (429) when this address or this reporter has filed too much."""
    rate = settings.REPORT_RATE_PER_ADDRESS
    if not from_hub and _limited(request, group="reports:address", key="ip", rate=rate):
        raise TooManyRequests(
            f"Too many reports from your network address (the limit is {rate.replace('/', ' per ')}). "
            "Nothing more was filed; please try again later.",
            retry_after=_retry_after(rate),
        )
    rate = settings.REPORT_RATE_PER_REPORTER
    if reporter_email and _limited(
        request, group="reports:reporter", key=lambda group, req: reporter_email.lower(), rate=rate
    ):
        raise TooManyRequests(
            f"Too many reports from {reporter_email} (the limit is {rate.replace('/', ' per ')}). "
            "Nothing more was filed; please try again later.",
            retry_after=_retry_after(rate),
        )


def _limited(request, **limit) -> bool:
    try:
        return is_ratelimited(request, increment=True, **limit)
    except (RedisError, OSError):
        logger.warning("The rate limits' cache is down; filing without counting %s.", limit["group"], exc_info=True)
        return False


def client_address(request) -> str:
    return request.META.get(settings.RATELIMIT_IP_META_KEY, "") or ""
