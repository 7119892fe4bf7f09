import contextlib
from pathlib import Path

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
        create_directories()


def create_directories() -> None:
    """The directories the panel writes into, at start-up (before any database connection or
    request): the SQLite file's, and STATIC_ROOT, which WhiteNoise warns about when missing
    (`collectstatic` fills it). Inside the data directory, that one is created mode 700 first.
    """
    from django.conf import settings

    from mailadmin.datadir import private_dir

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        private_dir(Path(database["NAME"]).parent)
    data_dir, static_root = Path(settings.DATA_DIR), Path(settings.STATIC_ROOT)
    # Only against WhiteNoise's warning: a process of another user that serves no pages (the
    # vacation responder, run by Postfix as the user vacation) may not be able to create it.
    with contextlib.suppress(PermissionError):
        if data_dir in static_root.parents:
            private_dir(data_dir)
        static_root.mkdir(parents=True, exist_ok=True)
