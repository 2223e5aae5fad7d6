"""Secrets never reach a log line: manage links, confirmation keys, invitation tokens and codes,
password-reset tokens and scanning devices' keys are replaced by "[redacted]".

``RedactSecrets`` is a logging filter (on the console handler of ``LOGGING``: every line of
``django.request``, ``django.server`` and the rest); ``RedactingGunicornLogger`` does the same
for gunicorn's access and error logs (``logger_class`` in ``gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[redacted]"
_SEGMENT = r"[^/\s?#\"'&]+"
_PATTERNS = [
    # /registration/<manage secret>/…, /register/confirm/<key>/, /exhibitor/invitations/<token>/
    # (not the admin's /admin/snippets/events/registration/…, which holds no secret)
    re.compile(
        rf"((?<!events)/(?:registration|register/confirm|exhibitor/invitations)/){_SEGMENT}"
    ),
    # Two segments: /exhibitor/verify/<uid>/<token>/, Django's and Wagtail's password resets
    re.compile(rf"(/(?:exhibitor/verify|reset|password_reset/confirm)/){_SEGMENT}/{_SEGMENT}"),
    # Query parameters that carry a secret (?code=<invitation code>, ?token=…)
    re.compile(r"([?&](?:code|token|key|secret)=)[^&\s\"'#]+", re.IGNORECASE),
    # A scanning device's key (Bearer header, pairing link)
    re.compile(r"(fhd_)[A-Za-z0-9_-]+"),
]


def redact(text: str) -> str:
    """``text`` with every secret URL segment replaced by ``[redacted]``."""
    if not isinstance(text, str):
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter that redacts secrets in the formatted message (its arguments too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class RedactingGunicornLogger(GunicornLogger):
    """Gunicorn's logger with secrets redacted from access lines (request line, path, query,
    referer) and error lines."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time):
        return {
            key: redact(value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }
