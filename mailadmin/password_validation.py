"""Password validators beyond Django's own (AUTH_PASSWORD_VALIDATORS); the mail password check."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import (
    UserAttributeSimilarityValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables


class VarietyValidator:
    """Refuse passwords made of whitespace only or of a single repeated character.

    `        ` and `aaaaaaaa` pass Django's length, common-password and numeric checks.
    """

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(_("This password is only spaces."), code="password_blank")
        if len(set(password)) < 3:
            raise ValidationError(
                _("This password repeats one or two characters: use more different ones."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Your password must use at least three different characters, not only spaces.")


@dataclass(frozen=True)
class MailOwner:
    """The mailbox a mail password belongs to, as the password validators see it."""

    address: str
    name: str = ""


class MailAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's similarity check, against a mailbox's address and name, in those words.

    Django's own validator names staff `User` fields ("username", "first name"), which says
    nothing to someone setting a mail password.
    """

    def validate(self, password: str, user: object = None) -> None:
        if not isinstance(user, MailOwner):
            return
        local = user.address.rpartition("@")[0]
        to_address = _("The password is too similar to the mail address.")
        for value, message in (
            (user.address, to_address),
            (local, to_address),
            (user.name, _("The password is too similar to the mailbox owner's name.")),
        ):
            # Django's comparison (whole value and its \W-separated parts), on one value.
            probe = User(first_name=value)
            try:
                UserAttributeSimilarityValidator(("first_name",), self.max_similarity).validate(
                    password, probe
                )
            except ValidationError:
                raise ValidationError(message, code="password_too_similar") from None


def mail_password_validators() -> list:
    """The configured validators, with the similarity check speaking of the mailbox."""
    return [
        MailAttributeSimilarityValidator(validator.user_attributes, validator.max_similarity)
        if isinstance(validator, UserAttributeSimilarityValidator)
        else validator
        for validator in get_default_password_validators()
    ]


@sensitive_variables()
def validate_mail_password(password: str, address: str, name: str = "") -> None:
    """The one check of a new mail password (panel, self-service, CLI, import)."""
    if not password:
        raise ValidationError(_("A mail password cannot be empty."), code="empty_password")
    validate_password(password, MailOwner(address, name), mail_password_validators())
