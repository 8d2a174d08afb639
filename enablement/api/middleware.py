import logging

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

log = logging.getLogger(__name__)


class RefuseNulCharacters:
    """PostgreSQL cannot store the NUL character, and no person's details contain one: an
    API request carrying it anywhere is refused whole, before any handler runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/") and self._has_nul(request):
            return JsonResponse(
                {
                    "detail": "The request contains a NUL character; nothing was saved",
                    "errors": [{"field": "", "message": "Remove the NUL (\\u0000) character"}],
                },
                status=422,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info:
            return True
        if any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
            return True
        body = request.body if request.method in ("POST", "PUT", "PATCH") else b""
        return b"\x00" in body or b"\\u0000" in body.lower()


_PLAIN_DETAIL = {
    400: "The request has problems; nothing was saved",
    401: "Sign in, or send a valid API token",
    403: "You do not have permission to do this",
    404: "Not found",
    405: "This address does not accept that method",
    413: "The request is too large; nothing was saved",
    503: "The service is unavailable for a moment; nothing was saved. Try again shortly",
}


class ApiErrorsAsJson:
    """Whatever goes wrong under /api/, a client gets the API's error shape, never an HTML
    page or a traceback: the handlers in api.py cover what happens inside an operation, this
    covers what happens around one (a method the address does not take, an error in another
    middleware, Django's debug pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        detail = _PLAIN_DETAIL.get(status, "Something went wrong on our side; nothing was saved")
        replaced = JsonResponse({"detail": detail, "errors": []}, status=status)
        if response.has_header("Allow"):
            replaced["Allow"] = response["Allow"]
        return replaced

    def process_exception(self, request, exception):
        if not request.path_info.startswith("/api/"):
            return None
        return json_for_exception(exception)


def json_for_exception(exc: Exception) -> JsonResponse:
    """The answer to an error nobody foresaw: the traceback goes to the server's log, the
    client gets a plain sentence (even with DEBUG on). A database that cannot be reached is a
    503, so a client knows to try again, rather than a 500 that says the request was wrong."""
    if isinstance(exc, OperationalError | InterfaceError):
        log.error("API request failed: the database is unavailable", exc_info=exc)
        status = 503
    else:
        log.error("API request failed", exc_info=exc)
        status = 500
    detail = _PLAIN_DETAIL.get(status, "Something went wrong on our side; nothing was saved")
    return JsonResponse({"detail": detail, "errors": []}, status=status)
