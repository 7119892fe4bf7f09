"""Address extensions (`user+tag@domain`) against real Postfix: with the recipient delimiter
on (`+`, and the two-character `-+`) and off, in both alias map styles, the tracer gives
every address of the corpus the RCPT answer and the final recipients and outcomes that
Postfix gives (swaks, `sendmail -bv`)."""

import pytest

from aliases import services as aliases
from domains import services as domains
from mailstack import tracer
from mailstack.config import STYLES
from tests.mailstack import corpus
from tests.mailstack.test_tracer_agrees_with_postfix import _outcome

pytestmark = pytest.mark.mailstack

DELIMITERS = ("+", "", "-+")


def build() -> None:
    """The corpus, and rows that only matter with extensions."""
    corpus.build()
    actor = corpus.ACTOR
    # A local part with a '+' of its own, a row for an extension address (and a disabled
    # one), forwards listing extension addresses, and a loop that carries an extension.
    domains.create_mailbox("dave+work@corp.test", corpus.PASSWORD, actor=actor)
    aliases.create_alias("alice+spam@corp.test", "someone@example.net", actor=actor)
    aliases.create_alias("alice+off@corp.test", "someone@example.net", actor=actor, enabled=False)
    aliases.create_alias("fwdext@corp.test", "alice+fromfwd@corp.test", actor=actor)
    aliases.create_alias("extout@corp.test", "list+news@example.net", actor=actor)
    aliases.create_alias("extloop1@corp.test", "extloop2+q@corp.test", actor=actor)
    aliases.create_alias("extloop2@corp.test", "extloop1@corp.test", actor=actor)


ADDRESSES = [
    # The guide's data: a mailbox, a forward outside, a domain alias, a catch-all.
    "xandros+tag@blobber.org",
    "karl+x@blobber.org",
    "vivita+x@lala.com",
    "nobody+x@whopper.nu",
    "nobody+x@blobber.org",
    "postmaster+x@whopper.nu",
    "postmaster+x@blobber.org",
    "xandros+x@mail.blobber.org",
    # corp.test: mailboxes, forwards, disabled rows, unknown users
    "alice+x@corp.test",
    "Alice+X@Corp.Test",
    "alice+x+y@corp.test",
    "alice+@corp.test",
    "bob+x@corp.test",
    "carol+x@corp.test",
    "team+x@corp.test",
    "out+x@corp.test",
    "old+x@corp.test",
    "tobob+x@corp.test",
    "ghost+x@corp.test",
    "chain+x@corp.test",
    "mix+x@corp.test",
    "dup+x@corp.test",
    "selfcopy+x@corp.test",
    "unknown+x@corp.test",
    "dave+work@corp.test",
    "dave+work+x@corp.test",
    "dave+x@corp.test",
    "alice+spam@corp.test",
    "alice+spam+x@corp.test",
    "alice+off@corp.test",
    "fwdext@corp.test",
    "fwdext+y@corp.test",
    "extout+y@corp.test",
    "extloop1@corp.test",  # accepted; without a delimiter, extloop2+q@ bounces
    # '-' as a delimiter: never split owner-* and *-request
    "alice-x@corp.test",
    "alice-x+y@corp.test",
    "owner-alice@corp.test",
    "alice-request@corp.test",
    "team-x@corp.test",
    # catch-alls
    "frank+x@catch.test",
    "gina+x@catch.test",
    "sales+x@catch.test",
    "anything+x@catch.test",
    "x+y@ext-catch.test",
    "ivan+x@dcatch.test",
    "nobody+x@dcatch.test",
    # a disabled domain
    "henry+x@off.test",
    "fwd+x@off.test",
    # domain aliases
    "alice+x@alias.test",
    "team+x@alias.test",
    "unknown+x@alias.test",
    "bob+x@alias.test",
    "alice+x@chain.test",
    "zzz+x@alt-catch.test",
    "frank+x@alt-catch.test",
    "alice+x@dis-alias.test",
    "henry+x@to-off.test",
    # not hosted
    "someone+x@example.net",
]


@pytest.fixture
def data(stack):
    build()
    return stack


def _disagreements(stack, style: str, delimiter: str, addresses: list[str]) -> list[str]:
    stack.reconfigure(style=style, recipient_delimiter=delimiter)
    reports = stack.verify(addresses)
    found = []
    for address in addresses:
        result = tracer.trace(address, style=style, delimiter=delimiter)
        code, text = stack.smtp_rcpt(address)
        report = reports[address]
        postfix = (
            {(v.recipient, _outcome(v)) for v in report} if isinstance(report, list) else report
        )
        mine = {(r.address, r.outcome) for r in result.expansion}
        if result.smtp_code != code or mine != postfix:
            found.append(
                f"{address}: Postfix RCPT {code} {text}, sendmail -bv {postfix}\n"
                f"{tracer.render_text(result)}"
            )
    return found


@pytest.mark.parametrize("delimiter", DELIMITERS)
@pytest.mark.parametrize("style", STYLES)
def test_the_tracer_agrees_with_postfix_on_extension_addresses(data, style, delimiter):
    addresses = [a for a in ADDRESSES if not (delimiter and a == "extloop1@corp.test")]
    disagreements = _disagreements(data, style, delimiter, addresses)
    assert not disagreements, "\n\n".join(disagreements)


def test_the_measured_facts(data):
    """What Postfix 3.7 does with `recipient_delimiter = +` (and without it)."""
    stack = data
    stack.reconfigure(recipient_delimiter="+")

    def outcome(address: str, delimiter: str = "+") -> tuple[int, list[tuple[str, str]]]:
        result = tracer.trace(address, delimiter=delimiter)
        return result.smtp_code, [(r.address, r.outcome) for r in result.expansion]

    assert outcome("xandros+tag@blobber.org") == (
        250,
        [("xandros+tag@blobber.org", tracer.DELIVERED)],
    )
    xandros = tracer.trace("xandros+tag@blobber.org").expansion[0]
    assert xandros.maildir == f"{stack.target.mail_home}/blobber.org/xandros/"
    # The extension is carried onto a forward's result ...
    assert outcome("karl+x@blobber.org") == (
        250,
        [("karl.vovianda+x@gmail.com", tracer.FORWARDED)],
    )
    # ... not onto a catch-all's, and a domain alias keeps the whole local part.
    assert outcome("nobody+x@whopper.nu") == (250, [("xandros@blobber.org", tracer.DELIVERED)])
    assert outcome("vivita+x@lala.com") == (250, [("vivita+x@blobber.org", tracer.DELIVERED)])
    # A row of the extension address itself matches whole: nothing is carried.
    assert outcome("alice+spam@corp.test") == (
        250,
        [("someone@example.net", tracer.FORWARDED)],
    )
    # The extension starts at the first delimiter: dave+work+x is dave's, not dave+work's.
    assert outcome("dave+work+x@corp.test")[0] == 550
    assert outcome("xandros+tag@blobber.org", delimiter="")[0] == 550
    assert stack.smtp_rcpt("xandros+tag@blobber.org")[0] == 250
    stack.reconfigure(recipient_delimiter="")
    assert stack.smtp_rcpt("xandros+tag@blobber.org")[0] == 550


@pytest.mark.parametrize("style", STYLES)
def test_a_loop_carrying_an_extension_is_refused_after_data(data, style):
    stack = data
    stack.reconfigure(style=style, recipient_delimiter="+")
    address = "extloop1@corp.test"
    result = tracer.trace(address, style=style, delimiter="+")
    assert result.smtp_code == 250
    assert [r.outcome for r in result.recipients] == [tracer.DEFERRED]
    assert stack.smtp_rcpt(address)[0] == 250
    code, text = stack.send(address, "extension loop")
    assert (code, text) == (451, "4.6.0 Alias expansion error")
