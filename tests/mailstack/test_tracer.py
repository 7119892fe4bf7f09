"""The address tracer on the guide's data and hard cases (no mail server needed: these run
on SQLite too; the `mailstack` layer checks the same answers against real Postfix)."""

import json

import pytest

from aliases import services as aliases
from domains import services as domains
from mailstack import tracer
from mailstack.tracer import BOUNCED, DEFERRED, DELIVERED, FORWARDED, REJECTED

PASSWORD = "Tracer-Passw0rd-1"


@pytest.fixture
def home(settings):
    settings.MAILADMIN_MAIL_HOME = "/var/spool/mail/virtual"
    return settings.MAILADMIN_MAIL_HOME


def outcomes(result) -> list[tuple[str, str]]:
    return [(r.address, r.outcome) for r in result.recipients]


def test_it_reproduces_the_guide_walk_through(guide_data, home):
    result = tracer.trace("john@whopper.nu", style="guide")
    assert result.style == "guide"
    assert [s.kind for s in result.steps] == ["domain", "catch-all", "self", "mailbox"]
    assert "catch-all @whopper.nu → xandros@blobber.org" in result.steps[1].text
    assert outcomes(result) == [("xandros@blobber.org", DELIVERED)]
    assert result.recipients[0].maildir == f"{home}/blobber.org/xandros/"
    assert (result.recipients[0].uid, result.recipients[0].gid) == (5000, 5000)


def test_karl_is_forwarded_outside_and_nobody_is_refused(guide_data):
    assert outcomes(tracer.trace("karl@blobber.org")) == [("karl.vovianda@gmail.com", FORWARDED)]
    nobody = tracer.trace("nobody@blobber.org")
    assert nobody.smtp_code == 550
    assert [(r.outcome, r.smtp_code) for r in nobody.recipients] == [(REJECTED, 550)]
    assert [(r.address, r.outcome) for r in nobody.expansion] == [("nobody@blobber.org", BOUNCED)]


def test_it_follows_aliases_through_several_rounds(guide_data):
    result = tracer.trace("postmaster@whopper.nu")
    assert outcomes(result) == [("root@localhost", DELIVERED)]
    assert [s.kind for s in result.steps] == ["domain", "alias", "alias", "self", "mailbox"]


def test_it_reads_addresses_case_insensitively(guide_data):
    assert outcomes(tracer.trace("  John@Whopper.NU ")) == [("xandros@blobber.org", DELIVERED)]


def test_a_domain_alias_keeps_the_local_part(guide_data):
    assert outcomes(tracer.trace("vivita@lala.com")) == [("vivita@blobber.org", DELIVERED)]
    assert outcomes(tracer.trace("vivita@lala.com", style="no-backscatter")) == [
        ("vivita@blobber.org", DELIVERED)
    ]


def test_the_guide_style_accepts_unknown_users_of_an_alias_domain_then_bounces(guide_data):
    result = tracer.trace("stranger@lala.com", style="guide")
    assert result.smtp_code == 250
    assert outcomes(result) == [("stranger@blobber.org", BOUNCED)]


def test_the_no_backscatter_style_refuses_them_at_rcpt(guide_data):
    result = tracer.trace("stranger@lala.com", style="no-backscatter")
    assert result.smtp_code == 550
    assert outcomes(result) == [("stranger@lala.com", REJECTED)]
    assert any("does not exist" in s.text for s in result.steps)


def test_a_chain_of_domain_aliases_is_followed_in_the_guide_style_only(guide_data, actor):
    domains.create_domain("chain.test", actor=actor)
    aliases.create_alias("@chain.test", "@lala.com", actor=actor)
    assert outcomes(tracer.trace("xandros@chain.test")) == [("xandros@blobber.org", DELIVERED)]
    assert tracer.trace("xandros@chain.test", style="no-backscatter").smtp_code == 550


def test_a_domain_alias_onto_a_catch_all_rewrites_in_both_styles(guide_data, actor):
    domains.create_domain("alt.test", actor=actor)
    aliases.create_alias("@alt.test", "@whopper.nu", actor=actor)
    for style in ("guide", "no-backscatter"):
        result = tracer.trace("anyone@alt.test", style=style)
        assert outcomes(result) == [("xandros@blobber.org", DELIVERED)], style


def test_a_disabled_domain_answers_454_but_its_aliases_still_rewrite_local_mail(guide_data, actor):
    domains.create_domain("off.test", actor=actor)
    aliases.create_alias("fwd@off.test", "xandros@blobber.org", actor=actor)
    domains.set_domain_enabled("off.test", False, actor=actor)
    result = tracer.trace("fwd@off.test")
    assert (result.smtp_code, result.hosted) == (454, False)
    assert outcomes(result) == [("fwd@off.test", REJECTED)]
    assert [(r.address, r.outcome) for r in result.expansion] == [
        ("xandros@blobber.org", DELIVERED)
    ]
    other = tracer.trace("x@off.test")
    assert [(r.address, r.outcome) for r in other.expansion] == [("x@off.test", FORWARDED)]


def test_a_disabled_mailbox_is_refused_unless_a_catch_all_takes_its_mail(guide_data, actor):
    domains.set_mailbox_enabled("vivita@blobber.org", False, actor=actor)
    assert tracer.trace("vivita@blobber.org").smtp_code == 550
    domains.create_mailbox("mia@whopper.nu", PASSWORD, actor=actor)
    domains.set_mailbox_enabled("mia@whopper.nu", False, actor=actor)
    result = tracer.trace("mia@whopper.nu")
    assert outcomes(result) == [("xandros@blobber.org", DELIVERED)]
    assert any(s.kind == "alias" and "disabled" in s.text for s in result.steps)


def test_a_forward_to_a_disabled_mailbox_is_accepted_then_bounced(guide_data, actor):
    aliases.create_alias("old@blobber.org", "vivita@blobber.org", actor=actor)
    domains.set_mailbox_enabled("vivita@blobber.org", False, actor=actor)
    result = tracer.trace("old@blobber.org")
    assert result.smtp_code == 250
    assert outcomes(result) == [("vivita@blobber.org", BOUNCED)]


def test_a_disabled_alias_is_ignored(guide_data, actor):
    aliases.create_alias("gone@blobber.org", "xandros@blobber.org", actor=actor, enabled=False)
    assert tracer.trace("gone@blobber.org").smtp_code == 550


def test_a_multi_destination_forward_with_a_local_copy(guide_data, actor):
    aliases.replace_alias(
        "xandros@blobber.org",
        "xandros@blobber.org,vivita@blobber.org,x@example.net,vivita@blobber.org",
        actor=actor,
    )
    assert outcomes(tracer.trace("john@whopper.nu")) == [
        ("xandros@blobber.org", DELIVERED),
        ("vivita@blobber.org", DELIVERED),
        ("x@example.net", FORWARDED),
    ]


def test_duplicate_final_recipients_count_once(guide_data, actor):
    aliases.create_alias("both@blobber.org", "vivita@blobber.org,karl@blobber.org", actor=actor)
    aliases.create_alias("twice@blobber.org", "both@blobber.org,vivita@blobber.org", actor=actor)
    assert outcomes(tracer.trace("twice@blobber.org")) == [
        ("vivita@blobber.org", DELIVERED),
        ("karl.vovianda@gmail.com", FORWARDED),
    ]


def test_it_detects_a_loop(guide_data, actor):
    aliases.create_alias("a@blobber.org", "b@blobber.org", actor=actor)
    aliases.create_alias("b@blobber.org", "c@blobber.org", actor=actor)
    aliases.create_alias("c@blobber.org", "a@blobber.org", actor=actor)
    result = tracer.trace("a@blobber.org")
    assert result.smtp_code == 250
    assert outcomes(result) == [("a@blobber.org", DEFERRED)]
    assert "a@blobber.org → b@blobber.org → c@blobber.org → a@blobber.org" in result.deferred
    assert result.steps[-1].kind == "loop"


def test_a_loop_beside_a_self_alias_is_no_loop(guide_data, actor):
    aliases.create_alias("list@blobber.org", "list@blobber.org,xandros@blobber.org", actor=actor)
    # list@ is no mailbox: its self-reference stops the expansion, then it bounces.
    assert outcomes(tracer.trace("list@blobber.org")) == [
        ("list@blobber.org", BOUNCED),
        ("xandros@blobber.org", DELIVERED),
    ]


def test_an_unhosted_domain_is_relay_denied(guide_data):
    result = tracer.trace("someone@example.net")
    assert (result.smtp_code, result.smtp_text) == (454, "4.7.1 Relay access denied")
    assert [(r.address, r.outcome) for r in result.expansion] == [
        ("someone@example.net", FORWARDED)
    ]


def test_it_warns_when_a_mailbox_home_is_not_the_postfix_base(guide_data, settings):
    result = tracer.trace("xandros@blobber.org", mail_base="/srv/mail")
    assert result.recipients[0].maildir == "/srv/mail/blobber.org/xandros/"
    assert any("virtual_mailbox_base /srv/mail" in w for w in result.warnings)


def test_the_style_comes_from_the_environment(guide_data, settings):
    settings.MAILADMIN_ALIAS_STYLE = "no-backscatter"  # what the variable sets (test_config)
    assert tracer.trace("stranger@lala.com").style == "no-backscatter"
    with pytest.raises(ValueError):
        tracer.trace("john@whopper.nu", style="other")


def test_the_result_is_json_ready_and_readable(guide_data):
    result = tracer.trace("john@whopper.nu")
    data = json.loads(json.dumps(result.as_dict()))
    assert data["accepted"] is True
    assert data["recipients"][0]["outcome"] == DELIVERED
    text = tracer.render_text(result)
    assert "alias map style: guide" in text
    assert "RCPT TO from the Internet: 250" in text


def test_tracing_writes_nothing(guide_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as queries:
        tracer.trace("john@whopper.nu")
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
