from functools import wraps

from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Pages reserved to some roles answer 403 to every other signed-in user."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated or not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
