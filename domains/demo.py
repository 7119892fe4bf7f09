"""The guide's example data (blobber.org, whopper.nu, lala.com), written through the services.

Differences from the guide's INSERTs, on purpose: mailboxes get real SHA512-CRYPT hashes of
the demo passwords below instead of `encrypt('apassword')`, and `@lala.com` points at
`@blobber.org` as the guide's walk-through describes (its INSERT says `@whupper.nu`, a typo).
"""

from django.db import transaction

from aliases import services as alias_services
from audit.services import Actor
from domains import services
from domains.models import Domain

DEMO_PASSWORD = "demo-Mailbox-2024"  # noqa: S105 - public demo login, printed by make run
DEMO_ACTOR = Actor("demo")

DOMAINS = [
    "localhost",
    "localhost.localdomain",
    "blobber.org",
    "mail.blobber.org",
    "whopper.nu",
    "lala.com",
]
MAILBOXES = [
    ("root@localhost", "root"),
    ("xandros@blobber.org", "xandros"),
    ("vivita@blobber.org", "vivita"),
]
ALIASES = [
    ("postmaster@localhost", "root@localhost"),
    ("sysadmin@localhost", "root@localhost"),
    ("webmaster@localhost", "root@localhost"),
    ("abuse@localhost", "root@localhost"),
    ("@localhost", "root@localhost"),
    ("@localhost.localdomain", "@localhost"),
    ("@lala.com", "@blobber.org"),
    ("@mail.blobber.org", "@blobber.org"),
    ("postmaster@whopper.nu", "postmaster@localhost"),
    ("abuse@whopper.nu", "abuse@localhost"),
    ("postmaster@blobber.org", "postmaster@localhost"),
    ("abuse@blobber.org", "abuse@localhost"),
    ("@whopper.nu", "xandros@blobber.org"),
    ("karl@blobber.org", "karl.vovianda@gmail.com"),
]


@transaction.atomic
def load_guide_example(actor: Actor = DEMO_ACTOR) -> bool:
    """Load the example once; False when it is already there."""
    if Domain.objects.filter(domain="blobber.org").exists():
        return False
    for name in DOMAINS:
        services.create_domain(name, actor=actor)
    for address, name in MAILBOXES:
        services.create_mailbox(address, DEMO_PASSWORD, actor=actor, name=name)
    for source, destination in ALIASES:
        alias_services.create_alias(source, destination, actor=actor)
    return True
