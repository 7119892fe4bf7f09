"""Django's database sessions, with the row every logged-in request reads prepared once.

The same table and the same rows as `django.contrib.sessions.backends.db`
(SESSION_ENGINE may switch between the two without logging anyone out); only the read of
the session on each request skips the ORM's query building (mailadmin.prepared).
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from mailadmin.prepared import Prepared


def _session_row(key):
    return db.SessionStore.get_model_class().objects.filter(session_key=key)[:1]


_SESSION = Prepared(_session_row, str)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        found = _SESSION.objects(key) if key else []
        # The expiry is compared here, not in SQL: a query with the time in it would
        # differ at every build and could not be prepared.
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
