"""Refuse a request before anything reads its body: larger than MAX_REQUEST_BYTES, or not in UTF-8."""

import codecs
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.http import parse_header_parameters

UTF8_SUPERSETS = frozenset({"utf-8", "ascii"})


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            message = f"The request is larger than {limit // (1024 * 1024)} MB; send smaller or fewer files."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def utf8_only(application):
    """Wrap a WSGI application so that a request naming a charset other than UTF-8 is refused.

    Django decodes the body, and the query string, in the charset the Content-Type names, and any but
    UTF-8 fails somewhere inside it with a 500: a urlencoded body in Latin-1, a "charset" such as
    rot13 that Python finds but cannot decode text with (that one fails while Django builds the
    request, before any middleware runs, hence a WSGI wrapper). Browsers send a UTF-8 page's forms
    in UTF-8, and JSON is UTF-8 by definition."""

    def guarded(environ, start_response):
        _, parameters = parse_header_parameters(environ.get("CONTENT_TYPE", ""))
        charset = parameters.get("charset")
        if charset is None or _is_utf8(charset):
            return application(environ, start_response)
        message = f"Send the request in UTF-8: charset={charset[:40]!r} is not accepted."
        if environ.get("PATH_INFO", "").startswith("/api/"):
            body, content_type = json.dumps({"detail": message}).encode(), "application/json"
        else:
            body, content_type = message.encode(), "text/plain; charset=utf-8"
        start_response("400 Bad Request", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return guarded


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name in UTF8_SUPERSETS
    except LookupError:
        return False
