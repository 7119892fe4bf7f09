"""The oracle of the quota tests: a stored Courier quota as Dovecot 2.3's `quota_rule`.

The panel never writes a `quota_rule` (the generated Dovecot query computes it in SQL, see
mailstack.config), so this lives with the tests that check the query and the running Dovecot
against it.
"""

from mailadmin.quota import limits


def dovecot_rule(value: str) -> str:
    """The same limit as Dovecot's `quota_rule` (`*:bytes=N:messages=M`), '' if none."""
    size, count = limits(value)
    parts = [f"bytes={size}" if size else "", f"messages={count}" if count else ""]
    parts = [p for p in parts if p]
    return "*:" + ":".join(parts) if parts else ""
