"""Model fields that reproduce the guide's MySQL column types exactly."""

from django.db import models


class UnsignedTinyBooleanField(models.BooleanField):
    """A flag stored as the guide's `tinyint(3) unsigned` (users.enabled, change_password).

    Courier and Postfix compare it with `enabled = 1`, so it only ever holds 0 or 1.
    """

    def db_type(self, connection):
        if connection.vendor == "mysql":
            return "tinyint unsigned"
        return super().db_type(connection)
