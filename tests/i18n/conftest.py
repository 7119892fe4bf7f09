"""The French and German pages need the compiled catalogues: `make` builds them (msgfmt);
a test run started by hand builds the stale ones here."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.security import conftest as security

# The panel's roles and data, shared (tests/panel/conftest.py through tests/security).
mail_data = security.mail_data
superuser = security.superuser
admin_a = security.admin_a
admin_b = security.admin_b
end_user = security.end_user
role_clients = security.role_clients


def compile_catalogues() -> None:
    for po in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    compile_catalogues()
