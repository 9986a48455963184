"""Structured logging with structlog: one configuration for web and worker processes.

Every line carries what django-structlog binds per request (request_id, user_id, ip) and what
the code binds itself (an audit event's verb and target, hence the case id); `LOG_FORMAT=json`
renders one JSON object per line for a log pipeline, the default a readable console line.
"""

from typing import Any

import structlog
from structlog.typing import Processor

_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # Plain tracebacks: structlog would use rich where it is installed (schemathesis brings it), and
    # rich prints every frame's local variables (reporters' addresses among them) and takes ~2 s a
    # traceback, which during a database outage is 2 s of a web worker for every failed request.
    console = structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    renderer = structlog.processors.JSONRenderer() if fmt == "json" else console
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
                "foreign_pre_chain": _SHARED,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        # httpx logs each request's full URL at INFO: a hub's signed file URL would put its token in the logs.
        "loggers": {"httpx": {"level": "WARNING"}},
    }
