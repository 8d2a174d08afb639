from django.http import JsonResponse


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
