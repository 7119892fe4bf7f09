"""django-axes' database handler, with a success that forgets only its own username's failures.

Stock axes, with lockout by client address or by username, deletes every failure of the
client address on a successful login: a domain admin could then guess the superuser's
password from their own address, logging in as themselves between guesses, and never be
locked. Here a success deletes the failures recorded under the username that logged in;
the client's failures on other usernames keep counting until the cool-off.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class StaffLoginHandler(AxesDatabaseHandler):
    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
