"""Small SQL expressions the ORM lacks, for every app (imports nothing from the apps)."""

from django.db.models import Func


class Binary(Func):
    """Compare text byte for byte: MariaDB's usual collations ignore case, accents and width
    (`JOHN`, `jöhn` and fullwidth `ｊｏｈｎ` equal `john`); SQLite's compares bytes already."""

    template = "%(expressions)s"

    def as_mysql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS BINARY)")
