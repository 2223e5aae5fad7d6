"""The unsubscribe link of announcements (RFC 8058): GET shows a button (mail scanners follow
links, and must not unsubscribe anyone); POST with ``List-Unsubscribe=One-Click`` (the mail
client's one click, or the button) unsubscribes, without a CSRF token (the mail client has
none: the signed token in the address is the authority)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events.exceptions import EventsError, UnsubscribeLinkInvalid
from events.services.announcements import (
    registration_from_unsubscribe_token,
    registration_unsubscribe,
)


class OneClickMissing(UnsubscribeLinkInvalid):
    code = "one_click_missing"
    message = _("This request does not say “List-Unsubscribe=One-Click”: nothing was changed.")
    http_status = 400


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        if request.method == "POST":
            if request.POST.get("List-Unsubscribe") != "One-Click":
                raise OneClickMissing()
            registration = registration_unsubscribe(token=token)
            return render(request, "events/unsubscribed.html", {"registration": registration})
        registration = registration_from_unsubscribe_token(token)
    except EventsError as error:
        status = getattr(error, "http_status", 400)
        return render(request, "events/link_error.html", {"error": error}, status=status)
    context = {"registration": registration, "event": registration.event}
    return render(request, "events/unsubscribe.html", context)
