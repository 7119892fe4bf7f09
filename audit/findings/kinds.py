"""The finding kinds and levels (imports nothing of the project, so `audit.models` can).

The titles stay English strings here (the `mail check` command and its `--json` print them);
they are marked for the catalogues, and the panel translates them where it shows them."""

from django.utils.translation import gettext_noop

ERROR = "error"
WARNING = "warning"
INFO = "info"  # worth knowing, nothing is broken
LEVELS = (ERROR, WARNING, INFO)

FINDING_KINDS = {
    "dead-end": gettext_noop("Destinations that go nowhere"),
    "loop": gettext_noop("Alias loops"),
    "swallowed-mailbox": gettext_noop("Mailboxes whose mail a catch-all takes"),
    "receives-nothing": gettext_noop("Mailboxes that receive nothing"),
    "backscatter": gettext_noop("Domain aliases accepting unknown users"),
    "domain-state": gettext_noop("Rows of missing or disabled domains"),
    "default-password": gettext_noop("Guide default password hash"),
    "weak-password": gettext_noop("Weak or unusable password hashes"),
    "empty-password": gettext_noop("Empty password hashes"),
    "plaintext-password": gettext_noop("Plain-text passwords"),
    "bad-quota": gettext_noop("Quotas Courier ignores"),
    "maildir": gettext_noop("Maildirs outside their domain or inside another mailbox's"),
    "case": gettext_noop("Addresses differing only by case"),
    "role-address": gettext_noop("Domains without postmaster@ or abuse@"),
    "mailbox-full": gettext_noop("Mailboxes nearly full or over quota"),
    "usage-stale": gettext_noop("Usage not measured for over a day (collector not running)"),
}
