"""Every corpus address gets the same RCPT answer, final recipients and outcomes from the
tracer as from real Postfix (swaks, `sendmail -bv`, `postmap -q`), in both alias map styles."""

import pytest

from mailstack import tracer
from mailstack.config import STYLES
from tests.mailstack import corpus

pytestmark = pytest.mark.mailstack


@pytest.fixture(scope="module")
def data(committed):
    committed(corpus.build)


@pytest.fixture(scope="module")
def postfix_answers(mailstack, data):
    """{style: {address: (RCPT code, {(final recipient, outcome)})}} from real Postfix."""
    answers = {}
    for style in STYLES:
        mailstack.set_style(style)
        reports = mailstack.verify(corpus.ADDRESSES)
        answers[style] = {}
        for address in corpus.ADDRESSES:
            code, _ = mailstack.smtp_rcpt(address)
            report = reports[address]
            assert isinstance(report, list) and report, f"no -bv report for {address}: {report}"
            answers[style][address] = (code, {(v.recipient, _outcome(v)) for v in report})
    return answers


def _outcome(verification) -> str:
    if not verification.deliverable:
        return tracer.BOUNCED
    if verification.transport == "virtual":
        return tracer.DELIVERED
    assert "forwarded outside" in verification.text, verification
    return tracer.FORWARDED


def test_the_corpus_is_big_and_varied(db_access, data):
    assert len(corpus.ADDRESSES) + len(corpus.LOOPS) >= 40
    outcomes = {
        r.outcome
        for style in STYLES
        for address in corpus.ADDRESSES + corpus.LOOPS
        for r in tracer.trace(address, style=style).recipients
    }
    assert outcomes == set(tracer.OUTCOMES)
    codes = {tracer.trace(a).smtp_code for a in corpus.ADDRESSES}
    assert codes == {250, 454, 550}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("address", corpus.ADDRESSES)
def test_the_tracer_agrees_with_postfix(address, style, postfix_answers, mailstack, db_access):
    result = tracer.trace(address, style=style, mail_base=mailstack.target.mail_home)
    code, finals = postfix_answers[style][address]
    assert result.smtp_code == code, tracer.render_text(result)
    assert {(r.address, r.outcome) for r in result.expansion} == finals, tracer.render_text(result)


@pytest.mark.parametrize("address", corpus.ADDRESSES)
def test_maildirs_and_domains_agree_with_postmap(address, mailstack, data, db_access):
    result = tracer.trace(address, mail_base=mailstack.target.mail_home)
    domain = address.lower().rpartition("@")[2]
    hosted = mailstack.postmap_query(domain, "mysql_domains.cf") is not None
    assert result.hosted == hosted
    for recipient in result.expansion:
        if recipient.outcome == tracer.DELIVERED:
            maildir = mailstack.postmap_query(recipient.address, "mysql_mailbox.cf")
            assert recipient.maildir == f"{mailstack.target.mail_home}/{maildir}"
            assert mailstack.postmap_query(recipient.address, "mysql_uid.cf") == str(recipient.uid)


@pytest.mark.parametrize("address", corpus.LOOPS)
def test_an_alias_loop_is_accepted_at_rcpt_then_refused(address, mailstack, data, db_access):
    result = tracer.trace(address)
    assert result.smtp_code == 250
    assert [r.outcome for r in result.recipients] == [tracer.DEFERRED]
    assert mailstack.smtp_rcpt(address)[0] == 250
    code, text = mailstack.send(address, "loop")
    assert 400 <= code < 500, text
    assert mailstack.log_has(f"unreasonable virtual_alias_maps map nesting for {address}")


def test_the_guide_walk_through(mailstack, data, db_access):
    result = tracer.trace("john@whopper.nu", style="guide", mail_base=mailstack.target.mail_home)
    assert [s.kind for s in result.steps] == ["domain", "catch-all", "self", "mailbox"]
    assert [(r.address, r.outcome) for r in result.recipients] == [
        ("xandros@blobber.org", tracer.DELIVERED)
    ]
    assert result.recipients[0].maildir.endswith("/blobber.org/xandros/")
