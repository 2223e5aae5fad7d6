"""The site's one form style: every public form mixes in ``SiteFormMixin`` and is drawn by
``templates/includes/form.html`` (error summary, labels without colons, required markers,
help and errors tied to their field with ``aria-describedby``)."""

from django.utils.html import strip_tags


class SiteFormMixin:
    """Labels without a colon; after validation each field (or group) with an error is
    described by its error and help text; ``error_summary`` lists the errors with the anchor of
    their field.

    Class attributes a form may set:
    ``also_required``: names of fields that are optional for Django but required for people
    (the category, unless an invitation code is given), marked like required ones;
    ``summary_labels``: short labels for the error summary (a consent's label is a paragraph);
    ``honeypot``: the name of a field hidden from people.
    """

    also_required: tuple[str, ...] = ()
    summary_labels: dict = {}
    honeypot: str = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def marked_required(self) -> set[str]:
        return {name for name, field in self.fields.items() if field.required} | set(
            self.also_required
        )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            # A group (radios) is described on its fieldset (the template), a field on itself.
            if not bound.use_fieldset:
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)

    def field_anchor(self, name: str) -> str:
        bound = self[name]
        return f"{bound.auto_id}_0" if bound.use_fieldset else bound.id_for_label

    @property
    def error_summary(self) -> list[dict]:
        """``[{"href": "#id_email", "text": "Email"}, ...]``: the non-field errors first (no
        link), then a link to each field with an error, named by its label (the field itself
        is described by its message)."""
        items = [{"href": "", "text": str(error)} for error in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.errors and name != self.honeypot:
                label = strip_tags(str(self.summary_labels.get(name) or field.label or name))
                items.append({"href": f"#{self.field_anchor(name)}", "text": label})
        return items
