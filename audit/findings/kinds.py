"""The finding kinds and levels (imports nothing of the project, so `audit.models` can)."""

ERROR = "error"
WARNING = "warning"
INFO = "info"  # worth knowing, nothing is broken
LEVELS = (ERROR, WARNING, INFO)

FINDING_KINDS = {
    "dead-end": "Destinations that go nowhere",
    "loop": "Alias loops",
    "swallowed-mailbox": "Mailboxes whose mail a catch-all takes",
    "receives-nothing": "Mailboxes that receive nothing",
    "backscatter": "Domain aliases accepting unknown users",
    "domain-state": "Rows of missing or disabled domains",
    "default-password": "Guide default password hash",
    "weak-password": "Weak or unusable password hashes",
    "empty-password": "Empty password hashes",
    "plaintext-password": "Plain-text passwords",
    "bad-quota": "Quotas Courier ignores",
    "maildir": "Maildirs outside their domain or inside another mailbox's",
    "case": "Addresses differing only by case",
    "role-address": "Domains without postmaster@ or abuse@",
    "mailbox-full": "Mailboxes nearly full or over quota",
    "usage-stale": "Usage not measured for over a day (collector not running)",
}
