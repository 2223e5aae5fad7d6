"""Wagtail admin hooks of the cms app."""

from cms.proceedings import wagtail_hooks as proceedings_hooks  # noqa: F401  (proceedings admin)
