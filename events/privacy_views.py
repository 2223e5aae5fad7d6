"""The guest's own rights on the private manage page (Decree 13/2023/NĐ-CP): give consent,
download their data, delete their registration; and the page a manage link shows once the data
behind it is deleted."""

import functools
import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.activity import Actor
from events import selectors
from events.models import Registration
from events.privacy_forms import ConsentForm
from events.services.privacy import (
    registration_consent,
    registration_erase,
    registration_personal_data,
)


def unless_erased(view):
    """Wrap a manage page: once the registration's personal data is deleted (at the guest's
    request or after the retention period), its link answers 410 with a page that says so."""

    @functools.wraps(view)
    def wrapped(request, secret: str, *args, **kwargs):
        registration = selectors.registration_by_manage_secret(secret)
        if registration is not None and registration.purged_at is not None:
            context = {"registration": registration, "event": registration.event}
            response = render(request, "events/manage_gone.html", context, status=410)
            add_never_cache_headers(response)
            return response
        return view(request, secret, *args, **kwargs)

    return wrapped


def _live_data(secret: str) -> Registration:
    registration = selectors.registration_by_manage_secret(secret)
    if registration is None:
        raise Http404(_("This link is not valid."))
    return registration


@never_cache
@require_http_methods(["GET", "POST"])
@unless_erased
def manage_consent(request, secret: str):
    """A guest registered by someone else gives their consent (the manage page's box)."""
    registration = _live_data(secret)
    if registration.consent_at is not None:
        return redirect("events:manage", secret=secret)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        registration_consent(registration=registration, by=Actor.attendee())
        messages.success(request, _("Thank you: your consent is recorded."))
        return redirect("events:manage", secret=secret)
    context = {"registration": registration, "event": registration.event, "form": form}
    return render(request, "events/manage_consent.html", context)


@never_cache
@unless_erased
def manage_data(request, secret: str):
    """Download my data: everything we hold about the guest, as a JSON attachment."""
    registration = _live_data(secret)
    data = registration_personal_data(registration=registration, by=Actor.attendee())
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{registration.event.slug}-registration-{registration.pk}.json"
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@unless_erased
def manage_erase(request, secret: str):
    """Delete my registration: a confirmation page, then the erasure (not a mere cancel)."""
    registration: Registration = _live_data(secret)
    if request.method == "POST":
        registration_erase(registration=registration, by=Actor.attendee())
        return redirect("events:manage", secret=secret)
    context = {"registration": registration, "event": registration.event}
    return render(request, "events/manage_erase.html", context)
