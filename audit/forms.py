"""Filters of the audit pages (GET forms: they never change anything)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.access import domain_choices, domain_filter
from audit import alias_queries
from audit.findings.kinds import FINDING_KINDS, LEVELS

# Translators: a filter's choice that filters nothing.
ANY = [("", _("any"))]
# Translators: the alias audit's columns, to sort by.
SORT_LABELS = {
    "mail": pgettext_lazy("sort by", "alias"),
    "destination": pgettext_lazy("sort by", "destination"),
    "kind": pgettext_lazy("sort by", "kind"),
    "state": pgettext_lazy("sort by", "state"),
    "locality": pgettext_lazy("sort by", "locality"),
    "domain": pgettext_lazy("sort by", "domain"),
}
SORT_CHOICES = [("", SORT_LABELS["mail"])] + [
    (
        f"{prefix}{key}",
        format_lazy(_("{column} (descending)"), column=SORT_LABELS[key])
        if prefix
        else SORT_LABELS[key],
    )
    for key in alias_queries.SORTS
    for prefix in ("", "-")
]
# The levels of LEVELS, as the filter and the badges show them.
LEVEL_LABELS = (
    pgettext_lazy("finding level", "error"),
    pgettext_lazy("finding level", "warning"),
    pgettext_lazy("finding level", "info"),
)
OBJECT_TYPES = ("domain", "mailbox", "alias", "admin", "bulk")
# The object types as the filter offers them (makemessages reads only literal strings).
OBJECT_TYPE_LABELS = (
    pgettext_lazy("object type", "domain"),
    pgettext_lazy("object type", "mailbox"),
    pgettext_lazy("object type", "alias"),
    pgettext_lazy("object type", "admin"),
    pgettext_lazy("object type", "bulk"),
)
DATE_NOT_UNDERSTOOD = _("This date was not understood: use YYYY-MM-DD, e.g. 2026-01-31.")
DOMAIN_SELECT_MAX = 50  # more domains than this: a text box, not a <select> of all of them


class _ScopedDomainForm(forms.Form):
    """A `domain` filter limited to the user's domains; another domain is a 404
    (`accounts.access.domain_filter`).

    A user with a few domains (a domain admin) picks one from a list; with more (a
    superuser of 20,000 domains) types it in a text box, checked with one indexed query.
    """

    domain = forms.CharField(required=False, max_length=253, label=_("Domain"))

    def __init__(self, user, data=None, **kwargs):
        super().__init__(data, **kwargs)
        choices = domain_choices(user, at_most=DOMAIN_SELECT_MAX)
        self.domain_select = choices is not None
        if self.domain_select:
            self.fields["domain"] = forms.ChoiceField(
                required=False, label=_("Domain"), choices=[("", _("all my domains")), *choices]
            )
        else:
            self.fields["domain"].widget.attrs["placeholder"] = _("all my domains")
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")
        names = None if choices is None else {name for name, _ in choices}
        if wanted := domain_filter(user, (data or {}).get("domain", ""), names=names):
            self.data = self.data.copy()
            self.data["domain"] = wanted

    def value(self, name: str):
        """The cleaned value of a filter, or '' when it is empty or invalid (then ignored)."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name) or ""


class AliasAuditForm(_ScopedDomainForm):
    q = forms.CharField(required=False, max_length=120, label=_("Search"))
    state = forms.ChoiceField(required=False, choices=ANY + alias_queries.STATES, label=_("State"))
    kind = forms.ChoiceField(
        required=False, choices=ANY + alias_queries.ALIAS_KIND_CHOICES, label=_("Kind")
    )
    locality = forms.ChoiceField(
        required=False, choices=ANY + alias_queries.LOCALITIES, label=_("Destinations")
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort"))


class FindingsForm(_ScopedDomainForm):
    level = forms.ChoiceField(
        required=False, choices=ANY + list(zip(LEVELS, LEVEL_LABELS, strict=True)), label=_("Level")
    )
    kind = forms.ChoiceField(
        required=False,
        choices=ANY + [(kind, _(title)) for kind, title in FINDING_KINDS.items()],
        label=_("Kind"),
    )


class HistoryForm(_ScopedDomainForm):
    actor = forms.CharField(required=False, max_length=150, label=_("User"))
    object_type = forms.ChoiceField(
        required=False,
        label=_("Object type"),
        choices=ANY + list(zip(OBJECT_TYPES, OBJECT_TYPE_LABELS, strict=True)),
    )
    object_id = forms.CharField(required=False, max_length=128, label=_("Object"))
    since = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_NOT_UNDERSTOOD},
    )
    until = forms.DateField(
        required=False,
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": DATE_NOT_UNDERSTOOD},
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError(_("The start date is after the end date."))
        return data


class TraceForm(forms.Form):
    # 254: the longest address SMTP carries (RFC 5321 path limit less the angle brackets).
    address = forms.CharField(
        max_length=254,
        label=_("Address"),
        error_messages={
            "max_length": "This address is too long: an address has at most %(limit_value)d "
            "characters (this one has %(show_value)d)."
        },
    )
