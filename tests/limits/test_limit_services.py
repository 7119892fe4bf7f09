"""`limits.services`: the one check every writer of mailboxes and aliases calls."""

import pytest
from django.core.exceptions import ValidationError

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from limits import services as limits
from limits.models import DomainLimits
from tests.conftest import ACTOR
from tests.limits.conftest import PASSWORD


def use(name="example.org"):
    return limits.use_of(name)


def test_use_counts_enabled_mailboxes_and_aliases_but_not_self_aliases(limited):
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR, over_limit=True)
    services.create_mailbox(
        "off@example.org", PASSWORD, actor=ACTOR, enabled=False, quota_text="1M"
    )
    found = use()
    assert (found.mailboxes, found.aliases) == (1, 2)  # john; sales and the catch-all
    assert found.sized_bytes == 501 * 1024**2  # a disabled mailbox keeps its quota
    assert found.unsized == 0


def test_a_forwarded_mailbox_row_is_not_an_alias(limited):
    alias_services.forward_mailbox("john@example.org", ["x@elsewhere.net"], actor=ACTOR)
    assert use().aliases == 1


def test_the_use_of_a_page_of_domains_is_the_use_of_each_in_two_queries(
    limited, django_assert_num_queries
):
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR, over_limit=True)
    services.create_mailbox(
        "off@example.org", PASSWORD, actor=ACTOR, enabled=False, quota_text="1M"
    )
    services.create_mailbox("mary@other.org", PASSWORD, actor=ACTOR)
    names = ["example.org", "other.org", "empty.example"]
    with django_assert_num_queries(2):
        found = limits.uses_of(names)
    assert found == {name: limits.use_of(name) for name in names}


def test_each_check_is_one_query(limited, django_assert_num_queries):
    with django_assert_num_queries(1):
        limits.mailbox_use("example.org")
    with django_assert_num_queries(1):
        limits.alias_use("example.org")


def test_a_domain_without_limits_takes_no_lock_and_no_count(limited, django_assert_num_queries):
    with django_assert_num_queries(1):  # the limits row that is not there
        assert limits.hold("other.org", limits.Change(mailboxes=5)) == []


# --- mailboxes ----------------------------------------------------------------------------
def test_the_last_mailbox_fits_and_one_more_is_refused_naming_limit_and_use(limited):
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="500M")
    with pytest.raises(ValidationError, match=r"allows 2 mailboxes and has 2") as error:
        services.create_mailbox("c@example.org", PASSWORD, actor=ACTOR, quota_text="1M")
    assert error.value.code == limits.OVER_LIMIT
    assert not Mailbox.objects.filter(address="c@example.org").exists()
    assert not Alias.objects.filter(mail="c@example.org").exists()


def test_a_confirmed_pass_is_written_and_audited_as_such(limited):
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="500M")
    services.create_mailbox(
        "c@example.org", PASSWORD, actor=ACTOR, quota_text="1M", over_limit=True
    )
    entry = AuditEntry.objects.filter(object_id="c@example.org").get()
    assert entry.message.startswith("over the limit, confirmed: ")
    assert "allows 2 mailboxes and has 2" in entry.message


def test_a_disabled_mailbox_takes_no_slot_until_it_is_enabled(limited):
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="100M")
    services.create_mailbox("c@example.org", PASSWORD, actor=ACTOR, quota_text="1M", enabled=False)
    with pytest.raises(ValidationError, match="allows 2 mailbox"):
        services.set_mailbox_enabled("c@example.org", True, actor=ACTOR)
    assert not Mailbox.objects.get(address="c@example.org").enabled
    services.set_mailbox_enabled("b@example.org", False, actor=ACTOR)
    services.set_mailbox_enabled("c@example.org", True, actor=ACTOR)
    assert use().mailboxes == 2


# --- quotas -------------------------------------------------------------------------------
def test_the_largest_quota_fits_and_a_byte_more_is_refused(limited):
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="1G")
    services.remove_mailbox("b@example.org", actor=ACTOR)
    with pytest.raises(ValidationError, match="at most 1 GB per mailbox, not 1.0 GB"):
        services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="1073741825S")


def test_no_quota_is_more_than_the_largest_quota(limited):
    with pytest.raises(ValidationError, match="not unlimited"):
        services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="unlimited")


def test_the_total_fits_exactly_and_a_byte_more_is_refused(limited):
    limits.set_limits("example.org", actor=ACTOR, mailboxes="")
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="1000M")
    services.create_mailbox("c@example.org", PASSWORD, actor=ACTOR, quota_text="36M")
    assert use().sized_bytes == 1536 * 1024**2
    services.set_mailbox_enabled("c@example.org", False, actor=ACTOR)  # still allocated
    with pytest.raises(ValidationError, match="allots 1.5 GB of quota in total and has allocated"):
        services.create_mailbox("d@example.org", PASSWORD, actor=ACTOR, quota_text="1S")


def test_raising_a_quota_is_held_to_the_total_and_lowering_one_never_is(limited):
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="1G")
    with pytest.raises(ValidationError, match="this would make 1.6 GB"):
        services.update_mailbox("john@example.org", actor=ACTOR, quota_text="600M")
    assert Mailbox.objects.get(address="john@example.org").quota == "524288000S"
    DomainLimits.objects.filter(domain__domain="example.org").update(total_quota=1)
    services.update_mailbox("john@example.org", actor=ACTOR, quota_text="100M")  # over, lower


def test_a_mailbox_without_quota_counts_as_the_largest_quota(limited):
    Mailbox.objects.filter(address="john@example.org").update(quota="")
    assert use().allocated(limits.limits_of("example.org")) == 1024**3
    with pytest.raises(ValidationError, match="has allocated 1 GB; this would make 1.5 GB"):
        services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="513M")


def test_with_a_total_and_no_maximum_a_mailbox_needs_a_quota(limited):
    limits.set_limits("example.org", actor=ACTOR, max_quota="")
    with pytest.raises(ValidationError, match="a mailbox needs a quota"):
        services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="unlimited")


def test_a_new_mailbox_without_quota_gets_the_default(limited):
    limits.set_limits("example.org", actor=ACTOR, default_quota="250M")
    mailbox = services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR)
    assert mailbox.quota == str(250 * 1024**2) + "S"


# --- aliases ------------------------------------------------------------------------------
def test_the_last_alias_is_refused_past_the_limit_and_enabling_counts(limited):
    with pytest.raises(ValidationError, match=r"allows 1 alias and has 1"):
        alias_services.create_alias("info@example.org", "john@example.org", actor=ACTOR)
    off = alias_services.create_alias(
        "info@example.org", "john@example.org", actor=ACTOR, enabled=False
    )
    with pytest.raises(ValidationError, match="allows 1 alias"):
        alias_services.set_alias_enabled(off.mail, True, actor=ACTOR)
    alias_services.set_alias_enabled(off.mail, True, actor=ACTOR, over_limit=True)
    assert use().aliases == 2


def test_a_mailbox_brings_its_self_alias_without_using_an_alias_slot(limited):
    services.create_mailbox("b@example.org", PASSWORD, actor=ACTOR, quota_text="1M")
    assert use().aliases == 1


# --- setting limits -----------------------------------------------------------------------
def test_lowering_a_limit_below_the_use_is_allowed_reported_and_removes_nothing(limited):
    _, lines = limits.set_limits("example.org", actor=ACTOR, mailboxes="0", aliases="0")
    over = {line.key: line.text for line in lines if line.over}
    assert over == {"mailboxes": "1 / 0 mailboxes", "aliases": "1 / 0 aliases"}
    assert Mailbox.objects.filter(domain_name="example.org").count() == 1
    entry = AuditEntry.objects.filter(action="limits").order_by("pk").last()
    assert entry.before["mailboxes"] == 2 and entry.after["mailboxes"] == 0
    assert entry.message.startswith("now over: 1 / 0 mailboxes")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"mailboxes": "-1"}, "most mailboxes must be a whole number"),
        ({"aliases": "lots"}, "most aliases must be a whole number"),
        ({"max_quota": "1000C"}, "a size such as 2G"),
        ({"total_quota": "10Q"}, "The total quota: '10Q' is not a quota"),
        ({"default_quota": "2G"}, "more than the maximum quota"),
    ],
)
def test_bad_limits_are_refused_and_nothing_changes(limited, values, message):
    before = limits.snapshot(limits.limits_of("example.org"))
    with pytest.raises(ValidationError, match=message):
        limits.set_limits("example.org", actor=ACTOR, **values)
    assert limits.snapshot(limits.limits_of("example.org")) == before


def test_empty_means_unlimited(limited):
    limits.set_limits("example.org", actor=ACTOR, mailboxes="", aliases="unlimited")
    for n in range(3):
        services.create_mailbox(f"n{n}@example.org", PASSWORD, actor=ACTOR, quota_text="1M")


def test_the_limits_go_with_their_domain(limited):
    services.remove_domain("example.org", actor=ACTOR)
    assert not DomainLimits.objects.exists()


def test_limits_changed_since_they_were_loaded_are_not_overwritten(limited):
    loaded = limits.limits_fingerprint(limits.limits_of("example.org"))
    limits.set_limits("example.org", actor=ACTOR, mailboxes="5", expected=loaded)
    with pytest.raises(ValidationError) as refused:
        limits.set_limits("example.org", actor=ACTOR, mailboxes="9", expected=loaded)
    assert refused.value.code == "stale"
    assert limits.limits_of("example.org").mailboxes == 5
