"""Signals only for caches and the search text (DESIGN.md): the navigation cache, and the
folded search text of sessions when a speaker's name or organization changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.models import SessionPage, Speaker
from cms.templatetags.site_tags import nav_cache_clear


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(page_slug_changed)
def clear_navigation(sender, **kwargs):
    nav_cache_clear()


@receiver(post_delete)
def clear_navigation_on_delete(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        nav_cache_clear()


@receiver(post_save, sender=Speaker)
def refresh_sessions_of_speaker(sender, instance, created, **kwargs):
    if created:
        return
    sessions = SessionPage.objects.filter(session_speakers__speaker=instance).prefetch_related(
        "session_speakers__speaker"
    )
    for session in sessions:
        session.refresh_search_text()
        SessionPage.objects.filter(pk=session.pk).update(search_text=session.search_text)
