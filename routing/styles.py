"""The Postfix alias map style this installation assumes (MAILADMIN_ALIAS_STYLE).

- `guide`: one map over every enabled `aliases` row, as the guide writes it. A domain alias
  `@alias.tld → @target.tld` keeps the local part, and accepts mail for unknown users of
  alias.tld, which is then bounced (backscatter).
- `no-backscatter`: a plain map that skips the domain-alias rows, plus a second map that
  rewrites `user@alias.tld` to `user@target.tld` only when that target exists, so unknown
  users are refused at RCPT with 550.
"""

from django.conf import settings
from django.core.exceptions import ValidationError

GUIDE = "guide"
NO_BACKSCATTER = "no-backscatter"
STYLES = (GUIDE, NO_BACKSCATTER)


def alias_style() -> str:
    """The alias map style this installation assumes (MAILADMIN_ALIAS_STYLE, default guide)."""
    style = settings.MAILADMIN_ALIAS_STYLE.strip() or GUIDE
    if style not in STYLES:
        raise ValidationError(f"MAILADMIN_ALIAS_STYLE must be one of {STYLES}, not {style!r}.")
    return style
