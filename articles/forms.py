from django import forms
from django.utils.translation import gettext_lazy as _

from . import search
from .models import Section


class QueryField(forms.CharField):
    """Any text is a query: control characters (NUL too) are dropped, the rest kept short."""

    def to_python(self, value):
        return search.clean_query(value if isinstance(value, str) else "")


class SearchForm(forms.Form):
    """The search page's query and filters, read from the address (GET)."""

    q = QueryField(
        label=_("Search for"),
        required=False,
        widget=forms.SearchInput(attrs={"maxlength": search.MAX_QUERY_LENGTH}),
    )
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
        error_messages={"invalid_choice": _("There is no section with that name.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added here rather than declared above.
        for name, label in [("from", _("From")), ("to", _("To"))]:
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2024-05-31.")},
            )

    @property
    def query(self):
        """The query as searched, shown back to the reader even when a filter is wrong."""
        return search.clean_query(self.data.get("q", "")) if self.is_bound else ""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError(_("The “From” date is after the “To” date."))
        return cleaned

    def results(self, **kwargs):
        if not self.is_valid():
            return search.Results.none()
        return search.search(
            self.cleaned_data["q"],
            section=self.cleaned_data["section"],
            published_from=self.cleaned_data["from"],
            published_to=self.cleaned_data["to"],
            **kwargs,
        )
