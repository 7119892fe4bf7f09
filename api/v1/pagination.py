"""Keyset pagination in index order: no OFFSET, no COUNT(*) (DRF's CursorPagination).

A page is the first `limit` rows after the cursor, in the order of the list's unique key;
one row more is read to know whether a next page exists. The cursor is DRF's (opaque to
clients, not a secret). Here: the page size is checked rather than silently replaced, and a
cursor the API did not give is a 400 with the field's message, as any bad parameter.
"""

import base64
import binascii

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

MAX_LIMIT = 1000
NOT_OURS = gettext_lazy("This cursor is not one the API gave.")


def page_size(request) -> int:
    raw = request.query_params.get("limit", "")
    if not raw:
        return settings.MAILADMIN_API_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        message = _("A page holds 1 to %(max)s rows.") % {"max": MAX_LIMIT}
        raise ValidationError({"limit": [message]})
    return int(raw)


class KeysetPagination(CursorPagination):
    """One list's pages, ordered by its unique column `key` (`descending`: newest first)."""

    cursor_query_param = "cursor"
    max_page_size = MAX_LIMIT

    def __init__(self, key: str, *, descending: bool = False, numeric: bool = False):
        self.ordering = f"-{key}" if descending else key
        self.numeric = numeric

    def get_page_size(self, request) -> int:
        return page_size(request)

    def decode_cursor(self, request):
        try:
            # DRF's own decoding skips characters that are not base64 (a first page).
            base64.b64decode(request.query_params.get(self.cursor_query_param, ""), validate=True)
            cursor = super().decode_cursor(request)
        except (NotFound, binascii.Error, ValueError):
            raise ValidationError({"cursor": [NOT_OURS]}) from None
        position = cursor.position if cursor else None
        if self.numeric and position is not None and not str(position).isdigit():
            raise ValidationError({"cursor": [NOT_OURS]})
        return cursor

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "results": data})


def paginate(
    request, queryset, key: str, serialize, *, descending: bool = False, numeric: bool = False
) -> Response:
    """One page of `queryset` ordered by its unique column `key`, each row `serialize`d
    (`numeric`: the key is an integer, so a forged cursor is checked before the query)."""
    paginator = KeysetPagination(key, descending=descending, numeric=numeric)
    rows = paginator.paginate_queryset(queryset, request)
    return paginator.get_paginated_response([serialize(row) for row in rows])
