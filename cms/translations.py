"""Translations of a page stay in step with their source page.

A translation is made once, as a copy of the Vietnamese page (``copy_for_translation``). Its
text is the translator's from then on; its *data* (times, rooms, the event, images, speakers)
is not text to translate, and follows the source page: each time a page of the source language
is published, :func:`translations_sync` copies the fields in the model's
``translation_synced_fields`` and the child relations in ``translation_synced_relations`` to
every translation of the page (called from ``cms.signals`` on ``page_published``).

A translation without pending changes is republished at once, as a new revision (its history
shows who published the source). A translation with a draft gets the data both in its live
version (the public page) and in a new draft revision on top of the translator's, so that the
translator's next publish keeps it.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page

from cms.selectors import is_source_page


def _synced(model) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        tuple(getattr(model, "translation_synced_fields", ())),
        tuple(getattr(model, "translation_synced_relations", ())),
    )


def _copy_data(*, source: Page, target: Page) -> None:
    """Put the source's synced fields and child relations on ``target`` (in memory)."""
    fields, relations = _synced(type(source))
    for name in fields:
        field = source._meta.get_field(name)
        setattr(target, field.attname, getattr(source, field.attname))
    for name in relations:
        manager = getattr(source, name)
        parental_key = source._meta.get_field(name).field.name  # the ParentalKey ("page")
        children = []
        for child in manager.all():
            values = {
                f.attname: getattr(child, f.attname)
                for f in child._meta.concrete_fields
                if not f.primary_key and f.name != parental_key
            }
            children.append(type(child)(**values))
        setattr(target, name, children)


def translations_sync(*, page: Page, user=None) -> list[Page]:
    """Copy the non-text data of ``page`` (a published page of the source language) to each of
    its translations, leaving their text alone.

    ``user`` is recorded as the publisher of the translations' new revisions. Returns the
    translations changed. Aliases are skipped (Wagtail keeps them in step itself). Does nothing
    for a page of another language or a model without synced data.
    """
    page = page.specific
    fields, relations = _synced(type(page))
    if not (fields or relations) or not is_source_page(page):
        return []
    changed = []
    with transaction.atomic():
        translations = (
            type(page)
            .objects.filter(translation_key=page.translation_key, alias_of__isnull=True)
            .exclude(pk=page.pk)
            .select_for_update()
        )
        for translation in translations:
            if translation.live and not translation.has_unpublished_changes:
                _copy_data(source=page, target=translation)
                translation.save_revision(user=user, log_action=True).publish(user=user)
            else:
                if translation.live:
                    _copy_data(source=page, target=translation)
                    translation.save()
                draft = translation.get_latest_revision_as_object()
                _copy_data(source=page, target=draft)
                draft.save_revision(user=user, log_action=True)
            changed.append(translation)
    return changed
