"""vacation.services and the route it writes into the mailbox's own alias row."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from aliases import services as alias_services
from aliases.models import Alias, AliasKind
from aliases.services import MailboxDelivery
from audit.models import AuditEntry
from domains import services as domain_services
from mailadmin.autoreply import autoreply_address, mailbox_of
from mailstack import tracer
from tests.vacation.conftest import ANN
from vacation import services
from vacation.models import Vacation

AWAY = services.Setting(subject="Out of office", body="Back on Monday.")


def own_row() -> Alias:
    return Alias.objects.get(mail=ANN)


def test_the_autoreply_address_maps_back_to_its_mailbox(settings):
    assert autoreply_address(ANN) == "ann#example.org@autoreply.mailadmin.invalid"
    assert mailbox_of("Ann#Example.org@autoreply.mailadmin.invalid") == ANN
    assert mailbox_of("a#b#example.org@autoreply.mailadmin.invalid") == "a#b@example.org"
    assert mailbox_of("ann@example.org") is None


def test_switching_on_adds_the_route_and_the_row_stays_the_self_alias(mailboxes, actor):
    services.set_vacation(ANN, AWAY, actor=actor)
    row = own_row()
    assert row.destinations == [ANN, autoreply_address(ANN)]
    assert row.kind is AliasKind.SELF
    assert Alias.objects.self_rows().filter(mail=ANN).exists()
    assert not MailboxDelivery.of(ANN, row.destination).forwarded
    assert MailboxDelivery.of(ANN, row.destination).autoreply
    actions = list(
        AuditEntry.objects.filter(object_id=ANN).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-2:] == ["autoreply-on", "vacation-on"]


def test_the_tracer_shows_the_autoreply_branch(mailboxes, actor):
    services.set_vacation(ANN, AWAY, actor=actor)
    result = tracer.trace(ANN)
    assert [(r.address, r.outcome) for r in result.recipients] == [
        (ANN, "delivered"),
        (autoreply_address(ANN), "autoreply"),
    ]
    assert "answered by the vacation responder for ann@example.org" in result.recipients[1].text


def test_switching_off_removes_the_route(mailboxes, actor):
    services.set_vacation(ANN, AWAY, actor=actor)
    services.turn_off(ANN, actor=actor)
    assert own_row().destination == ANN
    assert Vacation.objects.get(mailbox=ANN).enabled is False
    assert services.turn_off(ANN, actor=actor) is None  # already off: nothing recorded


def test_a_forward_keeps_the_route_and_the_route_keeps_the_forward(mailboxes, actor):
    alias_services.forward_mailbox(ANN, "ann@gmail.test", actor=actor, keep_copy=False)
    services.set_vacation(ANN, AWAY, actor=actor)
    assert own_row().destinations == ["ann@gmail.test", autoreply_address(ANN)]
    alias_services.forward_mailbox(ANN, "ann@gmail.test", actor=actor, keep_copy=True)
    assert own_row().destinations == [ANN, "ann@gmail.test", autoreply_address(ANN)]
    delivery = MailboxDelivery.of(ANN, own_row().destination)
    assert delivery.targets == ("ann@gmail.test",) and delivery.autoreply
    alias_services.stop_forwarding_mailbox(ANN, actor=actor)
    assert own_row().destinations == [ANN, autoreply_address(ANN)]


def test_disabling_the_mailbox_disables_its_row_on_vacation_too(mailboxes, actor):
    services.set_vacation(ANN, AWAY, actor=actor)
    domain_services.set_mailbox_enabled(ANN, False, actor=actor)
    assert own_row().enabled is False


def test_nobody_may_name_an_autoreply_address(mailboxes, actor):
    with pytest.raises(ValidationError) as error:
        alias_services.create_alias("team@example.org", autoreply_address(ANN), actor=actor)
    assert error.value.code == "reserved_autoreply"
    with pytest.raises(ValidationError):
        alias_services.forward_mailbox(ANN, autoreply_address("bob@example.org"), actor=actor)


@pytest.mark.parametrize(
    ("setting", "code"),
    [
        (services.Setting("", "x"), "subject"),
        (services.Setting("Away", "  \n"), "body"),
        (services.Setting("Away", "x", date(2026, 12, 9), date(2026, 12, 8)), "days"),
        (services.Setting("Away", "x", None, date(2000, 1, 1)), "days"),
        (services.Setting("Away", "x", interval_days=0), "interval"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(mailboxes, actor, setting, code):
    with pytest.raises(ValidationError) as error:
        services.set_vacation(ANN, setting, actor=actor)
    assert error.value.code == code
    assert not Vacation.objects.exists() and own_row().destination == ANN


def test_a_mailbox_that_does_not_exist_is_refused(mailboxes, actor):
    with pytest.raises(ValidationError):
        services.set_vacation("nobody@example.org", AWAY, actor=actor)


def test_expire_ends_the_vacations_past_their_last_day(mailboxes, actor):
    today = services.today()
    services.set_vacation(ANN, services.Setting("Away", "x", None, today), actor=actor)
    services.set_vacation("bob@example.org", AWAY, actor=actor)
    assert services.expire(actor=actor, on=today) == []
    assert services.expire(actor=actor, on=today + timedelta(days=1)) == [ANN]
    assert own_row().destination == ANN
    assert Vacation.objects.get(mailbox="bob@example.org").enabled


def test_removing_the_mailbox_removes_its_vacation(mailboxes, actor):
    services.set_vacation(ANN, AWAY, actor=actor)
    domain_services.remove_mailbox(ANN, actor=actor)
    assert not Vacation.objects.filter(mailbox=ANN).exists()


def test_the_findings_say_nothing_about_a_vacations_route(mailboxes, actor):
    from audit.findings.report import run_checks

    before = {(f.kind, f.object_id) for f in run_checks().findings}
    services.set_vacation(ANN, AWAY, actor=actor)
    after = {(f.kind, f.object_id) for f in run_checks().findings}
    assert after == before


def test_the_same_setting_again_writes_and_records_nothing(mailboxes, actor):
    services.set_vacation(ANN, AWAY, actor=actor)
    entries = AuditEntry.objects.count()
    services.set_vacation(ANN, AWAY, actor=actor)
    assert AuditEntry.objects.count() == entries
    services.turn_off(ANN, actor=actor)
    services.set_vacation(ANN, AWAY, actor=actor)  # switched on again: a change
    assert services.vacation_of(ANN).enabled and own_row().destinations[-1] != ANN


def test_a_stale_fingerprint_writes_nothing(mailboxes, actor):
    loaded = services.vacation_fingerprint(services.vacation_of(ANN))
    services.set_vacation(ANN, AWAY, actor=actor, expected=loaded)
    other = services.Setting("Gone", "Elsewhere.")
    with pytest.raises(ValidationError) as refused:
        services.set_vacation(ANN, other, actor=actor, expected=loaded)
    assert refused.value.code == "stale"
    assert services.vacation_of(ANN).subject == "Out of office"
