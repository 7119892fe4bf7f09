"""Who may send as an address, through real Postfix: the generated submission service
(master.cf.mailadmin) with SASL through the test Dovecot, and mysql_sender_login.cf asked
with `postmap -q`, agree with `routing.senders`."""

import pytest

from routing import senders
from routing.tables import LazyTables
from tests.mailstack.corpus import PASSWORD, mail

pytestmark = pytest.mark.mailstack

DOMAIN = "senders.test"
ALIASED = "alias-senders.test"  # a domain alias of senders.test


def build() -> None:
    mail("domain", "add", DOMAIN)
    mail("domain", "add", ALIASED)
    for user in ("ann", "bob", "cy"):
        mail("mailbox", "add", f"{user}@{DOMAIN}", "--password-stdin", password=PASSWORD)
    mail("mailbox", "disable", f"cy@{DOMAIN}")
    mail("alias", "add", f"info@{DOMAIN}", f"ann@{DOMAIN}")
    mail("alias", "add", f"team@{DOMAIN}", f"ann@{DOMAIN},bob@{DOMAIN}")
    mail("alias", "add", f"old@{DOMAIN}", f"ann@{DOMAIN}")
    mail("alias", "disable", f"old@{DOMAIN}")
    mail("alias", "add", f"out@{DOMAIN}", "someone@example.org")
    mail("alias", "add", f"@{DOMAIN}", f"bob@{DOMAIN}")  # a catch-all
    mail("alias", "add", f"@{ALIASED}", f"@{DOMAIN}")  # a domain alias
    mail("alias", "add", f"bob@{ALIASED}", f"team@{DOMAIN}")  # its own row wins


@pytest.fixture
def data(stack):
    build()
    return stack


SUBMISSIONS = [
    # (login, MAIL FROM, may send)
    ("ann", f"ann@{DOMAIN}", True),
    ("ann", f"info@{DOMAIN}", True),  # a forward delivering to her
    ("ann", f"team@{DOMAIN}", True),  # a list naming her
    ("bob", f"team@{DOMAIN}", True),
    ("ann", f"ann+news@{DOMAIN}", True),  # her address with an extension
    ("ann", f"info+x@{DOMAIN}", True),
    ("ann", f"ann@{ALIASED}", True),  # the domain alias keeps the local part
    ("ann", f"bob@{DOMAIN}", False),  # another mailbox
    ("bob", f"info@{DOMAIN}", False),
    ("bob", f"nobody@{DOMAIN}", False),  # the catch-all grants nothing
    ("ann", f"old@{DOMAIN}", False),  # a disabled alias
    ("ann", f"out@{DOMAIN}", False),  # a forward elsewhere
    ("ann", "ann@example.org", False),  # a foreign address
]


@pytest.mark.parametrize(("login", "sender", "allowed"), SUBMISSIONS)
def test_the_submission_service_lets_a_mailbox_send_only_as_its_addresses(
    data, login, sender, allowed
):
    address = f"{login}@{DOMAIN}"
    code, text = data.submit(address, PASSWORD, sender, f"bob@{DOMAIN}")
    if allowed:
        assert code == 250, text
    else:
        assert code == 553, text
        assert "not owned by user" in text
    assert senders.owners(sender).allows(address) is allowed


def test_an_alias_row_of_its_own_wins_over_the_domain_alias(data):
    # bob@alias-senders.test lists team@senders.test, not bob: bob may not send as it,
    # though the domain alias would give bob@senders.test.
    code, text = data.submit(f"bob@{DOMAIN}", PASSWORD, f"bob@{ALIASED}", f"ann@{DOMAIN}")
    assert code == 553, text
    assert not senders.owners(f"bob@{ALIASED}").allows(f"bob@{DOMAIN}")


def test_a_wrong_password_gets_no_submission(data):
    code, _ = data.submit(f"ann@{DOMAIN}", "wrong-password", f"ann@{DOMAIN}", f"bob@{DOMAIN}")
    assert code == 535


def test_a_disabled_mailbox_cannot_log_in_to_send(data):
    code, _ = data.submit(f"cy@{DOMAIN}", PASSWORD, f"cy@{DOMAIN}", f"bob@{DOMAIN}")
    assert code == 535


KEYS = [
    f"ann@{DOMAIN}",
    f"cy@{DOMAIN}",
    f"info@{DOMAIN}",
    f"team@{DOMAIN}",
    f"old@{DOMAIN}",
    f"out@{DOMAIN}",
    f"nobody@{DOMAIN}",
    f"@{DOMAIN}",
    f"ann@{ALIASED}",
    f"bob@{ALIASED}",
    f"zed@{ALIASED}",
    f"@{ALIASED}",
    f"ann+news@{DOMAIN}",
    "ann",
]


def test_postmap_answers_each_key_as_routing_senders_does(data):
    tables = LazyTables()
    for key in KEYS:
        answer = data.postmap_query(key, "mysql_sender_login.cf")
        logins = sorted({n.strip().lower() for n in (answer or "").split(",") if n.strip()})
        expected = sorted({o.login for o in senders.key_owners(tables, key)})
        assert logins == expected, key
