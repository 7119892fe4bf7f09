"""Panel forms for domains and mailboxes.

Fields are checked with the service layer's own helpers (normalize_domain,
validate_transport, quota.parse, validate_mail_password); `save` calls the service, and any
ValidationError it still raises (a duplicate, say) is put beside the field it concerns.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.access import is_superuser
from aliases import services as alias_services
from audit.services import Actor
from domains import services
from domains.models import Domain, Mailbox
from limits import services as limits_services
from limits.services import OVER_LIMIT
from mailadmin import quota
from mailadmin.addresses import ALIAS_MAX, display_domain, normalize_address, normalize_domain

OVER_LIMIT_LABEL = _("Pass the domain's limit knowingly")


class ServiceForm(forms.Form):
    """A form whose `save` calls a service and maps its ValidationError onto the form.

    A domain's limit (`limits.services`) refused is a message for the whole form; to a
    superuser the form then offers a confirmation box (`over_limit`), never ticked for
    them: a limit is passed only knowingly."""

    error_fields: dict[str, str] = {}  # ValidationError code → field
    default_error_field: str | None = None

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.may_pass_limits and self.data.get("over_limit"):
            self._offer_over_limit()

    @property
    def may_pass_limits(self) -> bool:
        return self.user is not None and is_superuser(self.user)

    def _offer_over_limit(self) -> None:
        self.fields["over_limit"] = forms.BooleanField(required=False, label=OVER_LIMIT_LABEL)

    @property
    def over_limit(self) -> bool:
        """The superuser ticked the confirmation to pass a domain's limit."""
        return self.may_pass_limits and bool(self.cleaned_data.get("over_limit"))

    def run(self, operation, *args, **kwargs):
        """The operation's result, or None with the errors added to the form."""
        try:
            return operation(*args, **kwargs)
        except ValidationError as error:
            self.add_service_error(error)
            return None

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for item in error.error_list:
            if item.code == OVER_LIMIT:
                self.add_error(None, item)
                if self.may_pass_limits and "over_limit" not in self.fields:
                    self._offer_over_limit()
                    self.add_error(
                        None,
                        _("As a superuser you may pass it: tick '%(label)s'.")
                        % {"label": OVER_LIMIT_LABEL},
                    )
                continue
            field = self.error_fields.get(item.code or "", self.default_error_field)
            if field not in self.fields:
                field = None
            self.add_error(field, item)


def quota_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        required=False, max_length=64, help_text=quota.HELP, label=_("Quota"), **kwargs
    )


def quota_for_form(stored: str) -> str:
    """The stored quota in human units, or as stored when Courier cannot read it."""
    if not stored:
        return ""
    return quota.as_input(stored) if quota.is_courier_quota(stored) else stored


TRANSPORT_HELP = _(
    "Where the domain's mail goes. 'virtual:' (the default): the domain is hosted here and "
    "its mail is delivered to its mailboxes on this server. Any other Postfix transport, "
    "such as 'smtp:[10.0.0.5]:25' or 'lmtp:unix:private/lmtp', makes it a relay domain: this "
    "server accepts mail for the domain's enabled aliases and mailboxes (others get 550) and "
    "hands it to that transport."
)
BACKUP_MX_HELP = _(
    "For a relay domain only: this server is a backup MX for the domain and accepts mail for "
    "any recipient, holding it until the transport takes it, because it does not know the "
    "domain's addresses."
)


def backup_mx_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("Backup MX"), required=False, help_text=BACKUP_MX_HELP)


class DomainCreateForm(ServiceForm):
    name = forms.CharField(
        label=_("Domain"),
        max_length=255,
        help_text=_("International names are accepted and stored as punycode."),
    )
    transport = forms.CharField(
        label=_("Transport"), max_length=120, initial="virtual:", help_text=TRANSPORT_HELP
    )
    backup_mx = backup_mx_field()
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    rfc2142_mailbox = forms.CharField(
        label=_("postmaster@ and abuse@ deliver to"),
        required=False,
        max_length=128,
        help_text=_(
            "An existing mailbox (RFC 2142 asks every domain for these two "
            "addresses). Leave empty to add them later."
        ),
    )
    error_fields = {
        "exists": "name",
        "invalid": "name",
        "too_long": "name",
        "invalid_transport": "transport",
        "backup_mx_hosted": "backup_mx",
        "no_mailbox": "rfc2142_mailbox",
    }

    def clean_name(self) -> str:
        return normalize_domain(self.cleaned_data["name"])

    def clean_transport(self) -> str:
        return services.validate_transport(self.cleaned_data["transport"])

    def clean_rfc2142_mailbox(self) -> str:
        text = self.cleaned_data["rfc2142_mailbox"].strip()
        return services.get_mailbox(text).address if text else ""

    def save(self, actor: Actor) -> Domain | None:
        return self.run(self._create, actor)

    @transaction.atomic
    def _create(self, actor: Actor) -> Domain:
        data = self.cleaned_data
        domain = services.create_domain(
            data["name"],
            actor=actor,
            transport=data["transport"],
            enabled=data["enabled"],
            backup_mx=data["backup_mx"],
        )
        if data["rfc2142_mailbox"]:
            for local in ("postmaster", "abuse"):
                alias_services.create_alias(
                    f"{local}@{domain.domain}", data["rfc2142_mailbox"], actor=actor
                )
        return domain


class DomainEditForm(ServiceForm):
    transport = forms.CharField(label=_("Transport"), max_length=120, help_text=TRANSPORT_HELP)
    backup_mx = backup_mx_field()
    error_fields = {"invalid_transport": "transport", "backup_mx_hosted": "backup_mx"}

    def __init__(self, *args, domain: Domain, **kwargs):
        self.domain = domain
        initial = {"transport": domain.transport}
        if services.is_backup_mx(domain):
            initial["backup_mx"] = True
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def clean_transport(self) -> str:
        return services.validate_transport(self.cleaned_data["transport"])

    def save(self, actor: Actor) -> Domain | None:
        return self.run(
            services.update_domain,
            self.domain.domain,
            actor=actor,
            transport=self.cleaned_data["transport"],
            backup_mx=self.cleaned_data["backup_mx"],
        )


class PasswordPairForm(ServiceForm):
    """Two password fields that must agree and pass `validate_password` (Django's validators)."""

    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def password_owner(self) -> tuple[str, str] | None:
        """(address, name) the password must not resemble, or None when unknown yet."""
        raise NotImplementedError

    def validate_password(self, password: str) -> None:
        """Raise ValidationError for a password the validators refuse."""
        owner = self.password_owner()
        if owner:
            services.validate_mail_password(password, *owner)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and second:
            try:
                self.validate_password(first)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class MailboxCreateForm(PasswordPairForm):
    local_part = forms.CharField(label=_("Address"), max_length=ALIAS_MAX)
    name = forms.CharField(label=_("Name"), required=False, max_length=128)
    quota = quota_field()
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    change_password = forms.BooleanField(
        label=_("The owner may change this password"), required=False, initial=True
    )
    field_order = ["local_part", "name", "password1", "password2", "quota"]
    error_fields = {
        "exists": "local_part",
        "invalid": "local_part",
        "too_long": "local_part",
        "no_domain": "local_part",
        "invalid_quota": "quota",
    }
    default_error_field = "password1"

    def __init__(self, *args, domain: Domain, **kwargs):
        self.domain = domain
        super().__init__(*args, **kwargs)
        self.fields["local_part"].help_text = _("The part before @%(domain)s.") % {
            "domain": display_domain(domain.domain)
        }

    def clean_local_part(self) -> str:
        local = self.cleaned_data["local_part"].strip()
        if "@" in local:
            raise ValidationError(_("Type only the part before the @."), code="invalid")
        # Its self-alias lives in aliases.mail (120 characters).
        return normalize_address(f"{local}@{self.domain.domain}", max_length=ALIAS_MAX)

    def clean_quota(self) -> str:
        # As typed: empty means the domain's default quota, 'unlimited' none
        # (limits.services.quota_for_new).
        text = self.cleaned_data["quota"].strip()
        quota.parse(text)
        return text

    def password_owner(self):
        address = self.cleaned_data.get("local_part")
        return (address, self.cleaned_data.get("name", "")) if address else None

    def save(self, actor: Actor) -> Mailbox | None:
        data = self.cleaned_data
        return self.run(
            services.create_mailbox,
            data["local_part"],
            data["password1"],
            actor=actor,
            name=data["name"],
            quota_text=data["quota"],
            enabled=data["enabled"],
            change_password=data["change_password"],
            over_limit=self.over_limit,
        )


class MailboxEditForm(ServiceForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=128)
    quota = quota_field()
    change_password = forms.BooleanField(
        label=_("The owner may change this password"), required=False
    )
    # The row as this form loaded it: a save over someone else's change is refused.
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    error_fields = {"too_long": "name", "invalid_quota": "quota"}

    def __init__(self, *args, mailbox: Mailbox, **kwargs):
        self.mailbox = mailbox
        kwargs.setdefault(
            "initial",
            {
                "name": mailbox.name,
                "quota": quota_for_form(mailbox.quota),
                "change_password": bool(mailbox.change_password),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["fingerprint"].initial = services.mailbox_fingerprint(mailbox)

    def clean_quota(self) -> str:
        return quota.parse(self.cleaned_data["quota"])

    def save(self, actor: Actor) -> Mailbox | None:
        data = self.cleaned_data
        # Human units round (1.2 MB); only a quota the user changed is written back.
        quota_text = data["quota"] if "quota" in self.changed_data else None
        return self.run(
            services.update_mailbox,
            self.mailbox.address,
            actor=actor,
            name=data["name"],
            quota_text=quota_text,
            change_password=data["change_password"],
            expected=data.get("fingerprint") or None,
            over_limit=self.over_limit,
        )


class DomainDeleteForm(ServiceForm):
    """The domain's removal; when rows of other domains deliver into it, what becomes of them."""

    inbound = forms.ChoiceField(
        label=_("Rows of other domains that deliver into this domain"),
        choices=[
            (
                "remove",
                _(
                    "Remove them: take this domain out of their destinations (a row left with "
                    "none is removed)"
                ),
            ),
            (
                "keep",
                _(
                    "Keep them: Postfix then sends their mail out by SMTP, to wherever the "
                    "domain's MX points"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        initial="keep",  # what a removal did before it asked
    )

    def __init__(self, *args, domain: Domain, inbound: int, **kwargs):
        self.domain = domain
        super().__init__(*args, **kwargs)
        if not inbound:
            del self.fields["inbound"]

    def save(self, actor: Actor) -> services.Removed | None:
        choice = self.cleaned_data.get("inbound") or "keep"
        return self.run(services.remove_domain, self.domain.domain, actor=actor, inbound=choice)


class MailboxPasswordForm(PasswordPairForm):
    def __init__(self, *args, mailbox: Mailbox, **kwargs):
        self.mailbox = mailbox
        super().__init__(*args, **kwargs)

    def password_owner(self):
        return self.mailbox.address, self.mailbox.name

    def save(self, actor: Actor) -> Mailbox | None:
        return self.run(
            services.set_mailbox_password,
            self.mailbox.address,
            self.cleaned_data["password1"],
            actor=actor,
            message="password set by staff",
        )


class DomainLimitsForm(ServiceForm):
    """A domain's limits as typed (empty = unlimited); `limits.services.set_limits` parses."""

    mailboxes = forms.CharField(
        required=False, max_length=20, label=_("Most mailboxes"), help_text=_("Enabled mailboxes.")
    )
    aliases = forms.CharField(
        required=False,
        max_length=20,
        label=_("Most aliases"),
        help_text=_("Enabled aliases; a mailbox's own row is not counted."),
    )
    max_quota = forms.CharField(
        required=False,
        max_length=64,
        label=_("Largest quota of one mailbox"),
        help_text=_("e.g. 2G"),
    )
    total_quota = forms.CharField(
        required=False,
        max_length=64,
        label=_("Total quota"),
        help_text=_(
            "The sum of the mailboxes' quotas, e.g. 100G; a mailbox without quota "
            "counts as the largest quota."
        ),
    )
    default_quota = quota_field()
    error_fields = {f"invalid_{key}": key for key in limits_services.FIELDS}
    default_error_field = None

    def __init__(self, *args, limits=None, **kwargs):
        initial = {}
        if limits is not None:
            initial = {
                "mailboxes": "" if limits.mailboxes is None else str(limits.mailboxes),
                "aliases": "" if limits.aliases is None else str(limits.aliases),
                "max_quota": limits_services.size_cell(limits.max_quota),
                "total_quota": limits_services.size_cell(limits.total_quota),
                "default_quota": quota_for_form(limits.default_quota),
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["default_quota"].label = _("Default quota of a new mailbox")
        self.fields["default_quota"].help_text = _("Given to a new mailbox created without one.")

    def save(self, name: str, actor: Actor):
        values = {key: self.cleaned_data[key] for key in limits_services.FIELDS}
        return self.run(limits_services.set_limits, name, actor=actor, **values)
