from django.apps import AppConfig


class MailadminConfig(AppConfig):
    """The project's own package: connects what no single app owns."""

    name = "mailadmin"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from mailadmin.datadir import private_sqlite_file
        from mailadmin.middleware import staff_seen_at_login

        connection_created.connect(private_sqlite_file, dispatch_uid="mailadmin-private-sqlite")
        user_logged_in.connect(staff_seen_at_login, dispatch_uid="mailadmin-staff-seen")
