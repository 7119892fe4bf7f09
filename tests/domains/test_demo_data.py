import io

from django.contrib.auth.models import User
from django.core.management import call_command

from aliases.models import Alias
from domains.demo import DEMO_PASSWORD
from domains.models import Domain, Mailbox
from mailadmin import passwords


def test_load_demo_loads_the_guide_s_example_once_and_prints_the_logins(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    assert "admin / demo-Admin-2024" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert set(Domain.objects.values_list("domain", flat=True)) >= {
        "blobber.org",
        "mail.blobber.org",
        "whopper.nu",
        "lala.com",
    }
    assert Alias.objects.get(mail="@whopper.nu").destination == "xandros@blobber.org"
    assert Alias.objects.get(mail="karl@blobber.org").destination == "karl.vovianda@gmail.com"
    xandros = Mailbox.objects.get(pk="xandros@blobber.org")
    assert passwords.verify_password(DEMO_PASSWORD, xandros.crypt)
    assert User.objects.get(username="admin").is_superuser
    assert Mailbox.objects.count() == 3
