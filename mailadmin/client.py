"""The client's IP address, also behind a reverse proxy."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the last hop of MAILADMIN_CLIENT_IP_HEADER (set by your proxy)."""
    header = settings.MAILADMIN_CLIENT_IP_HEADER
    if header:
        raw = request.headers.get(header, "").split(",")[-1].strip()
    else:
        raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
