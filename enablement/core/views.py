from django.http import JsonResponse
from django.shortcuts import render


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def forbidden(request, exception=None):
    if _api(request):
        return JsonResponse(
            {"detail": "You do not have permission to do this", "errors": []}, status=403
        )
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    # Unknown API addresses answer in the API's own error shape, not an HTML page.
    if _api(request):
        return JsonResponse({"detail": "Not found", "errors": []}, status=404)
    return render(request, "errors/404.html", status=404)
