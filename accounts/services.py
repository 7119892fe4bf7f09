"""Staff accounts: domain admins (limited to the domains assigned to them) and superusers.

Only superusers call these (the views check), except `change_own_password`, which any
staff account calls for itself. Every operation is atomic and audited; passwords go
through Django's validators and are never recorded. A superuser never removes their own
superuser flag, and the last active superuser is never demoted or deactivated, so the
panel always keeps someone who can manage it.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import DomainAssignment, StaffLanguage
from audit.services import Actor, record
from domains.models import Domain


def admin_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "active": user.is_active,
        "superuser": user.is_superuser,
        "domains": sorted(
            DomainAssignment.objects.filter(user=user).values_list("domain__domain", flat=True)
        ),
    }


def domain_admins():
    """Staff accounts that are not superusers: the accounts these functions manage."""
    return User.objects.filter(is_staff=True, is_superuser=False)


def staff_accounts():
    """Every staff account: domain admins and superusers."""
    return User.objects.filter(is_staff=True)


def managed_by(actor_user: User):
    """The staff accounts a superuser manages on the admin pages: all but their own."""
    return staff_accounts().exclude(pk=actor_user.pk)


def get_domain_admin(pk: int, *, for_update: bool = False) -> User:
    queryset = domain_admins().select_for_update() if for_update else domain_admins()
    try:
        return queryset.get(pk=pk)
    except User.DoesNotExist:
        raise ValidationError(_("There is no such domain admin."), code="no_admin") from None


def _assign(user: User, domains: list[Domain]) -> None:
    wanted = {d.pk for d in domains}
    DomainAssignment.objects.filter(user=user).exclude(domain_id__in=wanted).delete()
    have = set(DomainAssignment.objects.filter(user=user).values_list("domain_id", flat=True))
    DomainAssignment.objects.bulk_create(
        DomainAssignment(user=user, domain_id=pk) for pk in sorted(wanted - have)
    )


@sensitive_variables()
def validate_admin_password(password: str, user: User) -> None:
    if not password:
        raise ValidationError(_("A password cannot be empty."), code="empty_password")
    password_validation.validate_password(password, user)


@sensitive_variables()
@transaction.atomic
def create_domain_admin(
    username: str, password: str, *, actor: Actor, email: str = "", domains: list[Domain]
) -> User:
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationError(
            _("A username has 1 to %(max)s characters.") % {"max": 150}, code="invalid_username"
        )
    User.username_validator(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("User %(username)s already exists.") % {"username": username}, code="exists"
        )
    user = User(username=username, email=email, is_staff=True, is_superuser=False)
    validate_admin_password(password, user)
    user.set_password(password)
    user.save()
    _assign(user, domains)
    record(actor, "create", "admin", username, after=admin_snapshot(user))
    return user


@transaction.atomic
def update_domain_admin(
    pk: int, *, actor: Actor, email: str, active: bool, domains: list[Domain]
) -> User:
    user = get_domain_admin(pk, for_update=True)
    before = admin_snapshot(user)
    user.email = email
    user.is_active = active
    user.save(update_fields=["email", "is_active"])
    _assign(user, domains)
    record(actor, "update", "admin", user.username, before=before, after=admin_snapshot(user))
    return user


def _other_active_superusers(user: User) -> bool:
    others = staff_accounts().filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    return others.select_for_update().exists()


def _check_superuser_change(user: User, *, superuser: bool, active: bool, actor: Actor) -> None:
    """Refuse what would leave the panel without an active superuser, or demote oneself."""
    if not user.is_superuser:
        return
    if not superuser and user.username == actor.name:
        raise ValidationError(
            _("You cannot remove your own superuser rights; another superuser can."),
            code="own_superuser",
        )
    if (not superuser or not active) and not _other_active_superusers(user):
        raise ValidationError(
            _("%(username)s is the last active superuser: make another account a superuser first.")
            % {"username": user.username},
            code="last_superuser",
        )


def get_staff_account(pk: int, *, for_update: bool = False) -> User:
    queryset = staff_accounts().select_for_update() if for_update else staff_accounts()
    try:
        return queryset.get(pk=pk)
    except User.DoesNotExist:
        raise ValidationError(_("There is no such staff account."), code="no_admin") from None


@transaction.atomic
def update_staff_account(
    pk: int,
    *,
    actor: Actor,
    email: str,
    active: bool,
    domains: list[Domain],
    superuser: bool,
) -> User:
    """Edit a staff account, making it a superuser or a domain admin (see the module doc)."""
    user = get_staff_account(pk, for_update=True)
    _check_superuser_change(user, superuser=superuser, active=active, actor=actor)
    before = admin_snapshot(user)
    user.email = email
    user.is_active = active
    user.is_superuser = superuser
    user.save(update_fields=["email", "is_active", "is_superuser"])
    _assign(user, domains)
    record(actor, "update", "admin", user.username, before=before, after=admin_snapshot(user))
    return user


@transaction.atomic
def set_superuser(pk: int, superuser: bool, *, actor: Actor) -> User:
    """Make a staff account a superuser, or a domain admin again (its domains kept)."""
    user = get_staff_account(pk, for_update=True)
    _check_superuser_change(user, superuser=superuser, active=user.is_active, actor=actor)
    if user.is_superuser == superuser:
        return user
    before = admin_snapshot(user)
    user.is_superuser = superuser
    user.save(update_fields=["is_superuser"])
    message = "made a superuser" if superuser else "made a domain admin"
    after = admin_snapshot(user)
    record(actor, "update", "admin", user.username, before=before, after=after, message=message)
    return user


@sensitive_variables()
@transaction.atomic
def set_admin_password(pk: int, password: str, *, actor: Actor) -> User:
    user = get_domain_admin(pk, for_update=True)
    validate_admin_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, "password", "admin", user.username, message="password set")
    return user


@sensitive_variables()
@transaction.atomic
def change_own_password(user: User, password: str, *, actor: Actor) -> User:
    """A staff account's new password, already checked by the password change form.

    Saving it changes the session auth hash: every other session of the account ends.
    """
    user = staff_accounts().select_for_update().get(pk=user.pk)
    validate_admin_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, "password", "admin", user.username, message="own password changed")
    return user


@transaction.atomic
def remove_domain_admin(pk: int, *, actor: Actor) -> None:
    user = get_domain_admin(pk, for_update=True)
    before = admin_snapshot(user)
    user.delete()
    record(actor, "remove", "admin", before["username"], before=before)


def remember_language(user: User, language: str) -> None:
    """A staff account's choice in the language menu (a preference: not audited)."""
    StaffLanguage.objects.update_or_create(user=user, defaults={"language": language})


def chosen_language(user: User) -> str | None:
    """The language the account chose last, if it is still one the panel speaks."""
    language = StaffLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    return language if language in dict(settings.LANGUAGES) else None
