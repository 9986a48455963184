"""Dispatching Celery tasks from services: after commit, and never at the cost of the request.

The database is the source of truth. If the broker cannot take a task, the row that needs the
work is already committed; the periodic sweepers find work left undone (pending enforcement,
unsent notices) and dispatch it again. So a failed publish is logged, not turned into a 500 for
a write that already happened.
"""

import logging
import random

from django.db import transaction
from kombu.exceptions import OperationalError

from hubmod.celery import app

logger = logging.getLogger(__name__)


def dispatch_now(task_name: str, *args, countdown: float | None = None) -> bool:
    try:
        # celery-types say float; Celery's own default is None, "now".
        app.tasks[task_name].apply_async(args=args, countdown=countdown)  # type: ignore[arg-type]
    except (OperationalError, OSError):
        logger.warning("The broker did not take %s for %r; left to the sweeper.", task_name, args[:1], exc_info=True)
        return False
    return True


def dispatch_on_commit(task_name: str, *args) -> None:
    transaction.on_commit(lambda: dispatch_now(task_name, *args))


def retry_backoff(attempt: int, *, base: float, cap: float = 3600.0) -> float:
    """Seconds before attempt `attempt + 1` of an outbound send (the hub's webhook, the audit
    checkpoint's endpoint): exponential from `base`, capped, with jitter so retries do not bunch."""
    return min(cap, base * 2 ** (attempt - 1)) + random.uniform(0, base)
