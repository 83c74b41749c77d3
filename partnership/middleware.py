"""What the project does when the database goes away under a request."""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """A connection lost mid-request (the server restarted, a failover, the backend terminated) rolls its
    transaction back: nothing was written. Say so with a 503 and a time to try again, not a 500, and drop the broken
    connection so the next request opens a new one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
        connection.close()
        if request.path.startswith("/api/"):
            response = JsonResponse({"status": 503, "code": "database_unavailable", "errors": {},
                                     "detail": "The database is unavailable for a moment; nothing was changed. Try again."},
                                    status=503)
        else:
            # No context processors: they would ask the database again.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
