"""Signals for caches and the search text (DESIGN.md): the site's content version (see
cms.cache), and the folded search text of sessions when a speaker's name changes; and the
data of translations, which follows the Vietnamese page when it is published
(cms.translations)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.cache import content_changed
from cms.models import SessionPage, Speaker
from cms.translations import translations_sync


# A live page that is deleted is unpublished first (Wagtail's pre_delete handler), which sends
# page_unpublished: no post_delete receiver for pages. (One without a sender would also make
# Django give up fast deletes for every model: each row of a deleted event would be loaded.)
@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(page_slug_changed)
def pages_changed(sender, **kwargs):
    content_changed()


@receiver(post_save, sender=Site)
@receiver(post_save, sender="events.Event")
@receiver(post_save, sender=get_image_model())
@receiver(post_delete, sender=get_image_model())
@receiver(post_save, sender=get_document_model())
@receiver(post_delete, sender=get_document_model())
@receiver(post_delete, sender=Speaker)
def shown_data_changed(sender, **kwargs):
    content_changed()


@receiver(post_save, sender=Speaker)
def speaker_saved(sender, instance, created, **kwargs):
    content_changed()
    if created:
        return
    sessions = SessionPage.objects.filter(session_speakers__speaker=instance).prefetch_related(
        "session_speakers__speaker"
    )
    for session in sessions:
        session.refresh_search_text()
        SessionPage.objects.filter(pk=session.pk).update(search_text=session.search_text)


@receiver(page_published)
def page_published_sync_translations(sender, instance, revision=None, **kwargs):
    translations_sync(page=instance, user=getattr(revision, "user", None))
