"""Middleware every request passes: what a stranger can send never reaches a view as a 500."""

import re
from urllib.parse import unquote

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

from core.errors import json_error

#: NUL and the other C0 control characters: no URL of ours has them, PostgreSQL refuses NUL in
#: any text (a 500 in whichever view looked the value up).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """Answer 400 to a path or query string holding a control character (``%00`` and the like),
    before any view looks it up in the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if _CONTROL.search(request.path) or (
            "%" in query and _CONTROL.search(unquote(query.replace("+", " ")))
        ):
            message = _("The address holds characters that no page of this site has.")
            if request.path.startswith("/api/"):
                return json_error("bad_request", message, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
