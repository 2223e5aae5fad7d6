"""The WSGI application: the site, and a lean path for paired scanning devices.

A scanning device sends ``Authorization: Bearer <token>`` to ``/api/`` and never a cookie, so the
middleware that serves browsers (static files, sessions, CSRF, authentication, messages, Wagtail's
redirects) has nothing to do for it; the door scan is the hot path (``bench/checkin.py``), and
those layers were a sixth of its Python time. Its requests go through a second Django handler
with only the middleware that still applies to them (security headers and HTTPS,
``Content-Length``, framing), in the site's order; the API picks the language of its answers
itself (``events.checkin.api.api_view``). Everything else, staff on the
scanner page included (a session and CSRF), goes through the full stack.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

from core.internals import load_middleware_from

#: The site's middleware that a device's request still needs.
DEVICE_API_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "core.middleware.RefuseControlCharactersMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)
DEVICE_API_PREFIX = "/api/"


def is_device_api_request(environ: dict) -> bool:
    """``/api/…`` with a Bearer token: a scanning device, not a browser session."""
    return (
        environ.get("PATH_INFO", "").startswith(DEVICE_API_PREFIX)
        and environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


class DeviceAPIHandler(WSGIHandler):
    """Django's WSGI handler with the site's middleware narrowed to ``DEVICE_API_MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        #: The chain of this handler, outermost first, in the site's order.
        self.middleware = [path for path in settings.MIDDLEWARE if path in DEVICE_API_MIDDLEWARE]
        load_middleware_from(self, self.middleware, is_async)


class ForumWSGIHandler:
    """Sends scanning devices' API requests to ``DeviceAPIHandler``, the rest to the site."""

    def __init__(self):
        self.site = WSGIHandler()
        self.devices = DeviceAPIHandler()

    def __call__(self, environ, start_response):
        handler = self.devices if is_device_api_request(environ) else self.site
        return handler(environ, start_response)
