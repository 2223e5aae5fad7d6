"""Spreadsheet exports of the admin: data, never formulas.

Wagtail's CSV export writes cells as they are: a name such as ``=HYPERLINK(...)`` typed into the
registration form becomes a live formula when an organizer opens the file in Excel or LibreOffice
(OWASP "CSV injection"). ``SafeExportMixin`` is the one place that fixes it for every index view
that exports (each viewset's ``index_view_class`` mixes it in; ``tests/core/test_exports.py``
checks that none forgets):

- CSV: a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
  leading ``'`` (shown as text; a phone number ``+84912345678`` stays readable); the file starts
  with a UTF-8 BOM so that Excel on Windows reads Vietnamese.
- XLSX: Wagtail already writes such cells as text (never a formula); nothing to escape.
- Both: times in the forum's zone (``core.time.HCM``, whole seconds), choices as their translated
  label, yes/no as translated words.
"""

import datetime
from collections import OrderedDict

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import pgettext
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.coreutils import multigetattr

from core.time import HCM

#: What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: str) -> str:
    """``value`` as a spreadsheet shows text: prefixed with ``'`` when it starts like a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def local_time(value: datetime.datetime) -> datetime.datetime:
    """An aware time in the forum's zone, whole seconds (a naive one is taken as UTC)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(HCM).replace(microsecond=0)


def _csv_text(value) -> object:
    if isinstance(value, datetime.datetime):
        return local_time(value).isoformat()
    if isinstance(value, int | float):
        return value
    return neutralise(force_str(value))


def _xlsx_value(value) -> object:
    if isinstance(value, datetime.datetime):
        return local_time(value).replace(tzinfo=None)  # Excel has no zones: the local wall time
    if isinstance(value, datetime.date | datetime.time | int | float):
        return value
    return force_str(value)


class SafeExportMixin(SpreadsheetExportMixin):
    """Mix into an admin index view (before Wagtail's view class) to export safe, readable cells."""

    def export_value(self, item, field: str):
        """The value of ``field`` (a dotted path) on ``item``, choices and booleans in words."""
        owner_path, _, name = field.rpartition(".")
        owner = multigetattr(item, owner_path) if owner_path else item
        if isinstance(owner, models.Model):
            try:
                model_field = owner._meta.get_field(name)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and model_field.concrete and model_field.choices:
                return owner._get_FIELD_display(model_field)
        value = multigetattr(item, field)
        if isinstance(value, bool):
            return pgettext("export", "Yes") if value else pgettext("export", "No")
        return "" if value is None else value

    def to_row_dict(self, item):
        return OrderedDict((field, self.export_value(item, field)) for field in self.list_export)

    def preprocess_field_value(self, field, value, export_format):
        format_dict = self.custom_field_preprocess.get(field, {})
        if export_format in format_dict:
            value = format_dict[export_format](value)
        elif isinstance(value, list):
            value = ", ".join(force_str(v) for v in value)
        if export_format == self.FORMAT_CSV:
            return _csv_text(value)
        return _xlsx_value(value)

    def stream_csv(self, queryset):
        yield BOM.encode()
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class SafeIndexView(SafeExportMixin, IndexView):
    """The index view of a ModelViewSet that exports: ``index_view_class = SafeIndexView``."""
