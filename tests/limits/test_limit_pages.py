"""The panel held to the limits: domain admins are refused with the limit and the use;
a superuser passes one only after ticking the confirmation the refusal offers."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Domain, Mailbox
from limits.models import DomainLimits
from limits.services import limits_of, set_limits
from tests.conftest import ACTOR
from tests.panel.conftest import MAIL_PASSWORD, client_for

MAILBOXES_FULL = "Domain example.org allows 2 mailboxes and has 2."
ALIASES_FULL = "Domain example.org allows 2 aliases and has 2."
CONFIRM = 'name="over_limit"'


@pytest.fixture(autouse=True)
def limits(mail_data):
    """example.org: john (no quota: counts as 1 GB), sales and a catch-all; room for one
    more mailbox and no more aliases."""
    set_limits(
        "example.org", actor=ACTOR, mailboxes="2", aliases="2", max_quota="1G", total_quota="3G"
    )


def add_mailbox(client, local, **extra):
    data = {
        "local_part": local,
        "password1": MAIL_PASSWORD,
        "password2": MAIL_PASSWORD,
        "quota": "1G",
        "enabled": "on",
    }
    return client.post("/domains/example.org/mailboxes/add/", data | extra)


def add_forward(client, source, **extra):
    data = {"source": source, "destinations": "john@example.org", "enabled": "on"}
    return client.post("/aliases/add/?kind=forward", data | extra)


@pytest.mark.parametrize("role", ["admin_a", "superuser"])
def test_the_last_mailbox_fits(request, role):
    client = client_for(request.getfixturevalue(role))
    assert add_mailbox(client, "ann").status_code == 302
    assert Mailbox.objects.filter(address="ann@example.org").exists()


def test_a_domain_admin_one_past_the_limit_is_refused_with_limit_and_use(a_client):
    add_mailbox(a_client, "ann")
    response = add_mailbox(a_client, "bob")
    html = response.content.decode()
    assert response.status_code == 200
    assert MAILBOXES_FULL in html
    assert CONFIRM not in html  # no way past it for a domain admin
    assert add_mailbox(a_client, "bob", over_limit="on").status_code == 200  # ignored
    assert not Mailbox.objects.filter(address="bob@example.org").exists()


def test_a_superuser_one_past_the_limit_confirms_first(su_client):
    add_mailbox(su_client, "ann")
    response = add_mailbox(su_client, "bob")
    html = response.content.decode()
    assert MAILBOXES_FULL in html and CONFIRM in html
    assert "checked" not in html.split(CONFIRM)[1].split(">")[0]
    assert not Mailbox.objects.filter(address="bob@example.org").exists()
    assert add_mailbox(su_client, "bob", over_limit="on").status_code == 302
    entry = AuditEntry.objects.get(object_id="bob@example.org")
    assert entry.actor == "root" and "over the limit, confirmed" in entry.message


def test_a_quota_past_the_maximum_is_refused_in_the_forms(a_client):
    response = add_mailbox(a_client, "ann", quota="2G")
    assert "allows a quota of at most 1 GB per mailbox, not 2 GB" in response.content.decode()
    response = a_client.post(
        "/domains/mailboxes/john@example.org/", {"name": "John", "quota": "2G"}
    )
    assert "at most 1 GB per mailbox" in response.content.decode()
    assert Mailbox.objects.get(address="john@example.org").quota == ""


def test_the_total_quota_is_held_in_the_form(a_client):
    set_limits("example.org", actor=ACTOR, total_quota="1536M")  # john counts as 1 GB
    response = add_mailbox(a_client, "ann", quota="600M")
    assert "allots 1.5 GB of quota in total and has allocated 1 GB" in response.content.decode()
    assert add_mailbox(a_client, "ann", quota="512M").status_code == 302


@pytest.mark.parametrize("role", ["admin_a", "superuser"])
def test_an_alias_past_the_limit_is_refused(request, role):
    client = client_for(request.getfixturevalue(role))
    response = add_forward(client, "info@example.org")
    html = response.content.decode()
    assert ALIASES_FULL in html
    assert (CONFIRM in html) == (role == "superuser")
    add_forward(client, "info@example.org", over_limit="on")
    assert Alias.objects.filter(mail="info@example.org").exists() == (role == "superuser")


def test_an_alias_at_the_limit_fits(a_client):
    alias_services.remove_alias("sales@example.org", actor=ACTOR)
    assert add_forward(a_client, "info@example.org").status_code == 302


def disabled_mailboxes():
    set_limits("example.org", actor=ACTOR, mailboxes="")
    for local in ("ann", "bob"):
        services.create_mailbox(
            f"{local}@example.org", MAIL_PASSWORD, actor=ACTOR, quota_text="1M", enabled=False
        )
    set_limits("example.org", actor=ACTOR, mailboxes="2")


@pytest.mark.parametrize("role", ["admin_a", "superuser"])
def test_the_enable_button_is_held_to_the_limit(request, role):
    disabled_mailboxes()
    client = client_for(request.getfixturevalue(role))
    assert client.post("/domains/mailboxes/ann@example.org/enable/").status_code == 302  # at
    response = client.post("/domains/mailboxes/bob@example.org/enable/")
    assert response.status_code == 400
    html = response.content.decode()
    assert MAILBOXES_FULL in html and (CONFIRM in html) == (role == "superuser")
    response = client.post("/domains/mailboxes/bob@example.org/enable/", {"over_limit": "1"})
    assert Mailbox.objects.get(address="bob@example.org").enabled == (role == "superuser")


@pytest.mark.parametrize("role", ["admin_a", "superuser"])
def test_bulk_enable_is_held_to_the_limit_all_or_nothing(request, role):
    disabled_mailboxes()
    client = client_for(request.getfixturevalue(role))
    data = {"action": "enable", "address": ["ann@example.org", "bob@example.org"], "confirm": "1"}
    response = client.post("/domains/mailboxes/bulk/", data)
    html = response.content.decode()
    assert "bob@example.org: " + MAILBOXES_FULL in html
    assert (CONFIRM in html) == (role == "superuser")
    assert not Mailbox.objects.filter(address__in=data["address"], enabled=True).exists()
    response = client.post("/domains/mailboxes/bulk/", data | {"over_limit": "1"})
    enabled = Mailbox.objects.filter(address__in=data["address"], enabled=True).count()
    assert enabled == (2 if role == "superuser" else 0)
    one = {"action": "enable", "address": ["ann@example.org"], "confirm": "1"}
    if role == "admin_a":
        assert client.post("/domains/mailboxes/bulk/", one).status_code == 302  # at the limit


@pytest.mark.parametrize("role", ["admin_a", "superuser"])
def test_alias_enable_and_bulk_enable_are_held_to_the_alias_limit(request, role):
    set_limits("example.org", actor=ACTOR, aliases="")
    alias_services.create_alias("off@example.org", "john@example.org", actor=ACTOR, enabled=False)
    set_limits("example.org", actor=ACTOR, aliases="2")
    client = client_for(request.getfixturevalue(role))
    response = client.post("/aliases/off@example.org/enable/")
    assert response.status_code == 400 and ALIASES_FULL in response.content.decode()
    data = {"action": "enable", "source": ["off@example.org"], "confirm": "1"}
    assert ALIASES_FULL in client.post("/aliases/bulk/", data).content.decode()
    client.post("/aliases/bulk/", data | {"over_limit": "1"})
    assert Alias.objects.get(mail="off@example.org").enabled == (role == "superuser")


# --- seeing and setting the limits -------------------------------------------------------
def test_the_domain_page_shows_use_against_each_limit(a_client):
    html = a_client.get("/domains/example.org/").content.decode()
    assert "1 / 2 mailboxes" in html
    assert "2 / 2 aliases" in html
    assert "at most 1 GB per mailbox" in html
    assert "1 GB of 3 GB allocated" in html
    assert "Set limits" not in html  # superusers only


def test_the_mailbox_form_shows_the_limits_before_they_refuse(a_client):
    html = a_client.get("/domains/example.org/mailboxes/add/").content.decode()
    assert "1 / 2 mailboxes" in html and "at most 1 GB per mailbox" in html


def test_the_domain_list_shows_use_against_the_limits(a_client):
    html = a_client.get("/domains/").content.decode()
    assert "1 / 2 mailboxes" in html and "1 GB of 3 GB allocated" in html


def test_a_superuser_sets_limits_and_hears_when_the_domain_is_now_over(su_client):
    response = su_client.post(
        "/domains/example.org/limits/",
        {
            "mailboxes": "0",
            "aliases": "",
            "max_quota": "2G",
            "total_quota": "",
            "default_quota": "500M",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Over the limit now: 1 / 0 mailboxes. Nothing was removed." in html
    limits = limits_of("example.org")
    assert (limits.mailboxes, limits.aliases, limits.max_quota) == (0, None, 2 * 1024**3)
    assert Mailbox.objects.filter(address="john@example.org").exists()
    assert AuditEntry.objects.filter(action="limits", actor="root").count() == 1


def test_bad_limits_come_back_beside_their_field(su_client):
    response = su_client.post(
        "/domains/example.org/limits/", {"mailboxes": "many", "max_quota": "x"}
    )
    assert response.status_code == 200
    assert "must be a whole number" in response.content.decode()
    assert limits_of("example.org").mailboxes == 2


def test_the_limits_form_shows_the_current_values(su_client):
    html = su_client.get("/domains/example.org/limits/").content.decode()
    assert 'value="1G"' in html and 'value="3G"' in html and 'value="2"' in html


def test_the_domain_list_runs_a_constant_number_of_queries_with_limits(
    db, django_assert_num_queries
):
    user = User.objects.create(username="rooty", is_staff=True, is_superuser=True)
    client = client_for(user)

    def fill(start, stop):
        domains = Domain.objects.bulk_create(
            Domain(domain=f"d{n}.test") for n in range(start, stop)
        )
        domains = Domain.objects.filter(domain__in=[d.domain for d in domains])
        DomainLimits.objects.bulk_create(
            DomainLimits(domain=d, mailboxes=5, total_quota=1024**3) for d in domains
        )
        Mailbox.objects.bulk_create(
            Mailbox(address=f"u{n}@d{n}.test", crypt="x", quota="1024S") for n in range(start, stop)
        )

    fill(0, 5)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/domains/").status_code == 200
    fill(5, 120)
    with django_assert_num_queries(len(five)):
        html = client.get("/domains/").content.decode()
    assert "1 / 5 mailboxes" in html
