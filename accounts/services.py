"""Domain admins: staff accounts limited to the domains assigned to them.

Only superusers call these (the views check). Every operation is atomic and audited;
passwords go through Django's validators and are never recorded.
"""

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from accounts.models import DomainAssignment
from audit.services import Actor, record
from domains.models import Domain


def admin_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "active": user.is_active,
        "domains": sorted(
            DomainAssignment.objects.filter(user=user).values_list("domain__domain", flat=True)
        ),
    }


def domain_admins():
    """Staff accounts that are not superusers: the accounts these functions manage."""
    return User.objects.filter(is_staff=True, is_superuser=False)


def get_domain_admin(pk: int, *, for_update: bool = False) -> User:
    queryset = domain_admins().select_for_update() if for_update else domain_admins()
    try:
        return queryset.get(pk=pk)
    except User.DoesNotExist:
        raise ValidationError("There is no such domain admin.", code="no_admin") from None


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
        raise ValidationError("A password cannot be empty.", code="empty_password")
    password_validation.validate_password(password, user)


@sensitive_variables()
@transaction.atomic
def create_domain_admin(
    username: str, password: str, *, actor: Actor, email: str = "", domains: list[Domain]
) -> User:
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationError("A username has 1 to 150 characters.", code="invalid_username")
    User.username_validator(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"User {username} already exists.", code="exists")
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


@sensitive_variables()
@transaction.atomic
def set_admin_password(pk: int, password: str, *, actor: Actor) -> User:
    user = get_domain_admin(pk, for_update=True)
    validate_admin_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor, "password", "admin", user.username, message="password set")
    return user


@transaction.atomic
def remove_domain_admin(pk: int, *, actor: Actor) -> None:
    user = get_domain_admin(pk, for_update=True)
    before = admin_snapshot(user)
    user.delete()
    record(actor, "remove", "admin", before["username"], before=before)
