"""Every corpus address gets the same RCPT answer, final recipients and outcomes from the
tracer as from real Postfix (swaks, `sendmail -bv`, `postmap -q`), in both alias map styles."""

import pytest

from mailstack import tracer
from mailstack.config import STYLES
from tests.mailstack import corpus

pytestmark = pytest.mark.mailstack


@pytest.fixture
def data(stack):
    corpus.build()
    return stack


def _outcome(verification) -> str:
    if not verification.deliverable:
        return tracer.BOUNCED
    if verification.transport == "virtual":
        return tracer.DELIVERED
    if verification.transport == "vacation":
        return tracer.AUTOREPLY
    if corpus.RELAY_TRANSPORT.partition(":")[2] in verification.text:
        return tracer.RELAYED
    assert "forwarded outside" in verification.text, verification
    return tracer.FORWARDED


def test_the_corpus_is_big_and_varied(data):
    assert len(corpus.ADDRESSES) + len(corpus.LOOPS) >= 40
    outcomes = {
        r.outcome
        for style in STYLES
        for address in corpus.ADDRESSES + corpus.LOOPS
        for r in tracer.trace(address, style=style).recipients
    }
    assert outcomes == set(tracer.OUTCOMES)
    assert {tracer.trace(a).smtp_code for a in corpus.ADDRESSES} == {250, 454, 550}


@pytest.mark.parametrize("style", STYLES)
def test_the_tracer_agrees_with_postfix_on_every_address(data, style):
    stack = data
    stack.set_style(style)
    reports = stack.verify(corpus.ADDRESSES)
    disagreements = []
    for address in corpus.ADDRESSES:
        result = tracer.trace(address, style=style)
        code, text = stack.smtp_rcpt(address)
        report = reports[address]
        postfix = (
            {(v.recipient, _outcome(v)) for v in report} if isinstance(report, list) else report
        )
        mine = {(r.address, r.outcome) for r in result.expansion}
        if result.smtp_code != code or mine != postfix:
            disagreements.append(
                f"{address}: Postfix RCPT {code} {text}, sendmail -bv {postfix}\n"
                f"{tracer.render_text(result)}"
            )
    assert not disagreements, "\n\n".join(disagreements)


def test_domains_maildirs_and_uids_agree_with_postmap(data):
    stack = data
    checked = 0
    for address in corpus.ADDRESSES:
        result = tracer.trace(address)
        domain = address.lower().rpartition("@")[2]
        assert result.hosted == (stack.postmap_query(domain, "mysql_domains.cf") is not None)
        for recipient in result.expansion:
            if recipient.outcome == tracer.DELIVERED:
                maildir = stack.postmap_query(recipient.address, "mysql_mailbox.cf")
                assert recipient.maildir == f"{stack.target.mail_home}/{maildir}", address
                uid = stack.postmap_query(recipient.address, "mysql_uid.cf")
                gid = stack.postmap_query(recipient.address, "mysql_gid.cf")
                assert (str(recipient.uid), str(recipient.gid)) == (uid, gid)
                checked += 1
    assert checked >= 20


@pytest.mark.parametrize("style", STYLES)
def test_an_alias_loop_is_accepted_at_rcpt_then_refused_after_data(data, style):
    stack = data
    stack.set_style(style)
    for address in corpus.LOOPS:
        result = tracer.trace(address, style=style)
        assert result.smtp_code == 250
        assert [r.outcome for r in result.recipients] == [tracer.DEFERRED]
        assert stack.smtp_rcpt(address)[0] == 250
        code, text = stack.send(address, "loop")
        assert (code, text) == (451, "4.6.0 Alias expansion error")
        assert stack.log_has(f"unreasonable virtual_alias_maps map nesting for {address}")


def test_the_guide_walk_through(data):
    stack = data
    result = tracer.trace("john@whopper.nu", style="guide")
    assert [s.kind for s in result.steps] == ["domain", "catch-all", "self", "mailbox"]
    assert [(r.address, r.outcome) for r in result.recipients] == [
        ("xandros@blobber.org", tracer.DELIVERED)
    ]
    assert result.recipients[0].maildir == f"{stack.target.mail_home}/blobber.org/xandros/"
    karl = tracer.trace("karl@blobber.org").recipients
    assert [(r.address, r.outcome) for r in karl] == [("karl.vovianda@gmail.com", tracer.FORWARDED)]
    nobody = tracer.trace("nobody@blobber.org").recipients
    assert [(r.outcome, r.smtp_code) for r in nobody] == [(tracer.REJECTED, 550)]
