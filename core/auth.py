"""The admin's password reset (Wagtail's, at /admin/password_reset/), limited like every email a
stranger can cause: at most ``EMAIL_RATE_LIMIT_ADDRESS`` per address and ``EMAIL_RATE_LIMIT_IP``
per client (core/ratelimit.py). Over a limit nothing is sent and the page answers as always
("if an account has this address, an email is on its way"), so it tells nothing either way.
Set as ``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``."""

from wagtail.admin.forms.auth import PasswordResetForm

from core.ratelimit import email_rate_limited


class RateLimitedPasswordResetForm(PasswordResetForm):
    def save(self, *args, request=None, **kwargs):
        """Send the reset emails unless the address or the client is over its limit (then a
        warning is logged and nothing is sent)."""
        email = self.cleaned_data["email"]
        if request is not None and email_rate_limited(
            request, scope="admin-password-reset", email=email
        ):
            return
        super().save(*args, request=request, **kwargs)
