"""Forms for staff accounts: superusers managing the others (accounts.services does the
work), a staff account's own password, and the staff login."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import services
from audit.services import Actor
from domains.forms import PasswordPairForm, ServiceForm
from domains.models import Domain
from mailadmin.addresses import display_domain


class DomainsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Domain) -> str:
        return display_domain(obj.domain)


def domains_field() -> DomainsField:
    return DomainsField(
        queryset=Domain.objects.order_by("domain"),
        label=_("Domains"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The admin sees and changes only these domains."),
    )


class AdminPasswordForm(PasswordPairForm):
    default_error_field = "password1"

    def password_user(self) -> User:
        raise NotImplementedError

    def validate_password(self, password: str) -> None:
        services.validate_admin_password(password, self.password_user())


class AdminCreateForm(AdminPasswordForm):
    username = forms.CharField(
        label=_("Username"), max_length=150, help_text=_("Letters, digits and @ . + - _ only.")
    )
    email = forms.EmailField(label=_("Email"), required=False)
    domains = domains_field()
    field_order = ["username", "email", "password1", "password2", "domains"]
    error_fields = {"exists": "username", "invalid_username": "username", "invalid": "username"}

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        return username

    def password_user(self) -> User:
        data = self.cleaned_data
        return User(username=data.get("username", ""), email=data.get("email", ""))

    def save(self, actor: Actor) -> User | None:
        data = self.cleaned_data
        return self.run(
            services.create_domain_admin,
            data["username"],
            data["password1"],
            actor=actor,
            email=data["email"],
            domains=list(data["domains"]),
        )


class AdminEditForm(ServiceForm):
    email = forms.EmailField(label=_("Email"), required=False)
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive admin cannot log in; nothing is deleted."),
    )
    superuser = forms.BooleanField(
        label=_("Superuser"),
        required=False,
        help_text=_(
            "A superuser sees and changes every domain and manages the staff accounts. "
            "Unticked, the account is a domain admin of the domains below."
        ),
    )
    domains = domains_field()
    error_fields = {"last_superuser": "superuser", "own_superuser": "superuser"}

    def __init__(self, *args, admin: User, **kwargs):
        self.admin = admin
        kwargs.setdefault(
            "initial",
            {
                "email": admin.email,
                "active": admin.is_active,
                "superuser": admin.is_superuser,
                "domains": list(admin.domain_assignments.values_list("domain_id", flat=True)),
            },
        )
        super().__init__(*args, **kwargs)

    def save(self, actor: Actor) -> User | None:
        data = self.cleaned_data
        return self.run(
            services.update_staff_account,
            self.admin.pk,
            actor=actor,
            email=data["email"],
            active=data["active"],
            domains=list(data["domains"]),
            superuser=data["superuser"],
        )


class AdminSetPasswordForm(AdminPasswordForm):
    def __init__(self, *args, admin: User, **kwargs):
        self.admin = admin
        super().__init__(*args, **kwargs)

    def password_user(self) -> User:
        return self.admin

    def save(self, actor: Actor) -> User | None:
        return self.run(
            services.set_admin_password, self.admin.pk, self.cleaned_data["password1"], actor=actor
        )


class StaffPasswordChangeForm(PasswordChangeForm):
    """Django's password change (current password, the configured validators); `save`
    goes through accounts.services so the change is audited."""

    def save(self, actor: Actor) -> User:  # type: ignore[override]
        return services.change_own_password(
            self.user, self.cleaned_data["new_password1"], actor=actor
        )


class StaffLoginForm(AuthenticationForm):
    """The staff login; after a refused mail address it points to the mailbox owners' login.

    The hint depends only on what was typed (an '@' in the username), never on whether a
    staff account of that name exists, so it tells nobody which accounts there are.
    """

    mailbox_owner_hint = False

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            self.mailbox_owner_hint = "@" in (self.cleaned_data.get("username") or "")
            raise
