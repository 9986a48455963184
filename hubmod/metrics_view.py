"""/metrics for Prometheus, behind a bearer token once METRICS_TOKEN is set.

The figures (queue sizes, appeals open, enforcement failing) are the operator's, not the public's.
Prometheus sends the token with `authorization: {credentials: ...}` in its scrape config.
"""

import hmac

from django.conf import settings
from django.http import HttpResponse
from django_prometheus.exports import ExportToDjangoView


def metrics(request):
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            response = HttpResponse("Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return ExportToDjangoView(request)
