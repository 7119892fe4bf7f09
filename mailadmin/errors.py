"""Error pages that work while the database is down."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as default_server_error


def server_error(request):
    """A 503 page, rendered without touching the database, when the database is away.

    Django drops the broken connection at the end of the request and opens a new one on
    the next, so the panel recovers by itself when the database comes back; every service
    operation is one transaction, so nothing is half-written.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DatabaseError) and "gone away" in str(error)
    ):
        body = render_to_string("503.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return default_server_error(request)
