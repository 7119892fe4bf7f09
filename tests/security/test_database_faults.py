"""The database going away: a clear 503, no half-written change, recovery by itself."""

import MySQLdb
import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection

from aliases.models import Alias
from domains import services
from domains.models import Mailbox

PASSWORD = "Quite-a-long-pass-1"


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser("root", "", "x")
    client.force_login(user)
    return client


def test_a_page_answers_503_while_the_database_is_away(superuser_client, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError(2006, "MySQL server has gone away")

    monkeypatch.setattr("mailadmin.views.recent_changes", gone)
    superuser_client.raise_request_exception = False
    response = superuser_client.get("/")
    assert response.status_code == 503
    assert b"mail database is not answering" in response.content
    assert response["Retry-After"] == "30"


def test_other_errors_still_answer_500(superuser_client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr("mailadmin.views.recent_changes", broken)
    superuser_client.raise_request_exception = False
    assert superuser_client.get("/").status_code == 500


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_inside_a_service_operation_writes_nothing(actor, monkeypatch):
    services.create_domain("example.org", actor=actor)
    victim = connection.connection.thread_id()
    original_create = Alias.objects.create

    def kill_then_create(*args, **kwargs):
        settings = connection.settings_dict
        killer = MySQLdb.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=int(settings["PORT"] or 3306),
            user=settings["USER"],
            password=settings["PASSWORD"] or "",
        )
        killer.cursor().execute(f"KILL {victim}")
        killer.close()
        return original_create(*args, **kwargs)

    monkeypatch.setattr(Alias.objects, "create", kill_then_create)
    with pytest.raises(OperationalError):
        services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    monkeypatch.undo()

    connection.close()  # what Django does at the end of the failed request
    assert not Mailbox.objects.filter(address="a@example.org").exists()
    assert not Alias.objects.filter(mail="a@example.org").exists()
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)  # recovered
    assert Mailbox.objects.filter(address="a@example.org").exists()
