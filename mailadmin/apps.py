from django.apps import AppConfig


class MailadminConfig(AppConfig):
    """The project's own package: connects what no single app owns."""

    name = "mailadmin"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from mailadmin.datadir import private_sqlite_file

        connection_created.connect(private_sqlite_file, dispatch_uid="mailadmin-private-sqlite")
