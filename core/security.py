"""Security headers of every answer: Content-Security-Policy (django-csp, the policy in
``CONTENT_SECURITY_POLICY``), and Permissions-Policy with the camera for the scanners only.

Our pages run no inline script (``script-src 'self'``: every script is a static file; JSON data
travels in ``json_script`` blocks, which are not run). Wagtail's admin still writes inline
scripts of its own (date pickers, inline panels), so under ``/admin/`` the policy adds
``'unsafe-inline'`` to ``script-src``; only signed-in staff reach it.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts

#: Pages that may use the camera (the door scanner, the exhibitors' lead scanner); every other
#: page may not.
CAMERA_VIEWS = frozenset({"events:checkin_scanner", "exhibitors:lead_scan"})
ADMIN_PREFIX = "/admin/"
PERMISSIONS_POLICY = (
    "camera=({camera}), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)


class SecurityHeadersMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX) and parts.update is None:
            parts.update = {"script-src": ["'unsafe-inline'"]}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        match = getattr(request, "resolver_match", None)
        camera = "self" if match is not None and match.view_name in CAMERA_VIEWS else ""
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY.format(camera=camera)
        return response
