"""Failed self-service logins, counted per address and per client.

Only failures are counted; an address or client with too many failures in a window is
refused until the window ends, even with the right password. The short windows slow a
guesser down, the long ones stop them. Failures for one address never block another
address, except through the per-client limit of the client that made them.

The address is counted as the login looks it up: its normalised form
(`mailadmin.addresses.normalize_address`), so `John@Example.ORG.` and `john@example。org`
count for `john@example.org`. Text that does not normalise names no mailbox; it is counted
as typed (and under the client).

Windows are fixed and jittered per key (as django-ratelimit's). The counters live in the
database by default (`LoginFailureCount`, atomic `F()` increments), shared by every worker
and host; `MAILADMIN_LOGIN_THROTTLE=cache` keeps them in Django's cache through
django-ratelimit instead (Redis: shared and atomic; the per-process default cache is not
shared). django_ratelimit is used as a library, not an installed app: its system check
rejects the per-process cache outright.
"""

import hashlib
import ipaddress
import math
import re
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from accounts.models import LoginFailureCount
from mailadmin.addresses import normalize_address
from mailadmin.client import client_address

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    scope: str  # "address" or "client"
    rate: str  # failures per window, django-ratelimit's notation: "5/5m"
    kind: str = "selfservice-login"  # whose failures: another kind counts apart (the API's)

    @property
    def group(self) -> str:
        return f"{self.kind}-{self.scope}"

    @property
    def count(self) -> int:
        return int(self.rate.partition("/")[0])

    @property
    def period(self) -> int:
        number, unit = re.fullmatch(r"(\d*)([smhd])", self.rate.partition("/")[2]).groups()
        return int(number or 1) * _UNITS[unit]


LIMITS = (
    Limit("address", "5/5m"),
    Limit("address", "20/h"),
    Limit("client", "20/5m"),
    Limit("client", "100/h"),
)


def client_ip(request: HttpRequest) -> str:
    """The client address (IPv6 grouped by /64, as one host usually owns the whole net)."""
    raw = client_address(request)
    if raw is None:
        return "unknown"
    ip = ipaddress.ip_address(raw)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def address_key(address: str) -> str:
    """What failures for a typed address are counted under: the address the login uses."""
    try:
        return normalize_address(address)
    except ValidationError:
        return address  # names no mailbox: the login refuses it after the same work


def _value(request: HttpRequest, limit: Limit, address: str) -> str:
    return address_key(address) if limit.scope == "address" else client_ip(request)


def _window_end(value: str, period: int, now: int) -> int:
    end = now - now % period + zlib.crc32(value.encode()) % period
    return end + period if end < now else end


def _database_usage(limit: Limit, value: str, *, increment: bool) -> tuple[int, int]:
    """(failures counted, seconds left) of `value`'s current window, in the database."""
    now = int(time.time())
    end = _window_end(value, limit.period, now)
    fields = {
        "group": limit.group,
        "period": limit.period,
        "key": hashlib.sha256(value.encode()).hexdigest(),
        "window_end": end,
    }
    rows = LoginFailureCount.objects.filter(**fields)
    if increment:
        with transaction.atomic():
            if not rows.update(count=F("count") + 1):
                try:
                    with transaction.atomic():
                        LoginFailureCount.objects.create(count=1, **fields)
                except IntegrityError:  # another worker created it first
                    rows.update(count=F("count") + 1)
    count = rows.values_list("count", flat=True).first() or 0
    return count, end - now


def _cache_usage(request: HttpRequest, limit: Limit, value: str, *, increment: bool):
    usage = get_usage(
        request,
        group=limit.group,
        key=lambda _group, _request: value,
        rate=limit.rate,
        increment=increment,
    )
    if usage is None:  # RATELIMIT_ENABLE = False
        return None
    if not usage["limit"]:  # a cache that cannot count: refuse (fail closed)
        return limit.count, 1
    return usage["count"], usage["time_left"]


def _usage(request: HttpRequest, limit: Limit, address: str, *, increment: bool):
    value = _value(request, limit, address)
    if settings.MAILADMIN_LOGIN_THROTTLE == "cache":
        return _cache_usage(request, limit, value, increment=increment)
    return _database_usage(limit, value, increment=increment)


def seconds_blocked(request: HttpRequest, address: str, limits=LIMITS) -> int:
    """Seconds until this address and client may try again; 0 when they may now.
    `limits`: another kind's (the API's bearer tokens count per client only)."""
    waits = [0]
    for limit in limits:
        usage = _usage(request, limit, address, increment=False)
        if usage is None:
            continue
        count, seconds_left = usage
        if count >= limit.count:
            waits.append(max(seconds_left, 1))
    return max(waits)


def record_failure(request: HttpRequest, address: str, limits=LIMITS) -> None:
    for limit in limits:
        _usage(request, limit, address, increment=True)
    if settings.MAILADMIN_LOGIN_THROTTLE == "database":
        LoginFailureCount.objects.filter(window_end__lt=int(time.time())).delete()


def refusal_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. Try again in %(minutes)s minute.",
        "Too many failed attempts. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
