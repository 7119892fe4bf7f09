import datetime

from django.contrib.sessions.backends import db as django_db
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mailadmin.sessions import SessionStore


def test_a_saved_session_is_read_back_in_one_query(db):
    session = SessionStore()
    session["answer"] = 42
    session.create()
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(session.session_key)["answer"] == 42
    assert len(queries) == 1


def test_django_s_own_database_sessions_are_the_same_rows(db):
    theirs = django_db.SessionStore()
    theirs["who"] = "postmaster"
    theirs.create()
    assert SessionStore(theirs.session_key)["who"] == "postmaster"
    ours = SessionStore()
    ours["who"] = "admin"
    ours.create()
    assert django_db.SessionStore(ours.session_key)["who"] == "admin"


def test_an_expired_session_is_empty_and_saves_under_a_new_key(db):
    session = SessionStore()
    session["answer"] = 42
    session.create()
    old = session.session_key
    session.get_model_class().objects.filter(session_key=old).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    reread = SessionStore(old)
    assert "answer" not in reread
    reread["answer"] = 1
    reread.save()
    assert reread.session_key != old


def test_an_unknown_key_is_an_empty_session(db):
    assert dict(SessionStore("x" * 32).items()) == {}
    assert SessionStore().load() == {}
