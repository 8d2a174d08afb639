"""The versioned JSON API: /api/v1/, its schema at /api/v1/openapi.json, docs at /api/v1/docs.

Each domain app adds a router; handlers stay thin and call the same selectors and actions as
the pages. Every error is an ErrorOut.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from enablement.api.auth import ActiveSessionAuth, ApiTokenAuth
from enablement.api.middleware import json_for_exception
from enablement.core.limits import too_long_message

api = NinjaAPI(
    title="Enablement API",
    version="1",
    description="Case management for enablement and recovery services. Sign in with the "
    "browser session, or send `Authorization: Bearer <token>` with a token made on the "
    "'API tokens' page.",
    urls_namespace="api-v1",
    auth=[ApiTokenAuth(), ActiveSessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "" if f == "__all__" else f, "message": m}
            for f, msgs in exc.message_dict.items()
            for m in msgs
        ]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return _error(request, 400, "The request has problems; nothing was saved", errors)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors = []
    for e in exc.errors:
        loc = [
            str(part)
            for part in e.get("loc", ())
            if part not in ("body", "query", "path", "payload")
        ]
        message = e.get("msg", "Invalid value")
        if e.get("type") == "string_too_long" and loc:
            # As the pages say it: "Reason must be 5,000 characters or fewer".
            message = too_long_message(loc[-1].replace("_", " "), e["ctx"]["max_length"])
        errors.append({"field": ".".join(loc), "message": message})
    return _error(request, 422, "The request does not match the schema; nothing was saved", errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "Not found")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, "You do not have permission to do this")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "Sign in, or send a valid API token")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_unexpected_error(request, exc: Exception):
    # Replaces django-ninja's default, which shows the traceback to the client when DEBUG is on.
    return json_for_exception(exc)


def _register_routers():
    from enablement.accounts.api import router as accounts_router
    from enablement.allocation.api import router as allocation_router
    from enablement.casework.api import router as casework_router
    from enablement.catalogue.api import router as catalogue_router
    from enablement.closures.api import router as closures_router
    from enablement.people.api import router as people_router
    from enablement.plans.api import router as plans_router
    from enablement.referrals.api import router as referrals_router
    from enablement.reviews.api import router as reviews_router
    from enablement.visits.api import router as visits_router

    api.add_router("/", accounts_router)
    api.add_router("/people", people_router)
    api.add_router("/services", catalogue_router)
    api.add_router("/referrals", referrals_router)
    api.add_router("/allocation", allocation_router)
    # One path for the episode, each part of the enablement adding its own actions.
    for episode_router in (
        casework_router,
        plans_router,
        visits_router,
        reviews_router,
        closures_router,
    ):
        api.add_router("/episodes", episode_router)


_register_routers()
