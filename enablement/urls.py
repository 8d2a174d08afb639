from django.urls import include, path

from enablement.api.api import api

urlpatterns = [
    path("", include("enablement.accounts.urls")),
    path("home/", include("enablement.home.urls")),
    path("people/", include("enablement.people.urls")),
    path("people/", include("enablement.privacy.urls")),
    path("referrals/", include("enablement.referrals.urls")),
    path("allocation/", include("enablement.allocation.urls")),
    path("episodes/", include("enablement.casework.urls")),
    path("episodes/", include("enablement.plans.urls")),
    path("episodes/", include("enablement.visits.urls")),
    path("episodes/", include("enablement.reviews.urls")),
    path("episodes/", include("enablement.closures.urls")),
    path("returns/", include("enablement.returns.urls")),
    path("episodes/", include("enablement.outcomes.urls")),
    path("inbox/", include("enablement.notifications.urls")),
    path("performance/", include("enablement.reporting.urls")),
    path("self-referral/", include("enablement.referrals.public_urls")),
    path("feedback/", include("enablement.feedback.urls")),
    path("exports/", include("enablement.core.urls")),
    path("", include("enablement.catalogue.urls")),
    path("", include("enablement.governance.urls")),
    path("api/v1/", api.urls),
]

handler403 = "enablement.core.views.forbidden"
handler404 = "enablement.core.views.not_found"
