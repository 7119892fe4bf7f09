"""A creation's insert losing a race, reported as the pre-check's own "already exists".

A service checks that a row does not exist yet, then inserts it. Two requests creating the
same address at once both pass the check; the database's unique key lets one insert win,
and the other one's violation must read like the check's error (beside the form's field, a
one-line CLI message), not a 500. Imports nothing from the apps.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

# MariaDB/MySQL: ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME.
_MYSQL_DUPLICATE = {1062, 1586}


def is_unique_violation(error: IntegrityError) -> bool:
    code = error.args[0] if error.args else None
    return code in _MYSQL_DUPLICATE or "UNIQUE constraint failed" in str(error)


@contextmanager
def unique_or(exists: ValidationError) -> Iterator[None]:
    """Run the block's inserts in a savepoint; a unique-key violation raises `exists`.

    The savepoint keeps an enclosing transaction usable (its caller may go on and report
    the error); any other integrity error is a bug and propagates as it is.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise exists from error
