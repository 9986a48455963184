"""Rate limits on filing, per client address and per reporter, with django-ratelimit.

Counters live in the cache (Redis in production), so every web process shares them. A hub's
integration key is not limited per address: it forwards many people's reports from one place.
When the cache is down the limits are not counted and reports are filed: the database, not the
cache, is what must not lose a report, and case merging and surge flags still stand against floods.
"""

import ipaddress
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
    if not from_hub and _limited(request, group="reports:address", key=_address_bucket, rate=rate):
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
    """The client's address where RATELIMIT_IP_META_KEY says it is; "" when it is absent or no address."""
    address = _client_ip(request)
    return str(address) if address is not None else ""


def _client_ip(request) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """From a list (X-Forwarded-For: "client, proxy"), the last entry: the one our own proxy wrote,
    which the client cannot forge. What the client puts before it is its own to invent."""
    raw = request.META.get(settings.RATELIMIT_IP_META_KEY, "") or ""
    try:
        return ipaddress.ip_address(raw.rsplit(",", 1)[-1].strip())
    except ValueError:
        return None


def _address_bucket(group, request) -> str:
    """What the per-address limit counts: the address, an IPv6 client's /64 (one host holds a whole
    /64), and one shared bucket for requests without a readable address (a misconfigured proxy
    header, a unix socket): django-ratelimit's own "ip" key answers those with an exception, a 500."""
    address = _client_ip(request)
    if address is None:
        logger.warning(
            "No client address in %s; counting the report as from an unknown address.", settings.RATELIMIT_IP_META_KEY
        )
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
