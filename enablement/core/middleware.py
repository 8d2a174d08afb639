from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils.cache import add_never_cache_headers


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user, except those marked @login_not_required.

    The API answers for itself (401 with an error body) rather than redirecting to the
    sign-in page, and allows its schema and docs to be read by anyone.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# Every powerful browser feature is off: no page of this service needs a camera, a microphone,
# the person's location or a payment sheet, and a script that got in could otherwise ask for
# them. Only features Chromium recognises are named, so it logs no warning on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)


class PrivateResponses:
    """Every response this code makes may carry personal data (pages, API answers, exports), so
    none may be kept by a browser's or a proxy's cache: after signing out on a shared computer,
    Back must not show the last person's record. Static files never reach here (WhiteNoise,
    earlier in MIDDLEWARE, answers them), so they stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
