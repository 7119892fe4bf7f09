"""Password validators beyond Django's own (AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError


class VarietyValidator:
    """Refuse passwords made of whitespace only or of a single repeated character.

    `        ` and `aaaaaaaa` pass Django's length, common-password and numeric checks.
    """

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError("This password is only spaces.", code="password_blank")
        if len(set(password)) < 3:
            raise ValidationError(
                "This password repeats one or two characters: use more different ones.",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return "Your password must use at least three different characters, not only spaces."
