"""Passwords and quotas the panel writes reach Courier (`authtest`) and Dovecot
(`doveadm auth test`, `doveadm user`, IMAP) as the panel means them."""

import pytest
from passlib.hash import bcrypt, des_crypt, md5_crypt, sha256_crypt

from domains import services
from domains.models import GUIDE_DEFAULT_CRYPT, Mailbox
from mailadmin import passwords
from tests.mailstack.corpus import ACTOR, PASSWORD, mail
from tests.quota_rules import dovecot_rule

pytestmark = pytest.mark.mailstack

ODD_PASSWORD = "Pä$$ wörd'\"`;\\#%{u}"
# An adopted database keeps older hashes: every one of these must keep working.
LEGACY = {
    "des-default@login.test": (GUIDE_DEFAULT_CRYPT, "ChangeMe"),
    "des@login.test": (des_crypt.using(salt="ab").hash("Des-Pass"), "Des-Pass"),
    "md5@login.test": (md5_crypt.hash("Md5-Passw0rd"), "Md5-Passw0rd"),
    "sha256@login.test": (
        sha256_crypt.using(rounds=5000).hash("Sha256-Passw0rd"),
        "Sha256-Passw0rd",
    ),
    "bcrypt@login.test": (
        bcrypt.using(rounds=5, ident="2b").hash("Bcrypt-Passw0rd"),
        "Bcrypt-Passw0rd",
    ),
}
QUOTAS = {
    "pat@login.test": ("500M", "524288000S"),
    "quinn@login.test": ("1000C", "1000C"),
    "rita@login.test": ("2G,5000C", "2147483648S,5000C"),
    "sam@login.test": ("", ""),
}


def build():
    mail("domain", "add", "login.test")
    for address, (human, _) in QUOTAS.items():
        mail("mailbox", "add", address, "--quota", human, "--password-stdin", password=PASSWORD)
    mail("mailbox", "add", "ted@login.test", "--disabled", "--password-stdin", password=PASSWORD)
    services.create_mailbox("odd@login.test", ODD_PASSWORD, actor=ACTOR)
    services.create_mailbox("paul@login.test", PASSWORD, actor=ACTOR)
    for address, (crypt, _) in LEGACY.items():
        services.create_mailbox(address, PASSWORD, actor=ACTOR)
        Mailbox.objects.filter(address=address).update(crypt=crypt)  # as an adopted row


@pytest.fixture
def data(stack):
    build()
    return stack


def both(mailstack, address, password) -> tuple[bool, bool]:
    return (
        mailstack.courier_auth(address, password).ok,
        mailstack.dovecot_auth(address, password).ok,
    )


def test_a_password_set_by_the_panel_logs_in_on_both(data):
    assert both(data, "pat@login.test", PASSWORD) == (True, True)
    assert data.courier_auth("pat@login.test", PASSWORD).fields["Encrypted Password"][:3] == ("$6$")


def test_a_wrong_password_is_refused_by_both(data):
    assert both(data, "pat@login.test", PASSWORD + "x") == (False, False)
    assert both(data, "pat@login.test", "") == (False, False)


def test_an_unknown_address_is_refused_by_both(data):
    assert both(data, "nobody@login.test", PASSWORD) == (False, False)


def test_a_changed_password_works_and_the_old_one_is_refused(data):
    mail("mailbox", "passwd", "paul@login.test", "--password-stdin", password="New-Passw0rd-99")
    assert both(data, "paul@login.test", "New-Passw0rd-99") == (True, True)
    assert both(data, "paul@login.test", PASSWORD) == (False, False)


def test_a_disabled_mailbox_is_refused_by_both(data):
    assert both(data, "ted@login.test", PASSWORD) == (False, False)
    assert data.dovecot_user("ted@login.test") is None


def test_disabling_and_enabling_take_effect_at_once(data):
    mail("mailbox", "disable", "quinn@login.test")
    assert both(data, "quinn@login.test", PASSWORD) == (False, False)
    mail("mailbox", "enable", "quinn@login.test")
    assert both(data, "quinn@login.test", PASSWORD) == (True, True)


def test_a_password_with_quotes_spaces_and_unicode_works(data):
    assert both(data, "odd@login.test", ODD_PASSWORD) == (True, True)
    assert both(data, "odd@login.test", "Pä$$ wörd") == (False, False)


@pytest.mark.parametrize("address", LEGACY)
def test_legacy_hashes_of_an_adopted_database_keep_working(data, address):
    crypt, password = LEGACY[address]
    assert passwords.verify_password(password, crypt).correct
    assert both(data, address, password) == (True, True)
    # DES looks at 8 characters only: change the first one.
    assert both(data, address, "x" + password) == (False, False)


def test_imap_login_with_the_panel_password(data):
    assert data.imap_login("pat@login.test", PASSWORD)
    assert not data.imap_login("pat@login.test", "wrong-Passw0rd")


@pytest.mark.parametrize("address", QUOTAS)
def test_a_quota_reaches_courier_and_dovecot_as_the_same_limit(data, address):
    _, stored = QUOTAS[address]
    courier = data.courier_auth(address, PASSWORD)
    assert courier.fields["Quota"] == (stored or "(none)")
    user = data.dovecot_user(address)
    assert user.get("quota_rule", "") == dovecot_rule(stored)


def test_dovecot_enforces_500m_as_512000_kilobytes(data):
    result = data.doveadm("quota", "get", "-u", "pat@login.test")
    assert result.returncode == 0, result.stderr
    storage = next(line for line in result.stdout.splitlines() if "STORAGE" in line)
    assert storage.split()[-2] == str(524288000 // 1024)


def test_a_quota_changed_by_the_panel_reaches_both(data):
    services.update_mailbox("sam@login.test", actor=ACTOR, quota_text="1G")
    assert data.courier_auth("sam@login.test", PASSWORD).fields["Quota"] == "1073741824S"
    assert data.dovecot_user("sam@login.test")["quota_rule"] == "*:bytes=1073741824"


def test_a_mailbox_of_a_disabled_domain_cannot_log_in(data):
    mail("domain", "add", "off.test")
    mail("mailbox", "add", "uma@off.test", "--password-stdin", password=PASSWORD)
    assert both(data, "uma@off.test", PASSWORD) == (True, True)
    mail("domain", "disable", "off.test")
    assert both(data, "uma@off.test", PASSWORD) == (False, False)
    mail("domain", "enable", "off.test")
    assert both(data, "uma@off.test", PASSWORD) == (True, True)
