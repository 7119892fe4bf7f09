"""The address corpus: the guide's data plus hard cases, written through the panel's
service layer and its `mail` command line (never with SQL)."""

import io
import sys
from contextlib import contextmanager

from django.core.management import call_command

from aliases import services as aliases
from audit.services import Actor
from domains import services as domains
from domains.demo import load_guide_example

ACTOR = Actor("mailstack-corpus")
PASSWORD = "Corpus-Passw0rd-2024"


@contextmanager
def stdin(text: str):
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def mail(*args: str, password: str | None = None) -> None:
    """`python manage.py mail ...`, as a postmaster types it."""
    with stdin(f"{password}\n" if password else ""):
        call_command("mail", *args, stdout=io.StringIO())


RELAY_TRANSPORT = "discard:relayed-to-the-relay-host"


def build() -> None:
    load_guide_example(ACTOR)

    # corp.test: mailboxes, forwards, loops (through the command line).
    mail("domain", "add", "corp.test")
    for local in ("alice", "bob", "carol"):
        mail("mailbox", "add", f"{local}@corp.test", "--password-stdin", password=PASSWORD)
    mail("mailbox", "disable", "bob@corp.test")
    mail("alias", "add", "team@corp.test", "alice@corp.test,carol@corp.test")
    mail("alias", "add", "out@corp.test", "someone@example.net")
    mail("alias", "add", "old@corp.test", "alice@corp.test", "--disabled")
    mail("alias", "add", "tobob@corp.test", "bob@corp.test")
    mail("alias", "add", "ghost@corp.test", "nobody@corp.test")
    mail("alias", "add", "loop1@corp.test", "loop2@corp.test")
    mail("alias", "add", "loop2@corp.test", "loop1@corp.test")
    mail("alias", "add", "ring1@corp.test", "ring2@corp.test")
    mail("alias", "add", "ring2@corp.test", "ring3@corp.test")
    mail("alias", "add", "ring3@corp.test", "ring1@corp.test")
    mail("alias", "add", "chain@corp.test", "team@corp.test")
    mail("alias", "add", "mix@corp.test", "alice@corp.test,someone@example.net,nobody@corp.test")
    mail("alias", "add", "dup@corp.test", "team@corp.test,alice@corp.test")
    mail("alias", "add", "tooff@corp.test", "henry@off.test")
    mail("alias", "add", "selfcopy@corp.test", "selfcopy@corp.test,alice@corp.test")
    # carol keeps a copy and forwards one outside (her own row, replaced).
    mail("alias", "add", "carol@corp.test", "carol@corp.test,carol@example.net", "--replace")
    # ... and is on vacation: her row also lists her autoreply address (the responder).
    mail("vacation", "set", "carol@corp.test", "--body", "Away until Monday.")

    # relay.test: a relay domain (its mail is handed to the discard transport, as outside
    # mail is) with a mailbox and an alias; backup.test: a backup MX, any recipient.
    mail("domain", "add", "relay.test", "--transport", RELAY_TRANSPORT)
    mail("mailbox", "add", "rita@relay.test", "--password-stdin", password=PASSWORD)
    mail("alias", "add", "desk@relay.test", "rita@relay.test")
    mail("alias", "add", "torelay@corp.test", "rita@relay.test,nobody@relay.test")
    mail("domain", "add", "backup.test", "--transport", RELAY_TRANSPORT, "--backup-mx")

    # catch.test: a catch-all next to mailboxes (through the services).
    domains.create_domain("catch.test", actor=ACTOR)
    domains.create_mailbox("frank@catch.test", PASSWORD, actor=ACTOR)
    domains.create_mailbox("gina@catch.test", PASSWORD, actor=ACTOR)
    domains.set_mailbox_enabled("gina@catch.test", False, actor=ACTOR)
    aliases.create_alias("@catch.test", "alice@corp.test", actor=ACTOR)
    aliases.create_alias("sales@catch.test", "carol@corp.test", actor=ACTOR)

    # off.test: a disabled domain with a mailbox and a forward.
    domains.create_domain("off.test", actor=ACTOR)
    domains.create_mailbox("henry@off.test", PASSWORD, actor=ACTOR)
    aliases.create_alias("fwd@off.test", "alice@corp.test", actor=ACTOR)
    domains.set_domain_enabled("off.test", False, actor=ACTOR)

    # Domain aliases: plain, chained, onto a catch-all, disabled, onto a disabled domain.
    for name in ("alias.test", "chain.test", "alt-catch.test", "dis-alias.test", "to-off.test"):
        domains.create_domain(name, actor=ACTOR)
    aliases.create_alias("@alias.test", "@corp.test", actor=ACTOR)
    aliases.create_alias("@chain.test", "@alias.test", actor=ACTOR)
    aliases.create_alias("@alt-catch.test", "@catch.test", actor=ACTOR)
    aliases.create_alias("@dis-alias.test", "@corp.test", actor=ACTOR, enabled=False)
    aliases.create_alias("@to-off.test", "@off.test", actor=ACTOR)

    # Catch-alls: to the outside, and a disabled one.
    domains.create_domain("ext-catch.test", actor=ACTOR)
    aliases.create_alias("@ext-catch.test", "catchall@example.net", actor=ACTOR)
    domains.create_domain("dcatch.test", actor=ACTOR)
    domains.create_mailbox("ivan@dcatch.test", PASSWORD, actor=ACTOR)
    aliases.create_alias("@dcatch.test", "ivan@dcatch.test", actor=ACTOR, enabled=False)


# Every address is traced and checked against Postfix, in both alias map styles.
ADDRESSES = [
    # relay domains
    "rita@relay.test",
    "desk@relay.test",
    "nobody@relay.test",
    "torelay@corp.test",
    "anyone@backup.test",
    # The guide's walk-through and data.
    "john@whopper.nu",
    "postmaster@whopper.nu",
    "abuse@whopper.nu",
    "karl@blobber.org",
    "nobody@blobber.org",
    "xandros@blobber.org",
    "vivita@blobber.org",
    "postmaster@blobber.org",
    "vivita@lala.com",
    "anyone@lala.com",
    "xandros@mail.blobber.org",
    "stranger@mail.blobber.org",
    "root@localhost",
    "webmaster@localhost",
    "whoever@localhost",
    "someone@localhost.localdomain",
    # corp.test
    "alice@corp.test",
    "Alice@Corp.Test",
    "bob@corp.test",
    "carol@corp.test",
    "team@corp.test",
    "out@corp.test",
    "old@corp.test",
    "tobob@corp.test",
    "ghost@corp.test",
    "chain@corp.test",
    "mix@corp.test",
    "dup@corp.test",
    "tooff@corp.test",
    "selfcopy@corp.test",
    "unknown@corp.test",
    # catch-alls
    "frank@catch.test",
    "gina@catch.test",
    "sales@catch.test",
    "anything@catch.test",
    "x@ext-catch.test",
    "ivan@dcatch.test",
    "nobody@dcatch.test",
    # disabled domain
    "henry@off.test",
    "fwd@off.test",
    "x@off.test",
    # domain aliases
    "alice@alias.test",
    "team@alias.test",
    "unknown@alias.test",
    "bob@alias.test",
    "alice@chain.test",
    "zzz@alt-catch.test",
    "frank@alt-catch.test",
    "alice@dis-alias.test",
    "henry@to-off.test",
    "nobody@to-off.test",
    # not hosted at all
    "someone@example.net",
]

# Alias loops: Postfix refuses these after DATA with 4.6.0 and keeps a local submission in
# its queue, so they are checked apart from the rest.
LOOPS = ["loop1@corp.test", "ring2@corp.test"]
