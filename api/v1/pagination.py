"""Keyset pagination in index order: no OFFSET, no COUNT(*).

A page is the first `limit` rows after the cursor (the last key of the previous page,
base64url), in the order of the list's unique key; one row more is read to know whether a
next page exists. The cursor is opaque to clients but not a secret.
"""

import base64
import binascii

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

MAX_LIMIT = 1000


def page_size(request) -> int:
    raw = request.query_params.get("limit", "")
    if not raw:
        return settings.MAILADMIN_API_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError({"limit": [f"A page holds 1 to {MAX_LIMIT} rows."]})
    return int(raw)


def decode_cursor(request) -> str | None:
    raw = request.query_params.get("cursor", "")
    if not raw:
        return None
    try:
        padded = (raw + "=" * (-len(raw) % 4)).encode()
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError({"cursor": ["This cursor is not one the API gave."]}) from None


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def paginate(request, queryset, key: str, serialize, *, descending: bool = False) -> Response:
    """`queryset` ordered by the unique column `key` after the cursor, one page of it
    (`descending`: newest first, for the history)."""
    limit = page_size(request)
    after = decode_cursor(request)
    if after is not None:
        if descending and not after.isdigit():
            raise ValidationError({"cursor": ["This cursor is not one the API gave."]})
        queryset = queryset.filter(**{f"{key}__{'lt' if descending else 'gt'}": after})
    rows = list(queryset.order_by(f"-{key}" if descending else key)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        params = request.query_params.copy()
        params["cursor"] = encode_cursor(str(getattr(rows[-1], key)))
        next_url = request.build_absolute_uri(request.path) + "?" + params.urlencode()
    return Response({"next": next_url, "results": [serialize(row) for row in rows]})
