"""`Authorization: Bearer <secret>` for the API (DRF), throttled per client on failure.

Failed authentications are counted per client address (mailadmin.client, IPv6 by /64) with
the self-service login's counters (selfservice.throttle); a client over the limit gets 429
with Retry-After even with a good secret, until its window ends.
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from api import tokens
from api.models import ApiToken
from selfservice import throttle

FAILURE_LIMITS = (
    throttle.Limit("client", "20/5m", kind="api-auth"),
    throttle.Limit("client", "100/h", kind="api-auth"),
)


class BearerAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        wait = throttle.seconds_blocked(request, "", FAILURE_LIMITS)
        if wait:
            raise exceptions.Throttled(wait)
        token = None
        if len(header) == 2:
            try:
                token = tokens.authenticate(header[1].decode("ascii"))
            except UnicodeDecodeError:
                token = None
        if token is None:
            throttle.record_failure(request, "", FAILURE_LIMITS)
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (MAILADMIN_API_RATE, e.g. "600/min"); over it: 429, Retry-After."""

    scope = "token"

    def get_rate(self):
        return settings.MAILADMIN_API_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
