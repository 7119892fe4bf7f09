"""Panel forms for forwards, catch-alls and domain aliases.

Sources and destinations are parsed with the alias services' own helpers; `save` calls
create_alias / replace_alias / forward_mailbox and puts any ValidationError beside its
field. Loops and local dead ends (aliases.checks) are warnings: the form asks for a
confirmation first. A mailbox's own row is edited only as the mailbox's forward.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.access import domain_choices, is_superuser, may_use_domain
from aliases import services
from aliases.checks import alias_warnings
from aliases.models import Alias, is_domain_source, is_domain_target
from audit.services import Actor
from domains.forms import ServiceForm
from domains.models import Domain
from mailadmin.addresses import ALIAS_MAX, display_domain, domain_of

DESTINATIONS_HELP = _("One address per line or comma separated; duplicates are removed.")
CHOOSE = _("— choose —")
DOMAIN_ALIAS_NOTE = _(
    "Postfix keeps the local part: julian@alias.tld becomes julian@target.tld. Mail for "
    "unknown users of the alias domain is accepted and bounced later (backscatter)."
)


class AliasFormBase(ServiceForm):
    confirm = forms.BooleanField(
        label=_("Save anyway"), required=False, widget=forms.HiddenInput, initial=False
    )
    error_fields = {
        "exists": "source",
        "no_domain": "source",
        "mailbox_alias": "source",
        "mailbox_forward": "source",
        "no_destination": "destinations",
        "invalid_domain_alias": "destinations",
        "loop": "destinations",
        "too_long": "destinations",
        "invalid": "destinations",
        "stale": None,  # the whole form: someone else saved first
    }
    default_error_field = "destinations"

    def __init__(self, *args, user, **kwargs):
        self.warnings: list[str] = []
        super().__init__(*args, user=user, **kwargs)

    def check_domain(self, name: str) -> str:
        """A domain this user may use; for anyone else the same message, hosted or not."""
        if not is_superuser(self.user) and not may_use_domain(self.user, name):
            raise ValidationError(
                _("%(domain)s is not one of your domains.") % {"domain": name}, code="not_yours"
            )
        return name

    def clean_destination_list(self, text: str) -> list[str]:
        destinations = services.parse_destinations(text)
        for item in destinations:
            if not is_domain_target(item):
                continue
            if not Domain.objects.filter(domain=item[1:]).exists():
                raise ValidationError(
                    _("Domain %(domain)s is not hosted here.") % {"domain": item[1:]},
                    code="no_domain",
                )
            self.check_domain(item[1:])
        if len(",".join(destinations)) > ALIAS_MAX:
            raise ValidationError(
                _(
                    "These destinations take more than %(max)s characters, what the column "
                    "holds. Split them over several aliases."
                )
                % {"max": ALIAS_MAX},
                code="too_long",
            )
        return destinations

    def source_and_destinations(self) -> tuple[str, list[str]] | None:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        source, destinations = self.source_and_destinations()
        self.warnings = alias_warnings(source, destinations)
        if self.warnings and not data.get("confirm"):
            self.fields["confirm"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm", _("Check the warnings above, then tick this box to save anyway.")
            )
        return data


class ForwardForm(AliasFormBase):
    source = forms.CharField(
        label=_("Address"),
        max_length=ALIAS_MAX,
        widget=forms.TextInput(attrs={"placeholder": "name@example.org"}),
    )
    destinations = forms.CharField(
        label=_("Destinations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=DESTINATIONS_HELP,
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    field_order = ["source", "destinations", "enabled", "confirm"]

    def __init__(self, *args, domain: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.domain = domain
        if domain:
            shown = display_domain(domain)
            self.fields["source"].widget.attrs["placeholder"] = f"name@{shown}"
            self.fields["source"].help_text = format_html(
                _("The name alone is enough: the address is then at {domain}."), domain=shown
            )

    def clean_source(self) -> str:
        text = self.cleaned_data["source"].strip()
        if self.domain and text and "@" not in text:
            text = f"{text}@{self.domain}"
        source = services.normalize_source(text)
        if is_domain_source(source):
            raise ValidationError(
                _("That is a catch-all or domain alias: use those forms."), code="invalid"
            )
        self.check_domain(domain_of(source))
        if services.is_mailbox(source):
            # Its alias row is its delivery: a forward here would silently replace it.
            raise ValidationError(
                format_html(
                    _(
                        '{address} is a mailbox: <a href="{url}">forward its mail</a> on its '
                        "own page, where you choose whether it keeps a copy."
                    ),
                    address=source,
                    url=reverse("domains:mailbox_forward", args=[source]),
                ),
                code="mailbox_forward",
            )
        return source

    def clean_destinations(self) -> list[str]:
        return self.clean_destination_list(self.cleaned_data["destinations"])

    def source_and_destinations(self):
        return self.cleaned_data["source"], list(self.cleaned_data["destinations"])

    def save(self, actor: Actor) -> Alias | None:
        source, destinations = self.source_and_destinations()
        return self.run(
            services.create_alias,
            source,
            destinations,
            actor=actor,
            enabled=self.cleaned_data["enabled"],
            over_limit=self.over_limit,
        )


class DomainChoiceMixin:
    def domain_field(self, name: str, label: str, initial: str = "") -> None:
        self.fields[name] = forms.ChoiceField(
            label=label, choices=domain_choices(self.user), initial=initial
        )


class CatchAllForm(DomainChoiceMixin, AliasFormBase):
    destinations = forms.CharField(
        label=_("Destinations"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            "{} {}",
            _("Mail to any address of the domain that has no mailbox or alias goes here."),
            DESTINATIONS_HELP,
        ),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, domain: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_field("source", _("Catch-all for the domain"), domain)
        self.order_fields(["source", "destinations", "enabled", "confirm"])

    def clean_destinations(self) -> list[str]:
        return self.clean_destination_list(self.cleaned_data["destinations"])

    def source_and_destinations(self):
        return f"@{self.cleaned_data['source']}", self.cleaned_data["destinations"]

    def save(self, actor: Actor) -> Alias | None:
        source, destinations = self.source_and_destinations()
        enabled = self.cleaned_data["enabled"]
        return self.run(
            services.create_alias,
            source,
            destinations,
            actor=actor,
            enabled=enabled,
            over_limit=self.over_limit,
        )


class DomainAliasForm(DomainChoiceMixin, AliasFormBase):
    """Both domains are the postmaster's explicit choice: nothing is preselected (not even
    the domain whose page linked here, `domain`), so Save alone never reroutes a domain."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, domain: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_field("source", _("Alias domain"))
        # Translators: a form label followed by a list of domains.
        self.domain_field("destinations", _("Delivers to the same users of"))
        for name in ("source", "destinations"):
            self.fields[name].choices = [("", CHOOSE), *self.fields[name].choices]
        self.fields["source"].help_text = _("The domain whose mail goes elsewhere.")
        page_domain = dict(self.fields["source"].choices).get(domain) if domain else None
        if page_domain:
            self.fields["source"].help_text = format_html(
                _(
                    "The domain whose mail goes elsewhere. For {domain}: choose it here to send "
                    "its mail to another domain, or below to receive another domain's mail."
                ),
                domain=page_domain,
            )
        self.fields["destinations"].help_text = self.what_happens()
        self.order_fields(["source", "destinations", "enabled", "confirm"])

    def what_happens(self) -> str:
        """In words, with the chosen domains once the form comes back with a choice."""
        words = {
            "domain": escape(self.chosen("source") or "alias.tld"),
            "target": escape(self.chosen("destinations") or "target.tld"),
        }
        # The enable page's sentence (templates/aliases/alias_set_enabled.html), one
        # translation for both; the domains in it are escaped.
        text = _("Mail for anything@%(domain)s will go to the same address at %(target)s.")
        return SafeString(text % words)

    def chosen(self, name: str) -> str:
        """The Unicode name of the domain chosen in field `name` of a bound form, or ''."""
        if not self.is_bound:
            return ""
        value = self.data.get(self.add_prefix(name), "")
        return dict(self.fields[name].choices).get(value, "") if value else ""

    def clean(self):
        source, target = self.cleaned_data.get("source"), self.cleaned_data.get("destinations")
        if source and source == target:
            self.add_error("destinations", "A domain cannot be an alias of itself.")
        return super().clean()

    def source_and_destinations(self):
        return f"@{self.cleaned_data['source']}", [f"@{self.cleaned_data['destinations']}"]

    def save(self, actor: Actor) -> Alias | None:
        source, destinations = self.source_and_destinations()
        enabled = self.cleaned_data["enabled"]
        return self.run(
            services.create_alias,
            source,
            destinations,
            actor=actor,
            enabled=enabled,
            over_limit=self.over_limit,
        )


class AliasEditForm(AliasFormBase):
    """New destinations for an existing alias; for a mailbox's own row, the mailbox's
    forward (`alias` may then be unsaved: an adopted mailbox without its row)."""

    destinations = forms.CharField(
        label=_("Destinations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=DESTINATIONS_HELP,
    )
    keep_copy = forms.BooleanField(label=_("Keep a copy in the mailbox"), required=False)
    # The row as this form loaded it: a save over someone else's change is refused.
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, alias: Alias, is_mailbox: bool, **kwargs):
        self.alias = alias
        self.is_mailbox = is_mailbox
        kept = [d for d in alias.destinations if not (is_mailbox and d == alias.mail)]
        kwargs.setdefault(
            "initial",
            {"destinations": "\n".join(kept), "keep_copy": alias.mail in alias.destinations},
        )
        super().__init__(*args, **kwargs)
        self.fields["fingerprint"].initial = services.alias_fingerprint(alias)
        if not is_mailbox:
            del self.fields["keep_copy"]
        else:
            self.fields["destinations"].required = False
            self.fields["destinations"].label = _("Forward %(name)s's mail to") % {
                "name": alias.mail.partition("@")[0]
            }
            self.fields["destinations"].help_text = format_lazy(
                "{} {}",
                _("Leave empty (with the box below ticked) for plain local delivery."),
                DESTINATIONS_HELP,
            )
            self.fields["keep_copy"].help_text = _(
                "Unticked, no mail reaches this mailbox any more: it all goes to the "
                "addresses above."
            )
        self.order_fields(["destinations", "keep_copy", "confirm"])

    def clean_destinations(self) -> list[str]:
        text = self.cleaned_data["destinations"]
        if self.is_mailbox and not text.strip():
            return []
        return self.clean_destination_list(text)

    def clean(self):
        data = self.cleaned_data
        if self.is_mailbox and not data.get("destinations") and not data.get("keep_copy"):
            self.add_error(
                "destinations", "Give a destination, or keep the mail in the local mailbox."
            )
        return super().clean()

    def source_and_destinations(self):
        destinations = list(self.cleaned_data["destinations"])
        if self.is_mailbox and self.cleaned_data.get("keep_copy"):
            destinations.insert(0, self.alias.mail)
        return self.alias.mail, list(dict.fromkeys(destinations))

    def save(self, actor: Actor) -> Alias | None:
        source, destinations = self.source_and_destinations()
        expected = self.cleaned_data.get("fingerprint") or None
        if self.is_mailbox:
            return self.run(
                services.forward_mailbox,
                source,
                self.cleaned_data["destinations"],
                actor=actor,
                keep_copy=bool(self.cleaned_data.get("keep_copy")),
                expected=expected,
            )
        return self.run(
            services.replace_alias, source, destinations, actor=actor, expected=expected
        )


FORMS = {"forward": ForwardForm, "catch-all": CatchAllForm, "domain-alias": DomainAliasForm}
