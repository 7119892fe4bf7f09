from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    """The mailbox owners' pages: login with the mail password, the account page, the
    password change. No models of its own; the login throttle's counters are
    `accounts.models.LoginFailureCount`."""

    name = "selfservice"
    default_auto_field = "django.db.models.BigAutoField"
