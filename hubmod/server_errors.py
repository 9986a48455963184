"""What a request gets when the server, not its input, fails: 503 while the database is away, else 500.

A PostgreSQL restart or failover surfaces as OperationalError or InterfaceError wherever the
request happened to touch the database: in a view, in the session or in a middleware. Django hands
every such uncaught exception to `handler500`, so this is the one place that tells a client "try
again shortly" instead of "we are broken". The pages it renders touch neither the database nor the
session: both may be what is down.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "hubmod cannot reach its database for the moment. Try again in a few seconds."
FAILED = "Something went wrong on our side; it has been logged. Try again, and tell the operator if it goes on."


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request, template_name="500.html"):
    _, exc, _ = sys.exc_info()
    unavailable = database_unavailable(exc)
    status, message = (503, UNAVAILABLE) if unavailable else (500, FAILED)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status)
    else:
        page = loader.get_template("server_error.html").render({"status": status, "message": message})
        response = HttpResponse(page, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
