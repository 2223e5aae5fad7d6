"""Admin panels of the site's pages."""

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import InlinePanel


class LabelledChildFormSet(BaseChildFormSet):
    """Duplicate rows are named by the labels of their fields, without the parent page: "the
    duplicate data for speaker" (translated), not the internal "page and speaker"."""

    def get_unique_error_message(self, unique_check):
        fields = [name for name in unique_check if name != self.fk.name]
        labels = [str(self.model._meta.get_field(name).verbose_name) for name in fields]
        return super().get_unique_error_message(labels or list(unique_check))


class LabelledInlinePanel(InlinePanel):
    """An InlinePanel whose formset names duplicates by their labels (LabelledChildFormSet)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = LabelledChildFormSet
        return options
