"""Optimistic locking for edit forms: a fingerprint of a row as the form loaded it.

The form carries it in a hidden field; the service re-reads the row under
`select_for_update`, and refuses the save when the fingerprint no longer matches, so the
second of two admins editing the same row at once cannot silently undo the first.
"""

import hashlib
import json

from django.core.exceptions import ValidationError


def fingerprint(values: dict) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def check(current: str, expected: str | None, what: str) -> None:
    """Raise the "changed by someone else" error when `expected` is given and differs."""
    if expected is not None and expected != current:
        raise ValidationError(
            f"{what} was changed by someone else since you opened it: reload the page to "
            "see their change, then make yours again.",
            code="stale",
        )
