from django.apps import AppConfig


class AliasesConfig(AppConfig):
    name = "aliases"
    default_auto_field = "django.db.models.BigAutoField"
