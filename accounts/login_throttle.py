"""Failed self-service logins, counted per address and per client in Django's cache.

django-ratelimit keeps the counters (fixed windows, jittered per key). Only failures are
counted; an address or client with too many failures in a window is refused until the
window ends, even with the right password. The short windows slow a guesser down, the
long ones stop them. Failures for one address never block another address, except
through the per-client limit of the client that made them.

django_ratelimit is used as a library, not an installed app: its system check rejects the
per-process and database caches outright, which serve here (README, "Self-service").
"""

import ipaddress
import math
from dataclasses import dataclass

from django.http import HttpRequest
from django_ratelimit.core import get_usage

from mailadmin.client import client_address


@dataclass(frozen=True)
class Limit:
    scope: str  # "address" or "client"
    rate: str  # django-ratelimit rate: failures per window

    @property
    def group(self) -> str:
        return f"selfservice-login-{self.scope}"


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


def _usage(request: HttpRequest, limit: Limit, address: str, *, increment: bool) -> dict | None:
    value = address.strip().lower() if limit.scope == "address" else client_ip(request)
    return get_usage(
        request,
        group=limit.group,
        key=lambda _group, _request: value,
        rate=limit.rate,
        increment=increment,
    )


def seconds_blocked(request: HttpRequest, address: str) -> int:
    """Seconds until this address and client may try again; 0 when they may now."""
    waits = [0]
    for limit in LIMITS:
        usage = _usage(request, limit, address, increment=False)
        if usage is None:  # RATELIMIT_ENABLE = False
            continue
        # A cache that cannot count gives limit 0: refuse (fail closed).
        if usage["count"] >= usage["limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits)


def record_failure(request: HttpRequest, address: str) -> None:
    for limit in LIMITS:
        _usage(request, limit, address, increment=True)


def refusal_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts. Try again in {minutes} {unit}."
