from django.urls import include, path

from enablement.casework import views

app_name = "casework"

urlpatterns = [
    path("<int:pk>/", views.episode, name="episode"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/risk-review/", views.risk_review, name="risk-review"),
    path("<int:pk>/planning-meeting/", views.planning_meeting, name="planning-meeting"),
    path("<int:pk>/safety-issues/", views.safety_issue, name="safety-issue"),
    path(
        "<int:pk>/safety-issues/<int:issue_pk>/resolve/",
        views.resolve_safety_issue,
        name="safety-resolve",
    ),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/hold/", views.hold, name="hold"),
    path("", include("enablement.casework.daily_urls")),
]
