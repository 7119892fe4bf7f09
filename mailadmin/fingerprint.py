"""Optimistic locking for edit forms: a fingerprint of a row as the form loaded it.

The form carries it in a hidden field; the service re-reads the row under
`select_for_update`, and refuses the save when the fingerprint no longer matches, so the
second of two admins editing the same row at once cannot silently undo the first.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fingerprint(values: dict) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _stale_messages() -> dict[str, str]:
    return {
        "domain": _(
            "Domain %(name)s was changed by someone else since you opened it: reload the page "
            "to see their change, then make yours again."
        ),
        "mailbox": _(
            "Mailbox %(name)s was changed by someone else since you opened it: reload the "
            "page to see their change, then make yours again."
        ),
        "alias": _(
            "Alias %(name)s was changed by someone else since you opened it: reload the page "
            "to see their change, then make yours again."
        ),
        "limits": _(
            "The limits setting of %(name)s was changed by someone else since you opened it: "
            "reload the page to see their change, then make yours again."
        ),
        "vacation": _(
            "The vacation of %(name)s was changed by someone else since you opened it: reload "
            "the page to see their change, then make yours again."
        ),
    }


def check(current: str, expected: str | None, kind: str, name: str) -> None:
    """Raise the "changed by someone else" error when `expected` is given and differs;
    `kind` is what `name` is: domain, mailbox, alias, limits (a domain's) or vacation (a
    mailbox's)."""
    if expected is not None and expected != current:
        raise ValidationError(_stale_messages()[kind] % {"name": name}, code="stale")
